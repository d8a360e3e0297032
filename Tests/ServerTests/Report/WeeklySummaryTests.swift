import Domain
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import Reporting
import Server
import Store
import Testing
import TestSupport

/// The weekly summary on a small dataset whose numbers are written here by hand. Events happen
/// "now"; the test moves them into the weeks it needs (as a superuser, around the append-only
/// trigger), the way the history would look had they happened then.
@Suite("weekly summary")
struct WeeklySummaryTests {
    static let week = ISOWeek("2026-W45")!  // Monday 2026-11-02 … Sunday 2026-11-08

    /// Moves every event with id > `after` to `time` (Asia/Shanghai), one second apart.
    func backdate(after: Int64, to time: String, _ client: PostgresClient) async throws -> Int64 {
        try await client.withConnection { connection in
            try await connection.query("SET session_replication_role = replica")
            try await connection.query("""
                UPDATE case_events SET occurred_at = \(time)::timestamptz + (id - \(after)) * interval '1 second' WHERE id > \(after)
                """)
            try await connection.query("SET session_replication_role = origin")
        }
        return try await client.query("SELECT coalesce(max(id), 0) FROM case_events")[0].decode(Int64.self, at: 0)
    }

    /// P-1 resolved, P-2 in evaluation, P-3 waiting in triage, O-1 referred — all in week 45.
    func weekFortyFive(_ world: WorkflowWorld) async throws -> Int64 {
        let client = world.client
        try await world.upload(WorkflowWorld.rows(3, prefix: "P", petition: true) + WorkflowWorld.rows(1, prefix: "O", petition: false))
        try await client.query("UPDATE batches SET received_at = '2026-11-03 09:00+08'")
        let leader = try await world.principal("leader.jz")
        func move(_ ref: String, _ request: TransitionRequest) async throws {
            _ = try await CaseTransitions.perform(caseID: try await world.caseID(ref), request, by: leader, address: "t", using: client)
        }
        try await move("P-1", TransitionRequest(to: .evaluation))
        var evaluation = TransitionRequest(to: .review)
        (evaluation.riskLevel, evaluation.merits, evaluation.jurisdiction) = ("中", "有理", "本院")
        try await move("P-1", evaluation)
        var review = TransitionRequest(to: .followUp)
        (review.grade, review.clues) = ("合格", ["某局超期未答复"])
        try await move("P-1", review)
        var resolved = TransitionRequest(to: .resolved)
        (resolved.actions, resolved.how) = ("座谈", "和解")
        try await move("P-1", resolved)
        try await move("P-2", TransitionRequest(to: .evaluation))
        var referral = TransitionRequest(to: .referred)
        referral.referredTo = "市场监管局"
        try await move("O-1", referral)
        // Deadlines by hand: P-1's procedural reply answered on time inside the week; P-3's
        // procedural reply overdue at the week's end; P-2's result reply due next week.
        let (p1, p2, p3) = (try await world.caseID("P-1"), try await world.caseID("P-2"), try await world.caseID("P-3"))
        // (Written as the first computation, original_due_on, and created before the week.)
        try await client.query("UPDATE case_deadlines SET starts_on = '2026-11-01', created_at = '2026-11-01 09:00+08'")
        try await client.query("""
            UPDATE case_deadlines SET due_on = '2026-11-09', original_due_on = '2026-11-09', closed_on = '2026-11-05',
                   closed_at = '2026-11-05 09:00+08'
            WHERE case_id = \(p1) AND kind = 'procedural_reply'
            """)
        try await client.query("""
            UPDATE case_deadlines SET due_on = '2026-11-06', original_due_on = '2026-11-06' WHERE case_id = \(p3) AND kind = 'procedural_reply'
            """)
        try await client.query("""
            UPDATE case_deadlines SET due_on = '2026-11-12', original_due_on = '2026-11-12' WHERE case_id = \(p2) AND kind = 'result_reply'
            """)
        try await client.withConnection { connection in  // those hand edits are not history
            try await connection.query("SET session_replication_role = replica")
            try await connection.query("DELETE FROM deadline_due_history")
            try await connection.query("SET session_replication_role = origin")
        }
        return try await backdate(after: 0, to: "2026-11-04 10:00+08", client)
    }

    @Test("each number of a hand-made week, for the week and cumulatively")
    func handComputed() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            try await client.query("UPDATE workflow_settings SET programme_start = '2026-10-01'")
            _ = try await weekFortyFive(world)
            let office = try await world.principal("office")
            let s = try await WeeklyQueries.compute(week: Self.week, for: office, using: client)
            #expect(s.from == CalendarDate(iso: "2026-11-02") && s.to == CalendarDate(iso: "2026-11-08"))
            let lnfic = try #require(s.intake.first { $0.partner == "LNFIC" })
            #expect((lnfic.week.batches, lnfic.week.rows, lnfic.week.accepted, lnfic.week.rejected) == (1, 4, 4, 0))
            #expect(s.triage.week.petitionRelated == 3 && s.triage.week.other == 1 && s.triage.week.overrides == 0)
            let flow = Dictionary(uniqueKeysWithValues: s.stages.map { ($0.stage, ($0.entered, $0.left, $0.stockAtEnd)) })
            #expect(flow[.triage]! == (4, 3, 1))
            #expect(flow[.evaluation]! == (2, 1, 1))
            #expect(flow[.review]! == (1, 1, 0))
            #expect(flow[.followUp]! == (1, 1, 0))
            #expect(flow[.resolved]! == (1, 0, 1))
            #expect(flow[.referred]! == (1, 0, 1))
            #expect(flow[.closed]! == (0, 0, 0))
            #expect(s.resolution.week.resolved == 1 && s.resolution.week.takenIntoHandling == 2)
            #expect(s.resolution.week.rate.percentText == "50.0%")
            #expect(s.resolution.week.byKind == ["和解": 1])
            #expect(s.timeliness.procedural.week.numerator == 1 && s.timeliness.procedural.week.denominator == 1)
            #expect(s.timeliness.overdueAtEnd == 1, "P-3's procedural reply")
            #expect(s.timeliness.nearDueNextWeek == 1, "P-2's result reply, due 2026-11-12")
            #expect(s.clues.week.created == 1)
            #expect(s.cities.count == 14)
            let jinzhou = try #require(s.cities.first { $0.code == "210700" })
            #expect((jinzhou.accepted, jinzhou.petitionRelated, jinzhou.resolved, jinzhou.openAtEnd) == (4, 3, 1, 4))
            #expect(s.cities.filter { $0.code != "210700" }.allSatisfy { $0.accepted == 0 && $0.openAtEnd == 0 })
            #expect(s.overdueLongest.map(\.externalRef) == ["P-3"])
            #expect(s.trend.count == 12 && s.trend.last?.week == Self.week && s.trend.last?.accepted == 4)
            // The week before saw nothing; cumulative equals the week here.
            #expect(s.triage.cumulative.petitionRelated == 3)
            let before = try await WeeklyQueries.compute(week: Self.week.adding(weeks: -1), for: office, using: client)
            #expect(before.triage.week.petitionRelated == 0 && before.stages.allSatisfy { $0.stockAtEnd == 0 })
        }
    }

    @Test("regenerating a past week after cases moved on gives the same numbers, and the next week shows the moves")
    func reproducible() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            try await client.query("UPDATE workflow_settings SET programme_start = '2026-10-01'")
            let last = try await weekFortyFive(world)
            let office = try await world.principal("office")
            let first = try await WeeklyQueries.compute(week: Self.week, for: office, using: client)

            let leader = try await world.principal("leader.jz")
            var review = TransitionRequest(to: .review)
            (review.riskLevel, review.merits, review.jurisdiction) = ("低", "部分有理", "本院")
            _ = try await CaseTransitions.perform(caseID: try await world.caseID("P-2"), review, by: leader, address: "t", using: client)
            var closing = TransitionRequest(to: .closed)
            closing.reply = "已答复"
            _ = try await CaseTransitions.perform(caseID: try await world.caseID("P-1"), closing, by: leader, address: "t", using: client)
            try await CaseStewardship.overrideTriage(caseID: try await world.caseID("P-3"), petitionRelated: false, reason: "核实后未信访",
                                                     by: leader, address: "t", using: client)
            // A hold on P-3 since the start of week 45, resumed now: its open due dates move later.
            try await CaseHolds.hold(caseID: try await world.caseID("P-3"), reason: "等待材料", by: leader, address: "t", using: client)
            try await client.query("UPDATE cases SET on_hold_since = '2026-11-02' WHERE external_ref = 'P-3'")
            #expect(try await CaseHolds.resume(caseID: try await world.caseID("P-3"), by: leader, address: "t", using: client) > 5)
            _ = try await backdate(after: last, to: "2026-11-10 10:00+08", client)

            let again = try await WeeklyQueries.compute(week: Self.week, for: office, using: client)
            #expect(again.stages == first.stages)
            #expect(again.triage == first.triage, "P-3 was still petition-related at the end of week 45")
            #expect(again.cities == first.cities)
            #expect(again.resolution == first.resolution)
            #expect(again.trend == first.trend)
            #expect(again.timeliness == first.timeliness, "P-3's due date moved after the week; the week still saw it overdue")
            #expect(again.overdueLongest == first.overdueLongest)
            let next = try await WeeklyQueries.compute(week: Self.week.adding(weeks: 1), for: office, using: client)
            let flow = Dictionary(uniqueKeysWithValues: next.stages.map { ($0.stage, ($0.entered, $0.left, $0.stockAtEnd)) })
            #expect(flow[.review]! == (1, 0, 1))
            #expect(flow[.closed]! == (1, 0, 1))
            #expect(flow[.resolved]! == (0, 1, 0))
            #expect(next.triage.week.overrides == 1)
            #expect(next.triage.cumulative.petitionRelated == 2 && next.triage.cumulative.other == 2)
        }
    }

    @Test("a case accepted on Sunday 23:59 Shanghai time (15:59 UTC) belongs to that week; one at Monday 00:00 to the next")
    func weekEdges() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            try await world.upload(WorkflowWorld.rows(2, prefix: "E", petition: false))
            try await client.withConnection { connection in
                try await connection.query("SET session_replication_role = replica")
                try await connection.query("UPDATE case_events SET occurred_at = '2026-11-08 15:59:59+00' WHERE case_id = (SELECT id FROM cases WHERE external_ref = 'E-1')")
                try await connection.query("UPDATE case_events SET occurred_at = '2026-11-08 16:00:00+00' WHERE case_id = (SELECT id FROM cases WHERE external_ref = 'E-2')")
                try await connection.query("SET session_replication_role = origin")
            }
            let office = try await world.principal("office")
            let w45 = try await WeeklyQueries.compute(week: Self.week, for: office, using: client)
            let w46 = try await WeeklyQueries.compute(week: Self.week.adding(weeks: 1), for: office, using: client)
            #expect(w45.triage.week.other == 1)
            #expect(w46.triage.week.other == 1)
            #expect(w45.stages.first { $0.stage == .triage }?.stockAtEnd == 1)
        }
    }

    @Test("a leader's summary covers their unit and the units below; a prosecutor cannot read summaries")
    func leaderScope() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            try await world.upload(WorkflowWorld.rows(2, prefix: "J", petition: true) + WorkflowWorld.rows(1, prefix: "S", petition: true, region: "沈阳市"))
            let week = ISOWeek(containing: CalendarDate.today())
            let leader = try await WeeklyQueries.compute(week: week, for: try await world.principal("leader.jz"), using: client)
            #expect(leader.scope == "锦州市人民检察院")
            #expect(leader.triage.week.petitionRelated == 2)
            #expect(leader.cities.first { $0.code == "210100" }?.accepted == 0)
            let office = try await WeeklyQueries.compute(week: week, for: try await world.principal("office"), using: client)
            #expect(office.triage.week.petitionRelated == 3)
            let app = try ServerHarness.application(client: client)
            try await app.test(.router) { http in
                let denied = try await http.execute(uri: "/api/v1/reports/weekly/\(week)", method: .get,
                                                    headers: [.authorization: "Bearer \(world.token("pros.jz"))"])
                #expect(denied.status == .notFound)
                let html = try await http.execute(uri: "/api/v1/reports/weekly/\(week)?format=html", method: .get,
                                                  headers: [.authorization: "Bearer \(world.token("leader.jz"))"])
                #expect(html.status == .ok)
                #expect(String(buffer: html.body).contains("锦州市人民检察院"))
            }
        }
    }
}
