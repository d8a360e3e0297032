import Domain
import Foundation
import Hummingbird
import HummingbirdTesting
import Intake
import Postgres
import Server
import Store
import Testing
import TestSupport

/// `GET/POST /api/v1/calendar`: the 节假日日历 page's load, for an administrator's script.
@Suite("calendar API")
struct CalendarAPITests {
    typealias Client = any TestClientProtocol
    static let next = CalendarDate.today().year + 1

    func call(_ http: Client, _ method: HTTPRequest.Method, _ uri: String, token: String, csv: [UInt8]? = nil) async throws
        -> (status: Int, body: [String: Any]) {
        try await APICall.send(http, method, uri, token: token, body: csv, contentType: "text/csv")
    }

    private func provisional(_ client: PostgresClient) async throws -> Int {
        try await client.query("SELECT count(*) FROM case_deadlines WHERE provisional AND closed_on IS NULL")[0].decode(Int.self, at: 0)
    }

    @Test("an administrator previews then loads next year (GB18030): the preview stores nothing, the load settles and moves deadlines, audited")
    func previewThenLoad() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            try await CalendarPagesTests.awaitingNextYear(world)
            let before = try await provisional(client)
            #expect(before >= 3)
            try await ServerHarness.application(client: client).test(.router) { http in
                let overview = try await call(http, .get, "/api/v1/calendar", token: world.token("pros.jz"))
                #expect(overview.status == 200)
                #expect((overview.body["missing_years"] as? [Int])?.contains(Self.next) == true)
                #expect(overview.body["provisional_open_deadlines"] as? Int == before)
                let loaded = try #require(overview.body["items"] as? [[String: Any]]).compactMap { $0["year"] as? Int }
                #expect(loaded.contains(Self.next - 1) && !loaded.contains(Self.next))
                #expect(try await call(http, .get, "/api/v1/calendar", token: world.identity.keyA.plaintext).status == 404, "not a partner's")
                let notLoaded = try await call(http, .get, "/api/v1/calendar/\(Self.next)", token: world.token("pros.jz"))
                #expect(notLoaded.status == 404 && notLoaded.body["code"] as? String == "calendar.year_not_loaded")
                #expect(try await call(http, .post, "/api/v1/calendar", token: world.token("pros.jz"), csv: CalendarPagesTests.nextYearFile).status == 403)

                let preview = try await call(http, .post, "/api/v1/calendar?dry_run=true", token: world.token("admin"), csv: CalendarPagesTests.nextYearFile)
                #expect(preview.status == 200)
                #expect(preview.body["dry_run"] as? Bool == true && preview.body["years"] as? [Int] == [Self.next])
                #expect(preview.body["dates"] as? Int == 4 && preview.body["replaced"] as? Int == 0)
                let deadlines = try #require(preview.body["deadlines"] as? [String: Int])
                #expect(deadlines["settled"] == before && deadlines["skipped"] == 0)
                var expected = CalendarDate(year: Self.next, month: 2, day: 10)!  // the first working day after 02-08 and 02-09
                while expected.isWeekend { expected = expected.adding(days: 1) }
                let moves = try #require(preview.body["moves"] as? [[String: Any]])
                #expect(moves.count == deadlines["moved"])
                #expect(moves.contains { $0["external_ref"] as? String == "CAL-1" && $0["kind"] as? String == "result_reply"
                        && $0["from"] as? String == "\(Self.next)-02-08" && $0["to"] as? String == expected.description }, "\(moves)")
                #expect(try await provisional(client) == before, "a dry run stores nothing")

                let load = try await call(http, .post, "/api/v1/calendar?source=\(Self.next)-holidays.csv", token: world.token("admin"),
                                          csv: CalendarPagesTests.nextYearFile)
                #expect(load.status == 201 && load.body["dry_run"] as? Bool == false)
                #expect((load.body["deadlines"] as? [String: Int])?["settled"] == before)
                let days = try await call(http, .get, "/api/v1/calendar/\(Self.next)", token: world.token("pros.jz"))
                let items = try #require(days.body["items"] as? [[String: Any]])
                #expect(items.map { $0["kind"] as? String } == ["holiday", "workday", "holiday", "holiday"])
                #expect(items.first?["date"] as? String == "\(Self.next)-01-01" && items.first?["name"] as? String == "元旦")
                let after = try await call(http, .get, "/api/v1/calendar", token: world.token("admin"))
                #expect(after.body["missing_years"] as? [Int] == [], "\(after.body)")
                let year = try #require(after.body["items"] as? [[String: Any]]).first { $0["year"] as? Int == Self.next }
                #expect(year?["source"] as? String == "\(Self.next)-holidays.csv" && year?["holidays"] as? Int == 3 && year?["workdays"] as? Int == 1)
            }
            #expect(try await provisional(client) == 0)
            let moved = try await client.query("""
                SELECT d.due_on FROM case_deadlines d JOIN cases c ON c.id = d.case_id WHERE c.external_ref = 'CAL-1' AND d.kind = 'result_reply'
                """)[0].decode(CalendarDate.self, at: 0)
            #expect(moved > CalendarDate(year: Self.next, month: 2, day: 9)!)
            let audit = try await client.query("SELECT actor, summary->>'years' FROM audit_events WHERE action = 'calendar.load'")
                .map { try $0.decode((String, String).self) }
            #expect(audit.count == 1 && audit.first?.0 == "user:\(world.identity.user("admin").id)" && audit.first?.1 == String(Self.next))
        }
    }

    @Test("a wrong file is 422 with its code and nothing changes; dry_run must be true or false")
    func refusals() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            let before = try await client.query("SELECT count(*) FROM calendar_days")[0].decode(Int.self, at: 0)
            try await ServerHarness.application(client: client).test(.router) { http in
                let files: [([UInt8], String)] = [
                    (Array("2027-01-01,holiday,元旦\n2027-01-01,workday,又一次\n".utf8), "calendar.date_repeated"),
                    (Array("2027-01-01,holiday,元旦\n2207-05-01,holiday,劳动节\n".utf8), "calendar.year_out_of_range"),
                    (Array("2027-01-01,holiday,元\u{0}旦\n".utf8), "calendar.nul_character"),
                    (Array("".utf8), "calendar.empty"),
                    ([0xFF, 0xFE, 0x32, 0x00], "calendar.encoding"),
                ]
                for (file, code) in files {
                    let answer = try await call(http, .post, "/api/v1/calendar", token: world.token("admin"), csv: file)
                    #expect(answer.status == 422 && answer.body["code"] as? String == code, "\(code): \(answer)")
                    #expect((answer.body["title"] as? String)?.isEmpty == false)
                }
                let wrongFlag = try await call(http, .post, "/api/v1/calendar?dry_run=maybe", token: world.token("admin"),
                                               csv: CalendarPagesTests.nextYearFile)
                #expect(wrongFlag.status == 422 && wrongFlag.body["code"] as? String == "dry_run.invalid")
            }
            #expect(try await client.query("SELECT count(*) FROM calendar_days")[0].decode(Int.self, at: 0) == before)
            #expect(try await client.query("SELECT count(*) FROM audit_events WHERE action = 'calendar.load'")[0].decode(Int.self, at: 0) == 0)
        }
    }
}
