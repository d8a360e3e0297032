import Domain
import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Postgres
import Server
import Store
import Testing
import TestSupport

/// The audit log as an administrator reads it: who did what to which thing, narrowed and paged.
@Suite("web pages: audit log")
struct AuditPagesTests {
    /// The rows of the page's table, each as its cells' text (tags stripped).
    static func rows(_ page: String) -> [[String]] {
        guard let body = page.components(separatedBy: "<tbody>").dropFirst().first?.components(separatedBy: "</tbody>").first else { return [] }
        return body.components(separatedBy: "<tr").dropFirst().map { row in
            row.components(separatedBy: "<td>").dropFirst().map { cell in
                cell.replacingOccurrences(of: "<[^>]+>", with: " ", options: .regularExpression)
                    .replacingOccurrences(of: " +", with: " ", options: .regularExpression).trimmingCharacters(in: .whitespaces)
            }
        }
    }

    @Test("an administrator reads the log newest first, by person, action, thing and day, in pages of 50; others get 404")
    func readAndNarrow() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WebPagesTests.world(client)
            try await world.upload(WorkflowWorld.rows(55, prefix: "AU", petition: false))
            let caseID = try await world.caseID("AU-7")
            try await ServerHarness.application(client: client).test(.router) { http in
                let pros = try await WebClient.signIn(http, "pros.jz", WebPagesTests.password)
                let admin = try await WebClient.signIn(http, "admin", WebPagesTests.password)
                #expect(try await http.execute(uri: "/app/admin/audit", method: .get, headers: [.cookie: pros.cookie]).status == .notFound)
                await #expect(throws: AuthError.forbidden) {
                    try await AuditTrail(client: client).search(AuditFilter(), for: try await world.principal("pros.jz"))
                }
                func rows(_ query: String) async throws -> [[String]] {
                    Self.rows(try await WebClient.page(http, "/app/admin/audit" + query, admin))
                }

                let first = try await WebClient.page(http, "/app/admin/audit", admin)
                #expect(first.contains("href=\"/app/admin/audit\">审计日志</a>"), "the administrator's menu leads here")
                let newest = Self.rows(first)
                #expect(newest.count == 50 && first.contains("rel=\"next\""), "a page holds 50 events; more follow")
                #expect(newest.first?[1] == "admin" && newest.first?[2].hasPrefix("登录") == true, "newest first: the admin's sign-in \(newest.first ?? [])")
                let second = try await rows("?page=2")
                #expect(!second.isEmpty && Set(second.map { $0[0] + $0[3] }).isDisjoint(with: newest.map { $0[0] + $0[3] }))

                let byPerson = try await rows("?actor=PROS.JZ")
                #expect(byPerson.count == 1 && byPerson[0][1] == "pros.jz" && byPerson[0][2] == "登录 auth.login", "\(byPerson)")
                let cases = try await rows("?action=case.&page=2")
                #expect(!cases.isEmpty && cases.allSatisfy { $0[2].hasSuffix("case.create") }, "an area ending in a dot: all its actions")
                let one = try await WebClient.page(http, "/app/admin/audit?entity=case&entity_id=\(caseID)", admin)
                #expect(Self.rows(one).count == 1 && one.contains("<a href=\"/app/cases/\(caseID)\">案件 \(caseID)</a>"), "\(Self.rows(one))")
                let details = Self.rows(one).first?[5] ?? ""
                #expect(details == "批次：1 ； 结果：新增 ； 涉信访：否 ； 行号：8 ； 分流规则版本：1", "the details in Chinese (AU-7 is the file's row 8): \(details)")
                #expect(one.contains("<span title=\"outcome=accepted\">结果：新增</span>"), "each as recorded in its tooltip")
                // The same narrowed log as CSV for Excel: BOM, the page's columns with their codes.
                #expect(one.contains("href=\"/app/admin/audit?entity=case&amp;entity_id=\(caseID)&amp;format=csv\" download>导出 CSV"))
                let csv = try await http.execute(uri: "/app/admin/audit?entity=case&entity_id=\(caseID)&format=csv", method: .get,
                                                 headers: [.cookie: admin.cookie])
                let bytes = Array(buffer: csv.body)
                let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
                let lines = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
                #expect(csv.status == .ok && csv.headers[.contentType] == "text/csv; charset=utf-8" && bytes.starts(with: [0xEF, 0xBB, 0xBF]))
                #expect(lines.count == 2 && lines[0].hasPrefix("编号,时间（北京）,操作人,操作人代码,操作,操作代码,对象,对象编号"), "\(lines)")
                #expect(lines.last?.contains(",新增案件,case.create,案件,\(caseID),,批次：1；结果：新增；涉信访：否；行号：8；分流规则版本：1,") == true, "\(lines)")
                let prosecutorCSV = try await http.execute(uri: "/app/admin/audit?format=csv", method: .get, headers: [.cookie: pros.cookie])
                #expect(prosecutorCSV.status == .notFound)

                let today = try await client.query("SELECT ((now() AT TIME ZONE 'Asia/Shanghai')::date)::text")[0].decode(String.self, at: 0)
                let tomorrow = try await client.query("SELECT ((now() AT TIME ZONE 'Asia/Shanghai')::date + 1)::text")[0].decode(String.self, at: 0)
                let yesterday = try await client.query("SELECT ((now() AT TIME ZONE 'Asia/Shanghai')::date - 1)::text")[0].decode(String.self, at: 0)
                #expect(try await rows("?actor=pros.jz&from=\(today)&through=\(today)").count == 1)
                #expect(try await WebClient.page(http, "/app/admin/audit?from=\(tomorrow)", admin).contains("没有符合条件的记录"))
                let before = try await WebClient.page(http, "/app/admin/audit?through=\(yesterday)", admin)
                #expect(Self.rows(before).isEmpty, "\(before.suffix(3000)) \(yesterday)")
                // Days are Beijing days: 15:59:59 UTC is still March 1st there, 16:00 is March 2nd.
                for moment in ["2026-03-01 15:59:59+00", "2026-03-01 16:00:00+00"] {
                    try await client.query("""
                        INSERT INTO audit_events (occurred_at, actor, actor_label, action) VALUES (\(moment)::timestamptz, 'cli:clock', 'clock', 'cli.run')
                        """)
                }
                #expect(try await rows("?actor=clock&through=2026-03-01").map { $0[0] } == ["2026-03-01 23:59:59"])
                #expect(try await rows("?actor=clock&from=2026-03-02&through=2026-03-02").map { $0[0] } == ["2026-03-02 00:00:00"])
                let wrong = try await http.execute(uri: "/app/admin/audit?from=2026-13-01", method: .get, headers: [.cookie: admin.cookie])
                #expect(wrong.status == .unprocessableContent && String(buffer: wrong.body).contains("起始日期应为 2026-11-28 这样的日期"))
                let reversed = try await http.execute(uri: "/app/admin/audit?from=2026-03-02&through=2026-03-01", method: .get, headers: [.cookie: admin.cookie])
                #expect(reversed.status == .unprocessableContent && String(buffer: reversed.body).contains("截止日期 2026-03-01 早于起始日期 2026-03-02"))

                let actions = try await client.query("SELECT DISTINCT action FROM audit_events").map { try $0.decode(String.self, at: 0) }
                #expect(actions.count >= 5 && actions.allSatisfy { AuditActionNames.chinese[$0] != nil }, "every action has a Chinese name: \(actions)")
            }
        }
    }
}
