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

/// 分流规则: an administrator adds a petition channel the rules missed, tries it, publishes it and
/// re-decides the cases waiting in triage.
@Suite("web pages: triage rules")
struct TriagePagesTests {
    static let sample = "已多次拨打12345热线反映，至今未解决"

    @Test("try a new term on a sentence (nothing stored), publish it with a reason (audited), re-decide the waiting cases; others get 404")
    func tryPublishRerun() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WebPagesTests.world(client)
            try await world.upload(WorkflowWorld.rows(2, prefix: "TR", petition: false))
            // A partner who left 是否已信访 blank and wrote of the city's hotline.
            try await client.query("UPDATE cases SET petitioned_before = NULL, claim = \(Self.sample) WHERE external_ref = 'TR-1'")
            try await ServerHarness.application(client: client).test(.router) { http in
                let pros = try await WebClient.signIn(http, "pros.jz", WebPagesTests.password)
                #expect(try await http.execute(uri: "/app/admin/triage", method: .get, headers: [.cookie: pros.cookie]).status == .notFound)
                let rerunByOther = try await WebClient.post(http, "/app/admin/triage/rerun", ["csrf_token": pros.csrf], cookie: pros.cookie)
                #expect(rerunByOther.status == .notFound)

                let admin = try await WebClient.signIn(http, "admin", WebPagesTests.password)
                let page = try await WebClient.page(http, "/app/admin/triage", admin)
                #expect(page.contains("href=\"/app/admin/triage\">分流规则</a>"))
                #expect(page.contains(">信访、上访、进京访、12309、来访</textarea>"))
                #expect(AuditPagesTests.rows(page).count == 1, "one version so far")
                #expect(page.contains("由系统（初始数据）发布"), "the shipped version is the system's, not a raw actor")

                var fields = ["csrf_token": admin.csrf, "petition_terms": "信访、上访、进京访、12309、来访\n12345热线",
                              "negations": "尚未、没有、没、未曾、未、从未、不曾、无", "hypotheticals": "如不 如果 若 否则 将会 将 拟 准备 打算 考虑 可能",
                              "affirmations": "已、曾、多次、先后、反复、屡次", "place_after": "对面、旁边、旁、附近、隔壁、楼下、楼上、门口",
                              "place_before": "位于、地址、地处、坐落", "sample": Self.sample, "action": "preview"]
                let preview = try await WebClient.post(http, "/app/admin/triage", fields, cookie: admin.cookie)
                let tried = String(buffer: preview.body)
                #expect(preview.status == .ok)
                #expect(tried.contains("按修改后的规则：<strong>涉信访（诉求内容提到“已多次拨打12345热线反映”）</strong>"), "\(tried)")
                #expect(tried.contains("按现行第 1 版：非涉信访"))
                #expect(tried.contains("12309、来访、12345热线</textarea>"), "the edited list is kept")
                #expect(try await TriageRules.versions(using: client).count == 1, "trying stores nothing")

                fields["action"] = "publish"
                let noReason = try await WebClient.post(http, "/app/admin/triage", fields, cookie: admin.cookie)
                #expect(noReason.status == .unprocessableContent)
                #expect(String(buffer: noReason.body).contains("请说明本次修改规则的原因"))
                #expect(String(buffer: noReason.body).contains("12345热线</textarea>"))

                fields["note"] = "合作单位常写 12345 市长热线"
                let published = try await WebClient.post(http, "/app/admin/triage", fields, cookie: admin.cookie)
                #expect(published.status == .seeOther)
                let after = try await WebClient.page(http, try #require(published.headers[.location]), admin)
                #expect(after.contains("已发布第 2 版分流规则"))
                #expect(AuditPagesTests.rows(after).first?.last == "合作单位常写 12345 市长热线")
                #expect(AuditPagesTests.rows(after).first?.contains("管理员") == true, "the publisher by name")

                let rerun = try await WebClient.post(http, "/app/admin/triage/rerun", ["csrf_token": admin.csrf], cookie: admin.cookie)
                let rerunPage = try await WebClient.page(http, try #require(rerun.headers[.location]), admin)
                #expect(rerunPage.contains("1 件的分流结果改变"))
            }
            let rules = try await TriageRules.current(using: client)
            #expect(rules.version == 2 && rules.petitionTerms.last == "12345热线")
            #expect(rules.hypotheticals.count == 11, "spaces separate terms too")
            let decided = try await client.query("""
                SELECT external_ref, petition_related, triage_rule_version FROM cases ORDER BY external_ref
                """).map { try $0.decode((String, Bool?, Int).self) }
            #expect(decided.map(\.1) == [true, false] && decided.map(\.2) == [2, 2])
            let actions = try await client.query("""
                SELECT action, actor FROM audit_events WHERE action LIKE 'triage_rules.%' ORDER BY id
                """).map { try $0.decode((String, String).self) }
            let admin = "user:\(world.identity.user("admin").id)"
            #expect(actions.map(\.0) == ["triage_rules.publish", "triage_rules.rerun"] && actions.allSatisfy { $0.1 == admin })
        }
    }
}
