import Domain
import Foundation
import Postgres
import Server
import Store
import Testing
import TestSupport

@Suite("case lifecycle")
struct CaseLifecycleTests {
    @Test("a petition-related matter goes triage → evaluation → review → follow-up → resolved → closed, each step an event and audited")
    func petitionPath() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            try await world.upload(WorkflowWorld.rows(1, prefix: "JZ", petition: true))
            let me = try await world.principal("pros.jz")
            let id = try await world.caseID("JZ-1")
            #expect(try await world.state(id).stage == "triage")
            #expect(try await world.state(id).petition == true)

            func claim(_ stage: Stage) async throws {
                let claimed = try await CaseQueue.claimNext(unit: nil, stage: stage, by: me, address: "test", using: client)
                #expect(claimed == id, "claim from \(stage)")
            }
            func move(_ request: TransitionRequest) async throws {
                _ = try await CaseTransitions.perform(caseID: id, request, by: me, address: "test", using: client)
            }
            try await claim(.triage)
            #expect(try await world.state(id).leased)
            try await move(TransitionRequest(to: .evaluation, note: "属涉信访事项"))
            #expect(try await world.state(id).assignee == nil, "a claim ends with the stage it was taken for")

            try await claim(.evaluation)
            var evaluation = TransitionRequest(to: .review)
            (evaluation.riskLevel, evaluation.merits, evaluation.jurisdiction, evaluation.regulationTrack) = ("高", "诉求有理", "本院管辖", true)
            try await move(evaluation)
            try await claim(.review)
            var review = TransitionRequest(to: .followUp)
            (review.grade, review.flaws, review.clues) = ("合格", "送达程序有瑕疵", ["行政机关超期未作出复议决定"])
            try await move(review)
            try await claim(.followUp)
            var resolved = TransitionRequest(to: .resolved)
            (resolved.actions, resolved.how) = ("组织座谈，督促返还保证金", "和解")
            try await move(resolved)
            try await claim(.resolved)
            var closing = TransitionRequest(to: .closed)
            closing.reply = "已书面答复企业：保证金已返还。"
            try await move(closing)

            #expect(try await world.state(id).stage == "closed")
            #expect(try await world.state(id).assignee == nil)
            let transitions = try await client.query("""
                SELECT from_stage, to_stage FROM case_events WHERE case_id = \(id) AND kind = 'transition' ORDER BY id
                """).map { try $0.decode((String, String).self) }
            #expect(transitions.map { "\($0.0)→\($0.1)" } == ["triage→evaluation", "evaluation→review", "review→follow_up",
                                                              "follow_up→resolved", "resolved→closed"])
            #expect(try await world.eventKinds(id).first == "intake")
            #expect(try await world.eventKinds(id).filter { $0 == "claim" }.count == 5)
            let how = try await client.query("""
                SELECT payload->>'how' FROM case_events WHERE case_id = \(id) AND to_stage = 'resolved'
                """)[0].decode(String.self, at: 0)
            #expect(how == "和解", "the stage's details are kept in the event")
            // The 信访条例 track added a 60-day handling deadline, closed when the matter was resolved;
            // closing answered the replies still owed.
            let deadlines = try await client.query("""
                SELECT kind, closed_on IS NOT NULL FROM case_deadlines WHERE case_id = \(id) ORDER BY kind
                """).map { try $0.decode((String, Bool).self) }
            #expect(deadlines.map(\.0) == ["procedural_reply", "regulation_handling", "result_reply"])
            #expect(deadlines.allSatisfy { $0.1 })
            let clue = try await client.query("SELECT summary FROM supervision_clues WHERE case_id = \(id)")[0].decode(String.self, at: 0)
            #expect(clue == "行政机关超期未作出复议决定")
            let audited = try await client.query("""
                SELECT count(*) FROM audit_events WHERE action = 'case.transition' AND entity_id = \(String(id))
                """)[0].decode(Int.self, at: 0)
            #expect(audited == 5)
            if case .broken(let eventID, let reason) = try await AuditLog.verify(using: client) {
                Issue.record("audit chain broken at \(eventID): \(reason)")
            }
        }
    }

    @Test("another case goes triage → referred → closed; a petition-related one may not be referred")
    func referralPath() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            try await world.upload(WorkflowWorld.rows(1, prefix: "OT", petition: false) + WorkflowWorld.rows(1, prefix: "PT", petition: true))
            let leader = try await world.principal("leader.jz")
            let other = try await world.caseID("OT-1"), petition = try await world.caseID("PT-1")
            var referral = TransitionRequest(to: .referred)
            referral.referredTo = "锦州市市场监督管理局"
            _ = try await CaseTransitions.perform(caseID: other, referral, by: leader, address: "test", using: client)
            await #expect(throws: CaseActionError.self) {
                _ = try await CaseTransitions.perform(caseID: petition, referral, by: leader, address: "test", using: client)
            }
            var closing = TransitionRequest(to: .closed)
            closing.reply = "已转市场监管部门处理并告知企业。"
            _ = try await CaseTransitions.perform(caseID: other, closing, by: leader, address: "test", using: client)
            #expect(try await world.state(other).stage == "closed")
            #expect(try await world.state(petition).stage == "triage")
        }
    }

    @Test("the database refuses every stage change not in the table, even from raw SQL, and allows every listed one")
    func databaseEnforcesTheTable() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            let stored = try await client.query("SELECT from_stage, to_stage, roles, requires_petition FROM stage_transitions")
                .map { try $0.decode((String, String, [String], Bool?).self) }
            #expect(Set(stored.map { "\($0.0)>\($0.1)>\($0.2.sorted())>\(String(describing: $0.3))" })
                    == Set(StageTransitions.all.map { "\($0.from.rawValue)>\($0.to.rawValue)>\($0.roles.map(\.rawValue).sorted())>\(String(describing: $0.requiresPetitionRelated))" }),
                    "the SQL table and StageTransitions.all agree")
            try await world.upload(WorkflowWorld.rows(1, prefix: "P", petition: true) + WorkflowWorld.rows(1, prefix: "O", petition: false))
            // A legal path to each stage, for a petition-related case and another one.
            let paths: [Stage: [Stage]] = [
                .triage: [], .evaluation: [.evaluation], .review: [.evaluation, .review], .followUp: [.evaluation, .review, .followUp],
                .resolved: [.evaluation, .review, .followUp, .resolved], .unresolved: [.evaluation, .review, .followUp, .unresolved],
                .referred: [.referred], .closed: [.referred, .closed],
            ]
            var allowed = 0, refused = 0
            for (ref, petition) in [("P-1", true), ("O-1", false)] {
                let id = try await world.caseID(ref)
                for (from, path) in paths where path.isEmpty || (path.first == .referred) != petition {
                    for to in Stage.allCases where to != from {
                        let legal = StageTransitions.find(from: from, to: to).map { $0.requiresPetitionRelated == nil || $0.requiresPetitionRelated == petition } ?? false
                        let outcome: Bool = try await client.withConnection { connection in
                            try await connection.query("BEGIN")
                            for step in path { try await connection.query("UPDATE cases SET stage = \(step.rawValue) WHERE id = \(id)") }
                            do {
                                try await connection.query("UPDATE cases SET stage = \(to.rawValue) WHERE id = \(id)")
                                try await connection.query("ROLLBACK")
                                return true
                            } catch let error as PostgresError {
                                #expect(error.sqlState == "HQ409", "\(from)→\(to): \(error)")
                                try await connection.query("ROLLBACK")
                                return false
                            }
                        }
                        #expect(outcome == legal, "\(ref) \(from.rawValue)→\(to.rawValue)")
                        if outcome { allowed += 1 } else { refused += 1 }
                    }
                }
            }
            #expect(allowed == 9, "each listed transition once, on the case it applies to")
            #expect(refused > 40)
            await #expect(throws: PostgresError.self) {
                try await client.query("""
                    INSERT INTO cases (partner_id, external_ref, first_batch_id, batch_id, unit_code, region_code, enterprise_name, claim, handed_over_on, stage)
                    SELECT partner_id, 'X-1', batch_id, batch_id, unit_code, region_code, 'x', 'x', handed_over_on, 'closed' FROM cases LIMIT 1
                    """)
            }
        }
    }

    @Test("racing actions on one case: one stage change wins, the rest are refused with a code, and a hold never lands under a later move")
    func racingTransitions() async throws {
        try await TestDatabase.withClient(maximumConnections: 8) { client in
            let world = try await WorkflowWorld.make(client: client)
            try await world.upload(WorkflowWorld.rows(12, prefix: "R", petition: true))
            let leader = try await world.principal("leader.jz")
            for round in 1...12 {
                let id = try await world.caseID("R-\(round)")
                let results = try await withThrowingTaskGroup(of: (String, String?).self) { group in
                    for _ in 0..<4 {
                        group.addTask {
                            do {
                                _ = try await CaseTransitions.perform(caseID: id, TransitionRequest(to: .evaluation), by: leader, address: "t", using: client)
                                return ("move", nil)
                            } catch let error as CaseActionError { return ("move", error.code) }
                        }
                    }
                    group.addTask {
                        do {
                            try await CaseHolds.hold(caseID: id, reason: "等待补充材料", by: leader, address: "t", using: client)
                            return ("hold", nil)
                        } catch let error as CaseActionError { return ("hold", error.code) }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                let moves = results.filter { $0.0 == "move" }
                let won = moves.filter { $0.1 == nil }.count
                #expect(won <= 1, "round \(round): at most one stage change")
                #expect(moves.allSatisfy { $0.1 == nil || $0.1 == "transition.not_allowed" || $0.1 == "case.on_hold" },
                        "round \(round): losers are refused with a conflict code, not lost: \(moves)")
                #expect(results.contains { $0 == ("hold", nil) }, "round \(round): the hold is taken")
                let events = try await client.query("""
                    SELECT kind FROM case_events WHERE case_id = \(id) AND kind IN ('transition', 'hold') ORDER BY id
                    """).map { try $0.decode(String.self, at: 0) }
                #expect(events == (won == 1 ? ["transition", "hold"] : ["hold"]), "round \(round): \(events)")
                #expect(try await world.state(id).stage == (won == 1 ? "evaluation" : "triage"))
            }
        }
    }
}
