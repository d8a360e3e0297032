import Domain
import Foundation
import Postgres
import Server
import Store
import Testing
import TestSupport

/// The case page is one statement (case, clock, deadlines, timeline and clues as JSON): what
/// it shows must equal what the tables hold.
@Suite("case page")
struct CaseDetailTests {
    @Test("the page carries every event in order with its actor, time and payload, every clue and every deadline, held or not")
    func matchesTables() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            try await world.upload(WorkflowWorld.rows(1, prefix: "D", petition: true))
            let (leader, id) = (try await world.principal("leader.jz"), try await world.caseID("D-1"))
            _ = try await CaseTransitions.perform(caseID: id, TransitionRequest(to: .evaluation, note: "属涉信访事项"), by: leader,
                                                  address: "t", using: client)
            var evaluation = TransitionRequest(to: .review)
            (evaluation.riskLevel, evaluation.merits, evaluation.jurisdiction, evaluation.regulationTrack) = ("高", "诉求有理", "本院管辖", true)
            _ = try await CaseTransitions.perform(caseID: id, evaluation, by: leader, address: "t", using: client)
            let first = try await SupervisionClues.add(caseID: id, summary: "超期未答复", by: leader, address: "t", using: client)
            _ = try await SupervisionClues.add(caseID: id, summary: "送达程序瑕疵", by: leader, address: "t", using: client)
            _ = try await SupervisionClues.transfer(clueID: first, department: "行政检察部", by: leader, address: "t", using: client)
            try await CaseHolds.hold(caseID: id, reason: "等待补充材料", by: leader, address: "t", using: client)

            let detail = try #require(try await CaseQueries.detail(id: id, for: leader, using: client))
            let events = try await client.query("""
                SELECT e.id, e.kind, e.actor, u.display_name, extract(epoch FROM e.occurred_at)::float8, e.payload::text
                FROM case_events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.case_id = \(id) ORDER BY e.id
                """).map { try $0.decode((Int64, String, String, String?, Double, String).self) }
            #expect(detail.events.map(\.id) == events.map(\.0))
            #expect(detail.events.map(\.kind) == events.map(\.1))
            #expect(detail.events.first?.kind == "intake" && detail.events.last?.kind == "hold")
            #expect(detail.events.map(\.actorName) == events.map(\.3))
            for (shown, stored) in zip(detail.events, events) {
                #expect(abs(shown.occurredAt.timeIntervalSince1970 - stored.4) < 0.000_01, "event \(stored.0) time")
            }
            let review = try #require(detail.events.first { $0.toStage == "review" })
            #expect(review.payload["risk_level"] == .string("高"))
            #expect(detail.events.first { $0.toStage == "evaluation" }?.note == "属涉信访事项")

            #expect(detail.clues.map(\.summary) == ["超期未答复", "送达程序瑕疵"])
            #expect(detail.clues[0].department == "行政检察部")
            let transferred = try await client.query("""
                SELECT extract(epoch FROM transferred_at)::float8 FROM supervision_clues WHERE id = \(first)
                """)[0].decode(Double.self, at: 0)
            #expect(abs((detail.clues[0].transferredAt?.timeIntervalSince1970 ?? 0) - transferred) < 0.000_01)
            #expect(detail.clues[1].transferredAt == nil)

            let deadlines = try await client.query("""
                SELECT kind, due_on FROM case_deadlines WHERE case_id = \(id) ORDER BY due_on, id
                """).map { try $0.decode((String, CalendarDate).self) }
            #expect(detail.summary.deadlines.map(\.kind) == deadlines.map(\.0))
            #expect(detail.summary.deadlines.map(\.dueOn) == deadlines.map(\.1))
            #expect(deadlines.map(\.0).contains("regulation_handling"))
            #expect(detail.summary.onHold)
            #expect(detail.summary.deadlines.allSatisfy { $0.state == .open }, "a hold pauses every open deadline")
            #expect(detail.holdReason == "等待补充材料")
        }
    }

    @Test("the timeline names who acted in Chinese: a partner's key by the partner, a command by its login, a person by name, the scheduler as 系统")
    func actorNames() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            let partnerKey = try await APIKeyRepository(client: client).authenticate(world.identity.keyA.plaintext)
            try await world.upload(WorkflowWorld.rows(1, prefix: "N", petition: true), by: AuditEvent(by: partnerKey, action: "batch.upload"))
            // The same case corrected from the command line (`huqi import` run by the login ops).
            try await world.upload(WorkflowWorld.rows(1, prefix: "N", petition: true, claimSuffix: "及利息"),
                             by: AuditEvent(actor: "cli:ops", actorLabel: "ops", action: "cli.run"))
            let prosecutor = try await world.principal("pros.jz")
            let id = try await world.caseID("N-1")
            #expect(try await CaseQueue.claimNext(unit: nil, stage: .triage, by: prosecutor, address: "t", using: client) == id)
            try await client.query("UPDATE cases SET lease_until = now() - interval '1 second' WHERE id = \(id)")
            #expect(try await CaseQueue.expireLeases(using: client) == 1)

            let detail = try #require(try await CaseQueries.detail(id: id, for: prosecutor, using: client))
            #expect(detail.events.map(\.kind) == ["intake", "update", "claim", "lease_expired"])
            #expect(detail.events.map(\.actorName) == [
                "辽宁省工商业联合会（接口上传）", "命令行（ops）", world.identity.users["pros.jz"]?.displayName, "系统",
            ])
            #expect(detail.events.map(\.actor).first?.hasPrefix("partner:") == true, "the raw actor stays for programs")
        }
    }
}
