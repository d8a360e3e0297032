import Domain
import Foundation
import Postgres
import Server
import Store
import Testing
import TestSupport

@Suite("deadlines")
struct DeadlineTests {
    /// Today and the calendar as the database sees them.
    func clock(_ client: PostgresClient) async throws -> WorkflowClock {
        try await client.withConnection { try await WorkflowClock.read(on: $0) }
    }

    func deadlines(_ id: Int64, _ client: PostgresClient) async throws -> [(kind: String, seq: Int, due: CalendarDate, mode: String, closed: Bool)] {
        try await client.query("""
            SELECT kind, seq, due_on, day_mode, closed_on IS NOT NULL FROM case_deadlines WHERE case_id = \(id) ORDER BY id
            """).map { try $0.decode((String, Int, CalendarDate, String, Bool).self) }
    }

    @Test("the clock's cached calendar follows every change of the calendar's tables at once, and not a rolled-back one")
    func calendarVersion() async throws {
        try await TestDatabase.withClient { client in
            let day = try #require(CalendarDate(year: 2026, month: 6, day: 10))  // a Wednesday, no holiday
            #expect(try await clock(client).calendar.holidays.contains(day) == false)
            try await client.query("INSERT INTO calendar_days (day, kind, name) VALUES (\(day), 'holiday', '测试假日')")
            #expect(try await clock(client).calendar.holidays.contains(day), "an inserted holiday is seen by the next action")
            struct Undo: Error {}
            do {
                try await client.withTransaction { connection in
                    try await connection.query("DELETE FROM calendar_days WHERE day = \(day)")
                    #expect(try await WorkflowClock.read(on: connection).calendar.holidays.contains(day) == false, "inside the change")
                    throw Undo()
                }
            } catch is Undo {}
            #expect(try await clock(client).calendar.holidays.contains(day), "the rolled-back delete changed nothing")
            try await client.query("UPDATE calendar_days SET kind = 'workday' WHERE day = \(day)")
            let updated = try await clock(client).calendar
            #expect(!updated.holidays.contains(day) && updated.makeUpWorkdays.contains(day))
        }
    }

    @Test("intake gives every new case a 7-day procedural and a 3-month result deadline, in the configured day mode")
    func intakeDeadlines() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            try await world.upload(WorkflowWorld.rows(2, prefix: "D", petition: true))
            let clock = try await clock(client)
            let id = try await world.caseID("D-1")
            var rows = try await deadlines(id, client)
            #expect(rows.map(\.kind) == ["procedural_reply", "result_reply"])
            #expect(rows[0].due == clock.calendar.dueDate(startingAfter: clock.today, period: .days(7), mode: .calendar).date)
            #expect(rows[1].due == clock.calendar.dueDate(startingAfter: clock.today, period: .months(3), mode: .calendar).date)
            #expect(try await client.query("SELECT next_due_on FROM cases WHERE id = \(id)")[0].decode(CalendarDate.self, at: 0) == rows[0].due)

            try await client.query("UPDATE workflow_settings SET day_mode = 'working'")
            try await world.upload(WorkflowWorld.rows(1, prefix: "W", petition: false))
            rows = try await deadlines(try await world.caseID("W-1"), client)
            #expect(rows[0].mode == "working")
            #expect(rows[0].due == clock.calendar.adding(workingDays: 7, to: clock.today))
            // A corrected re-upload does not add deadlines.
            try await world.upload(WorkflowWorld.rows(1, prefix: "W", petition: false, claimSuffix: "（更正）"))
            #expect(try await deadlines(try await world.caseID("W-1"), client).count == 2)
        }
    }

    @Test("recording a reply closes its deadline on time; a result reply opens the monthly follow-up")
    func replies() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            try await world.upload(WorkflowWorld.rows(1, prefix: "R", petition: true))
            let id = try await world.caseID("R-1")
            let leader = try await world.principal("leader.jz")
            let ids = try await client.query("SELECT id FROM case_deadlines WHERE case_id = \(id) ORDER BY id").map { try $0.decode(Int64.self, at: 0) }
            try await CaseDeadlines.recordReply(caseID: id, deadlineID: ids[0], note: "已电话告知企业受理情况", by: leader, address: "t", using: client)
            try await CaseDeadlines.recordReply(caseID: id, deadlineID: ids[1], note: "书面告知办理进展", by: leader, address: "t", using: client)
            let clock = try await clock(client)
            let rows = try await deadlines(id, client)
            #expect(rows.map(\.kind) == ["procedural_reply", "result_reply", "followup_reply"])
            #expect(rows[0].closed && rows[1].closed && !rows[2].closed)
            #expect(rows[2].due == clock.calendar.dueDate(startingAfter: clock.today, period: .months(1), mode: .calendar).date)
            let detail = try #require(try await CaseQueries.detail(id: id, for: leader, using: client))
            let states = Dictionary(uniqueKeysWithValues: detail.summary.deadlines.map { ($0.kind, $0.state) })
            #expect(states == ["procedural_reply": .met, "result_reply": .met, "followup_reply": .open])
            await #expect(throws: CaseActionError.self, "a deadline is answered once") {
                try await CaseDeadlines.recordReply(caseID: id, deadlineID: ids[0], note: "再次答复", by: leader, address: "t", using: client)
            }
            let prosecutor = try await world.principal("pros.jz")
            await #expect(throws: CaseActionError.self, "a prosecutor who does not hold the case cannot answer for it") {
                try await CaseDeadlines.recordReply(caseID: id, deadlineID: ids[0], note: "答复", by: prosecutor, address: "t", using: client)
            }
        }
    }

    @Test("the 信访条例 60-day deadline gets at most one 30-day extension, approved by a leader with a reason")
    func oneExtension() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            try await world.upload(WorkflowWorld.rows(1, prefix: "X", petition: true))
            let id = try await world.caseID("X-1")
            let leader = try await world.principal("leader.jz")
            _ = try await CaseTransitions.perform(caseID: id, TransitionRequest(to: .evaluation), by: leader, address: "t", using: client)
            var evaluation = TransitionRequest(to: .review)
            (evaluation.riskLevel, evaluation.merits, evaluation.jurisdiction, evaluation.regulationTrack) = ("中", "有理", "本院", true)
            _ = try await CaseTransitions.perform(caseID: id, evaluation, by: leader, address: "t", using: client)
            let row = try await client.query("""
                SELECT id, due_on, starts_on FROM case_deadlines WHERE case_id = \(id) AND kind = 'regulation_handling'
                """)[0]
            let (deadline, due, start) = try row.decode((Int64, CalendarDate, CalendarDate).self)
            let clock = try await clock(client)
            #expect(due == clock.calendar.dueDate(startingAfter: start, period: .days(60), mode: .calendar).date)
            let prosecutor = try await world.principal("pros.jz")
            await #expect(throws: CaseActionError.self) {
                try await CaseDeadlines.extend(caseID: id, deadlineID: deadline, reason: "需要补充调查", by: prosecutor, address: "t", using: client)
            }
            await #expect(throws: CaseActionError.self, "a reason is required") {
                try await CaseDeadlines.extend(caseID: id, deadlineID: deadline, reason: " ", by: leader, address: "t", using: client)
            }
            // The setting changes after the deadline began: the extension still counts in the
            // deadline's own mode, as a recomputation after a calendar load would replay it.
            try await client.query("UPDATE workflow_settings SET day_mode = 'working'")
            try await CaseDeadlines.extend(caseID: id, deadlineID: deadline, reason: "需要补充调查", by: leader, address: "t", using: client)
            let extended = try await client.query("SELECT due_on FROM case_deadlines WHERE id = \(deadline)")[0].decode(CalendarDate.self, at: 0)
            #expect(extended == clock.calendar.dueDate(startingAfter: due, period: .days(30), mode: .calendar).date)
            #expect(extended != clock.calendar.dueDate(startingAfter: due, period: .days(30), mode: .working).date, "the two modes differ over 30 days")
            let replay = try await client.withTransaction { try await DeadlineRecompute.run(years: [clock.today.year], actor: "test", on: $0) }
            #expect(replay.moved.isEmpty, "a recomputation keeps the extended date: \(replay.moved)")
            do {
                try await CaseDeadlines.extend(caseID: id, deadlineID: deadline, reason: "再延期", by: leader, address: "t", using: client)
                Issue.record("a second extension must be refused")
            } catch let error as CaseActionError {
                #expect(error.code == "extension.already_used")
            }
            await #expect(throws: PostgresError.self, "the table refuses any other extension length") {
                try await client.query("UPDATE case_deadlines SET extended_days = 60 WHERE id = \(deadline)")
            }
        }
    }

    @Test("a hold pauses the clock: resuming moves every open due date by the working days paused, both audited")
    func holdAndResume() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            try await world.upload(WorkflowWorld.rows(1, prefix: "H", petition: true))
            let id = try await world.caseID("H-1")
            let leader = try await world.principal("leader.jz")
            try await CaseHolds.hold(caseID: id, reason: "等待企业补充合同原件", by: leader, address: "t", using: client)
            await #expect(throws: CaseActionError.self, "nothing moves while on hold") {
                _ = try await CaseTransitions.perform(caseID: id, TransitionRequest(to: .evaluation), by: leader, address: "t", using: client)
            }
            // Pretend the hold began ten days ago (the database's today cannot be moved).
            let clock = try await clock(client)
            let start = clock.today.adding(days: -10)
            try await client.query("UPDATE cases SET on_hold_since = \(start) WHERE id = \(id)")
            let before = try await deadlines(id, client)
            let paused = try await CaseHolds.resume(caseID: id, by: leader, address: "t", using: client)
            #expect(paused == clock.calendar.workingDays(from: start, until: clock.today))
            #expect(paused >= 6)
            let after = try await deadlines(id, client)
            for (old, new) in zip(before, after) {
                #expect(new.due == clock.calendar.adding(workingDays: paused, to: old.due), "\(old.kind)")
            }
            #expect(try await world.eventKinds(id).suffix(2) == ["hold", "resume"])
            let audited = try await client.query("""
                SELECT array_agg(action ORDER BY id) FROM audit_events WHERE entity_id = \(String(id)) AND action LIKE 'case.%'
                """)[0].decode([String].self, at: 0)
            #expect(audited.suffix(2) == ["case.hold", "case.resume"])
        }
    }

    @Test("an overdue deadline shows in the list and gets exactly one escalation event, however often the sweeper runs")
    func escalation() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            try await world.upload(WorkflowWorld.rows(2, prefix: "E", petition: true))
            let late = try await world.caseID("E-1")
            try await client.query("UPDATE case_deadlines SET due_on = due_on - 400 WHERE case_id = \(late) AND kind = 'procedural_reply'")
            try await client.query("SELECT refresh_next_due(ARRAY[\(late)]::bigint[])")
            let results = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<4 { group.addTask { try await CaseDeadlines.escalateOverdue(using: client) } }
                return try await group.reduce(0, +)
            }
            #expect(results == 1)
            #expect(try await CaseDeadlines.escalateOverdue(using: client) == 0)
            #expect(try await world.eventKinds(late).filter { $0 == "escalation" }.count == 1)
            var filter = CaseFilter()
            filter.overdue = true
            let office = try await world.principal("office")
            let overdue = try await CaseQueries.list(filter, for: office, using: client)
            #expect(overdue.map(\.externalRef) == ["E-1"])
            #expect(overdue[0].overdue && overdue[0].deadlines.first?.state == .overdue)
        }
    }
}
