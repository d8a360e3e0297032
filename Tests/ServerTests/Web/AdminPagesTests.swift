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
                _ = world
            }
        }
    }
}
