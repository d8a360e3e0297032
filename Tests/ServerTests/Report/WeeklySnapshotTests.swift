import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import Reporting
import Server
import Store
import Testing
import TestSupport

@Suite("weekly snapshots and renderings")
struct WeeklySnapshotTests {
    @Test("issuing stores an immutable snapshot; a re-issue adds a version; the API serves the newest with its version")
    func snapshots() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            try await world.upload(WorkflowWorld.rows(2, prefix: "A", petition: true))
            let week = ISOWeek(containing: CalendarDate.today())
            let issuer = WeeklyIssuer(database: client)
            let actor = AuditEvent(actor: "user:1", actorLabel: "office", action: "report.issue")
            let first = try #require(try await issuer.issue(week, by: actor))
            let second = try #require(try await issuer.issue(week, by: actor))
            #expect((first.version, second.version) == (1, 2))
            #expect(first.sha256 == second.sha256, "same history, same numbers")
            for statement: PostgresQuery in ["UPDATE weekly_reports SET html = 'x'", "DELETE FROM weekly_reports", "TRUNCATE weekly_reports"] {
                let error = try await #require(throws: PostgresError.self) { try await client.query(statement) }
                #expect(error.sqlState == "42501")
            }
            let stored = try await client.query("SELECT numbers FROM weekly_reports WHERE version = 1")[0].decode(String.self, at: 0)
            let decoded = try WeeklyReport.decode(Data(stored.utf8))
            #expect(decoded.triage.week.petitionRelated == 2)
            let app = try ServerHarness.application(client: client)
            try await app.test(.router) { http in
                let list = try await http.execute(uri: "/api/v1/reports/weekly", method: .get, headers: [.authorization: "Bearer \(world.token("office"))"])
                let items = (try JSONSerialization.jsonObject(with: Data(buffer: list.body)) as! [String: Any])["items"] as! [[String: Any]]
                #expect(items.map { $0["version"] as! Int } == [2, 1])
                let csv = try await http.execute(uri: "/api/v1/reports/weekly/\(week)?format=csv", method: .get,
                                                 headers: [.authorization: "Bearer \(world.token("office"))"])
                #expect(csv.headers[HTTPField.Name("X-Huqi-Snapshot-Version")!] == "2")
                #expect(Array(buffer: csv.body).prefix(3) == [0xEF, 0xBB, 0xBF])
                let bad = try await http.execute(uri: "/api/v1/reports/weekly/2025-W53", method: .get,
                                                 headers: [.authorization: "Bearer \(world.token("office"))"])
                #expect(bad.status == .unprocessableContent)
                // A week that has not begun has no numbers (the year mistyped: 2027 for 2026).
                let current = ISOWeek(containing: CalendarDate.today())
                let future = try await http.execute(uri: "/api/v1/reports/weekly/\(current.adding(weeks: 1))", method: .get,
                                                    headers: [.authorization: "Bearer \(world.token("office"))"])
                #expect(future.status == .unprocessableContent)
                let problem = try JSONSerialization.jsonObject(with: Data(buffer: future.body)) as! [String: Any]
                #expect(problem["code"] as? String == "report.week_future")
                #expect((problem["title"] as? String)?.contains("本周是 \(current)") == true)
                let now = try await http.execute(uri: "/api/v1/reports/weekly/\(current)", method: .get,
                                                 headers: [.authorization: "Bearer \(world.token("office"))"])
                #expect(now.status == .ok, "the current week gives its numbers so far")
            }
        }
    }

    @Test("the office issues an ended week through the API: a new version each time, audited; a running week, a leader and a wrong week are refused")
    func issueThroughAPI() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            try await world.upload(WorkflowWorld.rows(2, prefix: "A", petition: true))
            let current = ISOWeek(containing: CalendarDate.today())
            let last = current.adding(weeks: -1)
            let app = try ServerHarness.application(client: client)
            try await app.test(.router) { http in
                func issue(_ week: String, as login: String) async throws -> (HTTPResponse.Status, [String: Any]) {
                    let response = try await http.execute(uri: "/api/v1/reports/weekly/\(week)/issue", method: .post,
                                                          headers: [.authorization: "Bearer \(world.token(login))"])
                    return (response.status, (try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]) ?? [:])
                }
                let (status, first) = try await issue(last.description, as: "office")
                #expect(status == .created)
                #expect(first["week"] as? String == last.description && first["version"] as? Int == 1)
                #expect(first["issued_by"] as? String == "user:\(world.identity.user("office").id)")
                let (again, second) = try await issue(last.description, as: "admin")
                #expect(again == .created && second["version"] as? Int == 2)
                let (running, refusal) = try await issue(current.description, as: "office")
                #expect(running == .unprocessableContent && refusal["code"] as? String == "report.week_not_ended")
                let (future, notBegun) = try await issue(current.adding(weeks: 1).description, as: "office")
                #expect(future == .unprocessableContent && notBegun["code"] as? String == "report.week_not_ended")
                let (wrong, invalid) = try await issue("2026-48", as: "office")
                #expect(wrong == .unprocessableContent && invalid["code"] as? String == "report.week_invalid")
                let (leader, _) = try await issue(last.description, as: "leader.jz")
                #expect(leader == .notFound, "leaders read their scope live; issuing is the office's")
                let csv = try await http.execute(uri: "/api/v1/reports/weekly/\(last)?format=csv", method: .get,
                                                 headers: [.authorization: "Bearer \(world.token("office"))"])
                #expect(csv.headers[HTTPField.Name("X-Huqi-Snapshot-Version")!] == "2", "the office now reads the newest issued version")
            }
            let audited = try await client.query("""
                SELECT actor_label, entity_id FROM audit_events WHERE action = 'report.issue' ORDER BY id
                """).map { try $0.decode((String, String?).self) }
            #expect(audited.map(\.0) == ["office", "admin"])
            #expect(audited.map(\.1) == [last.description, last.description])
            let versions = try await client.query("SELECT count(*) FROM weekly_reports WHERE week = \(last.description)")[0].decode(Int.self, at: 0)
            #expect(versions == 2)
        }
    }

    @Test("the scheduler issues last week once, even when several instances tick at the same time, and not before Monday 08:00")
    func scheduler() async throws {
        try await TestDatabase.withClient { client in
            let scheduler = WeeklyScheduler(database: client, logger: TestDatabase.logger)
            // Monday 2026-11-30 07:59 and 08:01 in Shanghai.
            let early = ISO8601DateFormatter().date(from: "2026-11-29T23:59:00Z")!
            let due = ISO8601DateFormatter().date(from: "2026-11-30T00:01:00Z")!
            #expect(await scheduler.tick(now: early) == nil)
            let results = await withTaskGroup(of: WeeklySnapshots.Snapshot?.self) { group in
                for _ in 0..<4 { group.addTask { await scheduler.tick(now: due) } }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.compactMap { $0 }.map(\.week) == ["2026-W48"])
            let issued = try await client.query("SELECT count(*) FROM weekly_reports")[0].decode(Int.self, at: 0)
            #expect(issued == 1)
            #expect(await scheduler.tick(now: due.addingTimeInterval(3600)) == nil)
        }
    }

    @Test("CSV opens in Excel's shape: BOM, CRLF, quoted commas and quotes, formulas neutralised; HTML escapes and draws SVG")
    func renderings() throws {
        var summary = WeeklySummary(
            week: ISOWeek("2026-W48")!, from: ISOWeek("2026-W48")!.monday, to: ISOWeek("2026-W48")!.sunday,
            programmeStart: CalendarDate(iso: "2026-01-01")!, scope: "全省", intake: [], triage: .init(week: .init(), cumulative: .init()),
            stages: Stage.allCases.map { WeeklySummary.StageFlow(stage: $0, name: $0.chineseName) },
            resolution: .init(week: .init(), cumulative: .init()),
            timeliness: .init(procedural: .init(week: Ratio(numerator: 7, denominator: 8, definition: Ratio.proceduralDefinition),
                                                cumulative: Ratio(numerator: 0, denominator: 0, definition: "")),
                              result: .init(week: Ratio(numerator: 0, denominator: 0, definition: ""), cumulative: Ratio(numerator: 0, denominator: 0, definition: "")),
                              overdueAtEnd: 0, nearDueNextWeek: 0),
            clues: .init(week: .init(), cumulative: .init()), leadCases: [],
            typicalCases: [.init(caseID: 7, title: "甲公司, \"乙\"分公司", summary: "=HYPERLINK(\"http://x\")"),
                           .init(caseID: 8, title: "<script>alert(1)</script>", summary: "-2+3")],
            cities: [.init(code: "210100", name: "沈阳市")], units: [], overdueLongest: [], mostRejectedBatches: [], trend: [])
        summary.resolution.week.resolved = 1
        let csv = WeeklyCSV.render(summary)
        #expect(Array(csv.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: csv.dropFirst(3), as: UTF8.self)
        #expect(text.contains("\r\n") && !text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(text.contains("\"甲公司, \"\"乙\"\"分公司\""))
        #expect(text.contains("\"'=HYPERLINK(\"\"http://x\"\")\""))
        #expect(text.contains(",'-2+3"))
        #expect(text.contains("87.5%（7/8）"))
        let html = WeeklyHTML.render(summary)
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !html.contains("<script>"))
        #expect(html.components(separatedBy: "<svg").count - 1 == 3, "stages, cities, trend")
        #expect(html.contains("@media print"))
        #expect(html.contains(Ratio.resolutionDefinition))
        let markdown = WeeklyMarkdown.render(summary)
        #expect(markdown.contains("| 沈阳市 | 0 | 0 | 0 | 0 |"))
    }
}
