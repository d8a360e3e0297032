import Domain
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import Server
import Store
import Testing
import TestSupport

/// `POST /api/v1/users`, `PATCH /api/v1/users/{id}`, `POST /api/v1/users/{id}/password`: the
/// 用户管理 page for an administrator's scripts, with its rules and its audit.
@Suite("user administration API")
struct UserAdminAPITests {
    typealias Client = any TestClientProtocol
    static let initial = "管理员给的初始密码 0001"

    func send(_ http: Client, _ method: HTTPRequest.Method, _ uri: String, token: String, json: String? = nil) async throws
        -> (status: Int, body: [String: Any]) {
        try await APICall.send(http, method, uri, token: token, json: json)
    }

    private func audited(_ client: PostgresClient, _ login: String) async throws -> [String] {
        try await client.query("SELECT action FROM audit_events WHERE entity = 'user' AND entity_id = \(login) ORDER BY id")
            .map { try $0.decode(String.self, at: 0) }
    }

    @Test("an administrator adds a person who signs in with an initial password, changes their roles, disables and enables them, and resets a forgotten password")
    func lifecycle() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            let admin = world.token("admin")
            try await ServerHarness.application(client: client).test(.router) { http in
                let added = try await send(http, .post, "/api/v1/users", token: admin, json: """
                    {"login": "Li.Si", "display_name": "李四", "roles": ["prosecutor"], "unit": "210700", "password": "\(Self.initial)"}
                    """)
                #expect(added.status == 201 && added.body["login"] as? String == "li.si" && added.body["name"] as? String == "李四", "\(added.body)")
                #expect(added.body["roles"] as? [String] == ["prosecutor"] && added.body["unit"] as? String == "210700")
                let id = try #require(added.body["id"] as? Int)
                let signIn = try await http.execute(uri: "/api/v1/session", method: .post,
                                                    body: ByteBuffer(string: #"{"login": "li.si", "password": "\#(Self.initial)"}"#))
                #expect(signIn.status == .created, "the person signs in with the password given")
                let cookie = String(try #require(signIn.headers[.setCookie]).split(separator: ";")[0])
                let blocked = try await http.execute(uri: "/api/v1/queues", method: .get, headers: [.cookie: cookie])
                #expect(blocked.status == .forbidden, "an initial password opens nothing until it is replaced")

                let reroled = try await send(http, .patch, "/api/v1/users/\(id)", token: admin, json: #"{"roles": ["leader", "prosecutor"]}"#)
                #expect(reroled.status == 200 && Set(reroled.body["roles"] as? [String] ?? []) == ["leader", "prosecutor"])
                #expect(reroled.body["sessions_ended"] is NSNull, "nothing was disabled")

                let token = try await APIKeyRepository(client: client).issue(
                    owner: .user(id: id), by: IdentityFixture.setupActor, entity: "user", entityID: "li.si").plaintext
                #expect(try await send(http, .get, "/api/v1/me", token: token).status == 200)
                let disabled = try await send(http, .patch, "/api/v1/users/\(id)", token: admin, json: #"{"disabled": true}"#)
                #expect(disabled.status == 200 && disabled.body["disabled"] as? Bool == true)
                #expect(disabled.body["sessions_ended"] as? Int == 1 && disabled.body["cases_held"] as? Int == 0, "\(disabled.body)")
                #expect(try await send(http, .get, "/api/v1/me", token: token).status == 401, "a disabled person's token is refused")
                let enabled = try await send(http, .patch, "/api/v1/users/\(id)", token: admin, json: #"{"disabled": false}"#)
                #expect(enabled.status == 200 && enabled.body["disabled"] as? Bool == false)
                #expect(try await send(http, .get, "/api/v1/me", token: token).status == 200, "kept, not revoked: it works again")

                let hashBefore = try await client.query("SELECT password_hash FROM users WHERE id = \(id)")[0].decode(String.self, at: 0)
                let reset = try await send(http, .post, "/api/v1/users/\(id)/password", token: admin, json: #"{"new_password": "又一个初始密码 0002"}"#)
                #expect(reset.status == 200 && reset.body["sessions_ended"] as? Int == 0, "\(reset.body)")
                let (hash, initial) = try await client.query("SELECT password_hash, password_is_initial FROM users WHERE id = \(id)")[0]
                    .decode((String, Bool).self)
                #expect(hash != hashBefore && initial)
            }
            let actions = try await audited(client, "li.si")
            #expect(actions == ["user.create", "user.roles", "api_key.create", "user.disable", "user.enable", "user.password_reset"], "\(actions)")
        }
    }

    @Test("only an administrator may; unknown roles, missing units, taken logins, short passwords and one's own account are refused with codes, changing nothing")
    func refusals() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            let admin = world.token("admin")
            let adminID = world.identity.user("admin").id
            let prosecutorID = world.identity.user("pros.jz").id
            try await ServerHarness.application(client: client).test(.router) { http in
                let valid = #"{"login": "wang.wu", "display_name": "王五", "roles": ["office"], "password": "\#(Self.initial)"}"#
                for (method, uri, json) in [(HTTPRequest.Method.post, "/api/v1/users", valid),
                                            (.patch, "/api/v1/users/\(prosecutorID)", #"{"disabled": true}"#),
                                            (.post, "/api/v1/users/\(prosecutorID)/password", #"{"new_password": "\#(Self.initial)"}"#)] {
                    let refused = try await send(http, method, uri, token: world.token("leader.jz"), json: json)
                    #expect(refused.status == 403 && refused.body["code"] as? String == "auth.forbidden", "\(uri): \(refused.body)")
                }
                let wrong: [(String, Int, String)] = [
                    (#"{"login": "a.b", "display_name": "甲", "roles": ["judge"], "password": "\#(Self.initial)"}"#, 422, "identity.role_invalid"),
                    (#"{"login": "a.b", "display_name": "甲", "roles": ["prosecutor"], "password": "\#(Self.initial)"}"#, 422, "identity.role_needs_unit"),
                    (#"{"login": "a.b", "display_name": "甲", "roles": ["prosecutor"], "unit": "999999", "password": "\#(Self.initial)"}"#, 422, "identity.unknown_unit"),
                    (#"{"login": "pros.jz", "display_name": "甲", "roles": ["office"], "password": "\#(Self.initial)"}"#, 409, "identity.duplicate_login"),
                    (#"{"login": "a.b", "display_name": "甲", "roles": ["office"], "password": "short"}"#, 422, "identity.password_too_short"),
                    (#"{"login": "a.b", "display_name": "甲", "roles": ["office"]}"#, 422, "request.json_invalid"),
                ]
                for (json, status, code) in wrong {
                    let answer = try await send(http, .post, "/api/v1/users", token: admin, json: json)
                    #expect(answer.status == status && answer.body["code"] as? String == code, "\(json): \(answer.body)")
                }
                let selfDisable = try await send(http, .patch, "/api/v1/users/\(adminID)", token: admin, json: #"{"roles": ["office"], "disabled": true}"#)
                #expect(selfDisable.status == 409 && selfDisable.body["code"] as? String == "identity.disable_self")
                let ownAdmin = try await send(http, .patch, "/api/v1/users/\(adminID)", token: admin, json: #"{"roles": ["office"]}"#)
                #expect(ownAdmin.status == 409 && ownAdmin.body["code"] as? String == "identity.withdraw_own_admin")
                let selfReset = try await send(http, .post, "/api/v1/users/\(adminID)/password", token: admin, json: #"{"new_password": "\#(Self.initial)"}"#)
                #expect(selfReset.status == 409 && selfReset.body["code"] as? String == "identity.reset_self")
                #expect(try await send(http, .patch, "/api/v1/users/999999", token: admin, json: #"{"disabled": true}"#).status == 404)
                let noRoles = try await send(http, .patch, "/api/v1/users/\(prosecutorID)", token: admin, json: #"{"roles": []}"#)
                #expect(noRoles.status == 422 && noRoles.body["code"] as? String == "identity.no_roles")
            }
            #expect(try await client.query("SELECT count(*) FROM users WHERE login IN ('a.b', 'wang.wu')")[0].decode(Int.self, at: 0) == 0)
            let adminAfter = try #require(try await UserRepository(client: client).find(id: adminID, for: try await world.principal("admin")))
            #expect(adminAfter.roles == [.admin] && !adminAfter.disabled, "the refused request changed neither roles nor status")
            let prosecutor = try #require(try await UserRepository(client: client).find(id: prosecutorID, for: try await world.principal("admin")))
            #expect(prosecutor.roles == [.prosecutor], "an empty role set is refused, the roles stay")
        }
    }
}
