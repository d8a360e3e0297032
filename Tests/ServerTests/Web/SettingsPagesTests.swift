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

/// 办案设置: an administrator changes the workflow settings without a shell.
@Suite("web pages: workflow settings")
struct SettingsPagesTests {
    static let wanted = ["day_mode": "working", "near_due_days": "3", "lease_minutes": "45",
                         "grades": "优秀、合格，基本合格, 不合格", "programme_start": "2026-02-01"]

    private func audits(_ client: PostgresClient) async throws -> [String] {
        try await client.query("SELECT actor FROM audit_events WHERE action = 'settings.update' ORDER BY id").map { try $0.decode(String.self, at: 0) }
    }

    @Test("an administrator sees the settings in force and changes them, audited once; saving them unchanged changes nothing")
    func change() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WebPagesTests.world(client)
            let before = try await WorkflowSettings.current(using: client)
            try await ServerHarness.application(client: client).test(.router) { http in
                let pros = try await WebClient.signIn(http, "pros.jz", WebPagesTests.password)
                #expect(try await http.execute(uri: "/app/admin/settings", method: .get, headers: [.cookie: pros.cookie]).status == .notFound)
                let refused = try await WebClient.post(http, "/app/admin/settings", Self.wanted.merging(["csrf_token": pros.csrf]) { $1 },
                                                       cookie: pros.cookie)
                #expect(refused.status == .notFound)

                let admin = try await WebClient.signIn(http, "admin", WebPagesTests.password)
                let page = try await WebClient.page(http, "/app/admin/settings", admin)
                #expect(page.contains("href=\"/app/admin/settings\">办案设置</a>"))
                #expect(page.contains("<option value=\"calendar\" selected>自然日</option>"))
                #expect(page.contains("name=\"near_due_days\" inputmode=\"numeric\" value=\"\(before.nearDueWorkingDays)\""))
                #expect(page.contains("value=\"\(before.reviewGrades.joined(separator: "、"))\""))

                let saved = try await WebClient.post(http, "/app/admin/settings", Self.wanted.merging(["csrf_token": admin.csrf]) { $1 },
                                                     cookie: admin.cookie)
                #expect(saved.status == .seeOther)
                let after = try await WebClient.page(http, try #require(saved.headers[.location]), admin)
                #expect(after.contains("已保存办案设置。"))
                #expect(after.contains("<option value=\"working\" selected>工作日</option>"))
                #expect(after.contains("value=\"优秀、合格、基本合格、不合格\""))

                let again = try await WebClient.post(http, "/app/admin/settings", Self.wanted.merging(["csrf_token": admin.csrf]) { $1 },
                                                     cookie: admin.cookie)
                #expect(try await WebClient.page(http, try #require(again.headers[.location]), admin).contains("设置没有变化。"))
            }
            let now = try await WorkflowSettings.current(using: client)
            #expect(now.dayMode == .working && now.nearDueWorkingDays == 3 && now.leaseMinutes == 45)
            #expect(now.reviewGrades == ["优秀", "合格", "基本合格", "不合格"] && now.programmeStart == CalendarDate(iso: "2026-02-01"))
            #expect(try await audits(client) == ["user:\(world.identity.user("admin").id)"], "audited once, by the administrator")
        }
    }

    @Test("each wrong value is named, its field marked and the typed values kept; nothing changes")
    func refusals() async throws {
        try await TestDatabase.withClient { client in
            _ = try await WebPagesTests.world(client)
            let before = try await WorkflowSettings.current(using: client)
            try await ServerHarness.application(client: client).test(.router) { http in
                let admin = try await WebClient.signIn(http, "admin", WebPagesTests.password)
                let cases: [(String, String, String, String)] = [
                    ("day_mode", "每天", "day-mode", "期限计日方式只能是自然日"),
                    ("near_due_days", "40", "near-due-days", "临期提醒应为 0–30 之间的工作日数，这里是“40”"),
                    ("lease_minutes", "0", "lease-minutes", "领取时限应为 1–1440 之间的分钟数"),
                    ("grades", "合格、合格", "grades", "评查等级中有重复"),
                    ("grades", "、,", "grades", "评查等级至少要有一个"),
                    ("programme_start", "2026/13/01", "programme-start", "项目起始日应写成 2026-01-01 这样的日期"),
                ]
                for (field, value, id, message) in cases {
                    var fields = Self.wanted.merging(["csrf_token": admin.csrf]) { $1 }
                    fields[field] = value
                    let response = try await WebClient.post(http, "/app/admin/settings", fields, cookie: admin.cookie)
                    let page = String(buffer: response.body)
                    #expect(response.status == .unprocessableContent, "\(field)")
                    #expect(page.contains(message), "\(field): \(message)")
                    #expect(page.range(of: "id=\"\(id)\"[^>]*aria-invalid=\"true\"", options: .regularExpression) != nil, "\(field) is marked")
                    #expect(page.contains("value=\"\(field == "lease_minutes" ? "2026-02-01" : "45")\""), "the other typed values are kept")
                    if field != "day_mode" { #expect(page.contains("value=\"\(value)\""), "the wrong value is shown to correct") }
                }
            }
            #expect(try await WorkflowSettings.current(using: client) == before)
            #expect(try await audits(client) == [])
        }
    }
}
