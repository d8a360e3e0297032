import Domain
import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdBcrypt
import HummingbirdTesting
import Postgres
import Server
import Store
import Testing
import TestSupport

@Suite("web pages: administration")
struct AdminPagesTests {
    @Test("an admin adds a partner (its key shown once) and users, changes roles; a refused user is re-shown; others get 404")
    func administration() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WebPagesTests.world(client)
            try await ServerHarness.application(client: client).test(.router) { http in
                let pros = try await WebClient.signIn(http, "pros.jz", WebPagesTests.password)
                #expect(try await http.execute(uri: "/app/admin/users", method: .get, headers: [.cookie: pros.cookie]).status == .notFound)
                let admin = try await WebClient.signIn(http, "admin", WebPagesTests.password)
                let added = try await WebClient.post(http, "/app/admin/partners", ["code": "DLCHAMBER", "name": "大连市总商会", "csrf_token": admin.csrf],
                                                     cookie: admin.cookie)
                let page = String(buffer: added.body)
                #expect(page.contains("大连市总商会") && page.contains("<code id=\"new-key\">huqi_"))
                let key = String(page.split(separator: "<code id=\"new-key\">")[1].split(separator: "<")[0])
                let secret = String(key.split(separator: "_").last ?? "")
                let stored = try await client.query("SELECT count(*) FROM api_keys k WHERE position(\(secret) in k::text) > 0")[0].decode(Int.self, at: 0)
                #expect(!secret.isEmpty && stored == 0, "the key's secret is not stored")
                let partner = try await APIKeyRepository(client: client).authenticate(key)
                #expect(partner.partnerID != nil, "the shown key works")
                let listed = String(buffer: try await http.execute(uri: "/app/admin/partners", method: .get, headers: [.cookie: admin.cookie]).body)
                let row = try #require(listed.split(separator: "<tr>").first { $0.contains("DLCHAMBER") })
                #expect(row.contains("<td>1 个有效</td>") && !row.contains("从未使用"), "its key was just used: \(row)")
                _ = try await APIKeyRepository(client: client).revoke(owner: .partner(id: try #require(partner.partnerID)),
                                                                      by: AuditEvent(actor: "test", action: "api_key.revoke"),
                                                                      entity: "partner", entityID: "DLCHAMBER")
                let revoked = String(buffer: try await http.execute(uri: "/app/admin/partners", method: .get, headers: [.cookie: admin.cookie]).body)
                #expect(try #require(revoked.split(separator: "<tr>").first { $0.contains("DLCHAMBER") }).contains("无有效密钥，无法上传"))

                let short = try await WebClient.post(http, "/app/admin/users", ["login": "pros.new", "name": "新检察官", "unit": "210781", "role": "prosecutor",
                                                                               "password": "short", "csrf_token": admin.csrf], cookie: admin.cookie)
                #expect(short.status == .unprocessableContent)
                #expect(String(buffer: short.body).contains("value=\"pros.new\"") && String(buffer: short.body).contains("value=\"prosecutor\" checked"))
                let ok = try await WebClient.post(http, "/app/admin/users", ["login": "pros.new", "name": "新检察官", "unit": "210781", "role": "prosecutor",
                                                                            "password": "a-long-enough-password", "csrf_token": admin.csrf], cookie: admin.cookie)
                #expect(ok.status == .seeOther)
                _ = try await WebClient.post(http, "/app/admin/users/pros.new/roles", ["role": "leader", "csrf_token": admin.csrf], cookie: admin.cookie)
                let roles = try await client.query("""
                    SELECT string_agg(r.role, ',') FROM user_roles r JOIN users u ON u.id = r.user_id WHERE u.login = 'pros.new'
                    """)[0].decode(String.self, at: 0)
                #expect(roles == "leader")
                let own = try await WebClient.post(http, "/app/admin/users/admin/roles", ["role": "office", "csrf_token": admin.csrf], cookie: admin.cookie)
                let said = own.headers[.location]?.removingPercentEncoding ?? ""
                #expect(said.contains("error=不能撤销自己的系统管理员角色"), "\(said)")
                let adminRoles = try await client.query("""
                    SELECT string_agg(r.role, ',') FROM user_roles r JOIN users u ON u.id = r.user_id WHERE u.login = 'admin'
                    """)[0].decode(String.self, at: 0)
                #expect(adminRoles == "admin", "one's own admin role stays")
                // Who belongs where, by name; who was last active when (the admin and pros.jz
                // signed in above; the new prosecutor never has).
                let users = try await WebClient.page(http, "/app/admin/users", admin)
                let rowOf = { (login: String) in users.components(separatedBy: "<tr>").first { $0.contains("<td>\(login)</td>") } ?? "" }
                #expect(rowOf("pros.new").contains("<td>凌海市人民检察院（210781）</td><td class=\"last-active\">从未登录</td>"), "\(rowOf("pros.new"))")
                #expect(rowOf("uploader.a").contains("<td>辽宁省工商业联合会（LNFIC）</td>"))
                #expect(rowOf("admin").contains("<td class=\"last-active\">20"), "a time: \(rowOf("admin"))")
                _ = world
            }
        }
    }

    @Test("an admin disables a person who left: their session ends, their token is refused, sign-in too; enabling restores the token")
    func disableAndEnable() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WebPagesTests.world(client)
            try await world.upload(WorkflowWorld.rows(1, prefix: "D", petition: true))
            let id = try await world.caseID("D-1")
            try await CachingHarness.run(client: client) { http, _ in
                let token = world.token("pros.jz")
                #expect(try await CachingHarness.get(http, "/api/v1/cases/\(id)", token: token).status == 200)  // remembered
                let pros = try await WebClient.signIn(http, "pros.jz", WebPagesTests.password)
                let admin = try await WebClient.signIn(http, "admin", WebPagesTests.password)
                #expect(try await WebClient.page(http, "/app/admin/users", admin).contains("action=\"/app/admin/users/pros.jz/status\""))

                let own = try await WebClient.post(http, "/app/admin/users/admin/status", ["status": "disabled", "csrf_token": admin.csrf],
                                                   cookie: admin.cookie)
                #expect(own.status == .seeOther)
                #expect(try await WebClient.page(http, own.headers[.location] ?? "/app/admin/users", admin).contains("不能停用自己正在使用的账号"))

                let garbled = try await WebClient.post(http, "/app/admin/users/pros.jz/status", ["status": "maybe", "csrf_token": admin.csrf],
                                                       cookie: admin.cookie)
                #expect(try await WebClient.page(http, garbled.headers[.location] ?? "/app/admin/users", admin).contains("账号状态只能是"))
                #expect(try await client.query("SELECT count(*) FROM audit_events WHERE action LIKE 'user.%able'")[0].decode(Int.self, at: 0) == 0,
                        "an unknown status changes nothing")
                let disabled = try await WebClient.post(http, "/app/admin/users/pros.jz/status", ["status": "disabled", "csrf_token": admin.csrf],
                                                        cookie: admin.cookie)
                #expect(disabled.status == .seeOther)
                #expect(try await WebClient.page(http, disabled.headers[.location] ?? "", admin).contains("已停用 pros.jz，结束了 1 个登录会话"))
                #expect(try await http.execute(uri: "/app/queues", method: .get, headers: [.cookie: pros.cookie]).status == .seeOther,
                        "the session ended: back to the sign-in page")
                let refused = try await CachingHarness.get(http, "/api/v1/cases/\(id)", token: token)
                #expect(refused.status == 401 && refused.body["code"] as? String == "auth.user_disabled")
                #expect(try await WebClient.post(http, "/login", ["login": "pros.jz", "password": WebPagesTests.password]).status != .seeOther)

                _ = try await WebClient.post(http, "/app/admin/users/pros.jz/status", ["status": "enabled", "csrf_token": admin.csrf],
                                             cookie: admin.cookie)
                #expect(try await CachingHarness.get(http, "/api/v1/cases/\(id)", token: token).status == 200, "the token was kept, not revoked")
                let actions = try await client.query("""
                    SELECT action FROM audit_events WHERE entity = 'user' AND entity_id = 'pros.jz' ORDER BY id
                    """).map { try $0.decode(String.self, at: 0) }
                #expect(actions.suffix(2) == ["user.disable", "user.enable"])
            }
        }
    }

    @Test("an admin sees every partner's batches, and opens any of them, without an upload form; the office is refused")
    func allBatches() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WebPagesTests.world(client)
            try await world.upload(WorkflowWorld.rows(2, prefix: "A", petition: false))
            let other = try await BatchIntake(client: client).submit(BatchSubmission(
                partnerID: world.identity.partnerB.id, batchNumber: 2, uploader: IdentityFixture.setupActor,
                payload: BatchSamples.csv(WorkflowWorld.rows(1, prefix: "J", petition: false)), idempotencyKey: nil, dryRun: false))
            try await ServerHarness.application(client: client).test(.router) { http in
                let admin = try await WebClient.signIn(http, "admin", WebPagesTests.password)
                let list = try await WebClient.page(http, "/app/batches", admin)
                #expect(list.contains("<a href=\"/app/batches\">批次</a>"), "the admin's navigation leads there")
                #expect(list.contains("各合作单位的批次") && !list.contains("enctype=\"multipart/form-data\""), "no upload form")
                #expect(list.contains("<td>辽宁省工商业联合会</td>") && list.contains("<td>锦州市总商会</td>"))
                let page = try await WebClient.page(http, "/app/batches/\(try #require(other.batchID))", admin)
                #expect(page.contains("<dd>锦州市总商会（JZCHAMBER）</dd>"))
                let office = try await WebClient.signIn(http, "office", WebPagesTests.password)
                #expect(try await http.execute(uri: "/app/batches", method: .get, headers: [.cookie: office.cookie]).status == .forbidden)
                let uploader = try await WebClient.signIn(http, "uploader.a", WebPagesTests.password)
                let own = try await WebClient.page(http, "/app/batches", uploader)
                #expect(own.contains("本单位的批次") && !own.contains("锦州市总商会"), "a partner still sees only its own")
            }
        }
    }
}
