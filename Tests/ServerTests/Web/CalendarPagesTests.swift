import Domain
import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Intake
import Postgres
import Server
import Store
import Testing
import TestSupport

/// 节假日日历: an administrator sees which years deadlines are counted on and loads the next one.
@Suite("web pages: holiday calendar")
struct CalendarPagesTests {
    static let next = CalendarDate.today().year + 1

    /// Next year's schedule as an office writes it in Excel: Chinese kinds, saved as GB18030.
    static var nextYearFile: [UInt8] {
        TextDecoding.encodeGB18030("""
            日期,类别,名称\r
            \(next)-01-01,放假,元旦\r
            \(next)-02-06,上班,春节调休上班\r
            \(next)-02-08,放假,春节\r
            \(next)-02-09,放假,春节\r
            \r
            """)!
    }

    /// A database of this year before next year's schedule is published: next year not loaded
    /// (this year counts as loaded however far past the shipped calendar the tests run), three
    /// cases CAL-1…3 whose result replies are provisional (as from October on, when three months
    /// reach into next year; set here whatever the date), CAL-1's counted to 02-08 (春节 in the file).
    static func awaitingNextYear(_ world: WorkflowWorld) async throws {
        let client = world.client
        try await client.query("DELETE FROM calendar_years WHERE year >= \(next)")
        try await client.query("DELETE FROM calendar_days WHERE day >= make_date(\(next), 1, 1)")
        try await client.query("INSERT INTO calendar_years (year, source) VALUES (\(next - 1), 'test') ON CONFLICT (year) DO NOTHING")
        try await world.upload(WorkflowWorld.rows(3, prefix: "CAL", petition: true))
        try await client.query("""
            UPDATE case_deadlines SET provisional = true
            WHERE kind = 'result_reply' AND case_id IN (SELECT id FROM cases WHERE external_ref LIKE 'CAL-%')
            """)
        try await client.query("""
            UPDATE case_deadlines SET starts_on = make_date(\(next - 1), 11, 8), original_due_on = make_date(\(next), 2, 8),
                   due_on = make_date(\(next), 2, 8), provisional = true
            WHERE kind = 'result_reply' AND case_id = (SELECT id FROM cases WHERE external_ref = 'CAL-1')
            """)
    }

    private func provisional(_ client: PostgresClient) async throws -> Int {
        try await client.query("SELECT count(*) FROM case_deadlines WHERE provisional AND closed_on IS NULL")[0].decode(Int.self, at: 0)
    }

    @Test("the page warns while next year is missing; a GB18030 file with Chinese kinds loads it, deadlines settle, audited; others get 404")
    func loadNextYear() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WebPagesTests.world(client)
            try await Self.awaitingNextYear(world)
            let before = try await provisional(client)
            #expect(before >= 3, "each case's three-month reply is provisional")
            try await ServerHarness.application(client: client).test(.router) { http in
                let pros = try await WebClient.signIn(http, "pros.jz", WebPagesTests.password)
                #expect(try await http.execute(uri: "/app/admin/calendar", method: .get, headers: [.cookie: pros.cookie]).status == .notFound)
                let refused = try await WebClient.upload(http, pros, file: Self.nextYearFile, fields: [:], to: "/app/admin/calendar")
                #expect(refused.status == .notFound)

                let admin = try await WebClient.signIn(http, "admin", WebPagesTests.password)
                let page = try await WebClient.page(http, "/app/admin/calendar", admin)
                #expect(page.contains("href=\"/app/admin/calendar\">节假日日历</a>"), "in the administrator's menu")
                #expect(page.contains("尚未载入 \(Self.next) 年的节假日安排"))
                #expect(page.contains("目前有 \(before) 个未结期限是暂定的"))
                #expect(page.contains("<a href=\"/app/admin/calendar?year=\(Self.next - 1)\">\(Self.next - 1) 年</a>"))
                let notLoaded = try await WebClient.page(http, "/app/admin/calendar?year=\(Self.next)", admin)
                #expect(notLoaded.contains("\(Self.next) 年尚未载入：该年的期限按周末推算（暂定）"))

                // 预览 first: what would change, nothing stored; then 确认载入 posts the text it carried.
                let previewed = try await WebClient.upload(http, admin, file: Self.nextYearFile, fields: ["action": "preview"],
                                                           to: "/app/admin/calendar", filename: "\(Self.next)年节假日.csv")
                let preview = String(buffer: previewed.body)
                #expect(previewed.status == .ok)
                #expect(preview.contains("将载入\(Self.next) 年，共 4 个日期，替换这些年份现有的 0 个日期。未结期限：检查"))
                #expect(preview.range(of: "到期日变化 [1-9][0-9]* 个，不再暂定 \(before) 个", options: .regularExpression) != nil, "\(preview)")
                let moved = AuditPagesTests.rows(preview.components(separatedBy: "id=\"calendar-moves\"")[1])
                var expected = CalendarDate(year: Self.next, month: 2, day: 10)!  // the first working day after 02-08 and 02-09
                while expected.isWeekend { expected = expected.adding(days: 1) }
                #expect(moved.contains { $0 == ["CAL-1", "结果或进展答复（3个月）", "\(Self.next)-02-08", expected.description] },
                        "the case by its 案件编号: \(moved)")
                #expect(try await provisional(client) == before, "a preview stores nothing")
                #expect(try await client.query("SELECT count(*) FROM calendar_years WHERE year = \(Self.next)")[0].decode(Int.self, at: 0) == 0)
                let carried = try #require(preview.range(of: #"(?s)<textarea name="content" hidden>(.*?)</textarea>"#, options: .regularExpression))
                let content = String(preview[carried]).replacingOccurrences(of: #"(?s)^<textarea[^>]*>|</textarea>$"#, with: "",
                                                                            options: .regularExpression)
                let loaded = try await WebClient.post(http, "/app/admin/calendar", ["csrf_token": admin.csrf, "action": "load", "content": content,
                                                                                    "source": "\(Self.next)年节假日.csv"], cookie: admin.cookie)
                #expect(loaded.status == .seeOther)
                let location = try #require(loaded.headers[.location])
                #expect(location.hasPrefix("/app/admin/calendar?year=\(Self.next)"))
                let after = try await WebClient.page(http, location, admin)
                #expect(after.contains("已载入 \(Self.next) 年（共 4 个日期）。未结期限按新日历重算：检查"), "\(after)")
                #expect(after.range(of: "到期日变化 [1-9][0-9]* 个", options: .regularExpression) != nil)
                #expect(after.contains("不再暂定 \(before) 个"))
                #expect(!after.contains("calendar-missing"), "nothing is provisional any more")
                let rows = AuditPagesTests.rows(after.components(separatedBy: "id=\"calendar-days\"")[1])
                #expect(rows.first == ["\(Self.next)-01-01", "星期\(weekdayName(Self.next, 1, 1))", "放假", "元旦"])
                #expect(rows.map { $0[2] } == ["放假", "调休上班", "放假", "放假"])
                #expect(after.contains("\(Self.next)年节假日.csv"), "the source file is named")
            }
            #expect(try await provisional(client) == 0)
            let audit = try await client.query("""
                SELECT actor, summary->>'years', summary->>'deadlines_settled' FROM audit_events WHERE action = 'calendar.load'
                """).map { try $0.decode((String, String, String).self) }
            #expect(audit.count == 1)
            #expect(audit.first?.0 == "user:\(world.identity.user("admin").id)")
            #expect(audit.first?.1 == String(Self.next) && audit.first?.2 == String(before))
        }
    }

    @Test("a broken line, a repeated date, a year without holidays or an unreadable file is refused with its reason; nothing changes")
    func refusals() async throws {
        try await TestDatabase.withClient { client in
            _ = try await WebPagesTests.world(client)
            let before = try await client.query("SELECT count(*), max(day) FROM calendar_days").map { try $0.decode((Int, CalendarDate).self) }
            try await ServerHarness.application(client: client).test(.router) { http in
                let admin = try await WebClient.signIn(http, "admin", WebPagesTests.password)
                let files: [([UInt8], String)] = [
                    (Array("date,kind,name\n2027-01-01,holiday,元旦\n2027-13-01,holiday,错\n".utf8), "第 3 行格式不对"),
                    (Array("2027-01-01,holiday,元旦\n2027-01-01,workday,又一次\n".utf8), "第 2 行的日期 2027-01-01 在第 1 行已经出现过"),
                    (Array("2027-01-01,holiday,元旦\n2026-10-10,workday,调休\n".utf8), "2026 年没有任何放假日"),
                    ([0xFF, 0xFE, 0x32, 0x00], "应为 UTF-8 或 GB18030"),
                ]
                for (file, reason) in files {
                    let response = try await WebClient.upload(http, admin, file: file, fields: [:], to: "/app/admin/calendar")
                    #expect(response.status == .unprocessableContent)
                    #expect(String(buffer: response.body).contains(reason), "\(reason)")
                }
            }
            let after = try await client.query("SELECT count(*), max(day) FROM calendar_days").map { try $0.decode((Int, CalendarDate).self) }
            #expect(after.map(\.0) == before.map(\.0) && after.map(\.1) == before.map(\.1))
            let audited = try await client.query("SELECT count(*) FROM audit_events WHERE action = 'calendar.load'")[0].decode(Int.self, at: 0)
            #expect(audited == 0)
        }
    }
}

/// The Chinese weekday name of a date, counted independently of `CalendarDate.weekdayIndex`.
private func weekdayName(_ year: Int, _ month: Int, _ day: Int) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let date = calendar.date(from: DateComponents(year: year, month: month, day: day))!
    return ["日", "一", "二", "三", "四", "五", "六"][calendar.component(.weekday, from: date) - 1]
}
