import Domain
import Foundation
import Postgres
import Server
import Store
import Testing
import TestSupport

/// A year's holiday data arriving after deadlines were computed over it with weekends alone.
@Suite("deadlines after a calendar load")
struct CalendarReloadTests {
    /// 2027 holidays invented for the test (not the official ones): 元旦 01-01, 春节 02-05…02-11,
    /// Saturday 02-13 a 调休 working day.
    static let year2027 = try! CalendarStore.parse((["date,kind,name", "2027-01-01,holiday,元旦"]
                                                    + (5...11).map { String(format: "2027-02-%02d,holiday,春节", $0) }
                                                    + ["2027-02-13,workday,春节调休上班"]).joined(separator: "\n"))

    func due(_ deadline: Int64, _ client: PostgresClient) async throws -> (due: CalendarDate, provisional: Bool) {
        let row = try await client.query("SELECT due_on, provisional FROM case_deadlines WHERE id = \(deadline)")[0]
        return try row.decode((CalendarDate, Bool).self)
    }

    @Test("loading 2027 recomputes the open provisional deadlines (holds replayed), notes each move on the case, leaves answered ones alone")
    func recompute() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WebPagesTests.world(client)
            try await world.upload(WorkflowWorld.rows(2, prefix: "H", petition: true))
            let (a, b) = (try await world.caseID("H-1"), try await world.caseID("H-2"))
            func deadline(_ id: Int64, _ kind: String) async throws -> Int64 {
                try await client.query("SELECT id FROM case_deadlines WHERE case_id = \(id) AND kind = \(kind)")[0].decode(Int64.self, at: 0)
            }
            // As they were computed before 2027 had data (weekends only):
            // A's result reply: 2026-11-08 + 3 months = Mon 2027-02-08 — a 春节 day once 2027 is known.
            // A's procedural reply, answered, keeps whatever date it was judged by.
            // B's result reply: 2026-11-01 + 3 months = Mon 02-01, then a hold 12-21…12-28 (5 working
            // days) moved it to 02-08; replayed on 2027's data: 02-02, 03, 04, (春节), 12, 13 (调休) → 02-13.
            let (aResult, aProcedural, bResult) = (try await deadline(a, "result_reply"), try await deadline(a, "procedural_reply"),
                                                   try await deadline(b, "result_reply"))
            try await client.query("""
                UPDATE case_deadlines SET starts_on = '2026-11-08', original_due_on = '2027-02-08', due_on = '2027-02-08', provisional = true,
                       created_at = '2026-11-08 10:00+08' WHERE id = \(aResult)
                """)
            try await client.query("""
                UPDATE case_deadlines SET due_on = '2027-02-08', provisional = true, closed_on = '2026-11-10', closed_at = '2026-11-10 10:00+08' WHERE id = \(aProcedural)
                """)
            try await client.query("""
                UPDATE case_deadlines SET starts_on = '2026-11-01', original_due_on = '2027-02-01', due_on = '2027-02-08', provisional = true,
                       paused_days = 5, created_at = '2026-11-01 10:00+08' WHERE id = \(bResult)
                """)
            // B's procedural reply, answered on time over 2026's data (not provisional, whenever the test runs).
            try await client.query("""
                UPDATE case_deadlines SET starts_on = '2026-11-01', original_due_on = '2026-11-09', due_on = '2026-11-09', provisional = false,
                       closed_on = '2026-11-05', closed_at = '2026-11-05 10:00+08' WHERE case_id = \(b) AND kind = 'procedural_reply'
                """)
            try await client.query("""
                INSERT INTO case_events (case_id, kind, actor, payload, occurred_at)
                VALUES (\(b), 'resume', 'test', '{"since": "2026-12-21", "paused_working_days": "5"}', '2026-12-28 10:00+08')
                """)
            #expect(try await due(aResult, client) == (CalendarDate(iso: "2027-02-08")!, true))

            let outcome = try await client.withTransaction { connection in
                let years = try await CalendarStore.replaceYears(with: Self.year2027, source: "test", on: connection)
                return try await DeadlineRecompute.run(years: years, actor: "cli:test", on: connection)
            }
            #expect(outcome.moved.map(\.deadlineID).sorted() == [aResult, bResult].sorted())
            #expect(outcome.settled == 2 && outcome.skipped == 0)
            #expect(try await due(aResult, client) == (CalendarDate(iso: "2027-02-12")!, false), "02-08 is a 春节 day; 02-12 the next working day")
            #expect(try await due(bResult, client) == (CalendarDate(iso: "2027-02-13")!, false), "the hold replayed on the new calendar")
            #expect(try await due(aProcedural, client) == (CalendarDate(iso: "2027-02-08")!, true), "an answered deadline keeps its date")
            #expect(try await client.query("SELECT next_due_on FROM cases WHERE id = \(b)")[0].decode(CalendarDate.self, at: 0)
                    == CalendarDate(iso: "2027-02-13")!)
            let event = try await client.query("""
                SELECT payload ->> 'from', payload ->> 'to', actor FROM case_events WHERE case_id = \(a) AND kind = 'recomputed'
                """).map { try $0.decode((String, String, String).self) }
            #expect(event.count == 1 && event[0] == ("2027-02-08", "2027-02-12", "cli:test"))
            // Past weeks keep their numbers: the move is in the due-date history.
            #expect(try await client.query("""
                SELECT due_on FROM deadline_due_history WHERE deadline_id = \(aResult) ORDER BY id DESC LIMIT 1
                """)[0].decode(CalendarDate.self, at: 0) == CalendarDate(iso: "2027-02-12")!)

            // A second load of the same data changes nothing.
            let again = try await client.withTransaction { connection in
                let years = try await CalendarStore.replaceYears(with: Self.year2027, source: "test", on: connection)
                return try await DeadlineRecompute.run(years: years, actor: "cli:test", on: connection)
            }
            #expect(again.moved.isEmpty && again.settled == 0)

            // The case page marks a provisional date and names the recomputation on the timeline.
            try await client.query("UPDATE case_deadlines SET due_on = '2028-02-21', provisional = true WHERE id = \(aResult)")
            try await ServerHarness.application(client: client).test(.router) { http in
                let session = try await WebClient.signIn(http, "leader.jz", WebPagesTests.password)
                let page = String(buffer: try await http.execute(uri: "/app/cases/\(a)", method: .get, headers: [.cookie: session.cookie]).body)
                #expect(page.contains("2028-02-21<span class=\"provisional\">（暂定）</span>"))
                #expect(page.contains("暂按周末推算"))
                #expect(page.contains("期限重算：节假日日历更新后重算：2027-02-08 → 2027-02-12"))
                let other = String(buffer: try await http.execute(uri: "/app/cases/\(b)", method: .get, headers: [.cookie: session.cookie]).body)
                #expect(!other.contains("（暂定）") && !other.contains("暂按周末推算"))
            }
        }
    }
}
