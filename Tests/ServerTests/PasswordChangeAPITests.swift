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

@Suite("changing one's password through the API")
struct PasswordChangeAPITests {
    static let initial = "管理员给的初始密码 0001"
    static let chosen = "只有我知道的新密码 2026"

    struct Session {
        let cookie: String
        let csrf: String
    }

    private func login(_ http: any TestClientProtocol, _ login: String, _ password: String) async throws -> Session {
        let response = try await http.execute(uri: "/api/v1/session", method: .post,
                                              body: ByteBuffer(string: #"{"login": "\#(login)", "password": "\#(password)"}"#))
        #expect(response.status == .created, "\(String(buffer: response.body))")
        let cookie = String(try #require(response.headers[.setCookie]).split(separator: ";")[0])
        let body = try #require(JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
        return Session(cookie: cookie, csrf: try #require(body["csrf_token"] as? String))
    }

    private func change(_ http: any TestClientProtocol, _ session: Session, current: String, new: String) async throws -> TestResponse {
        try await http.execute(uri: "/api/v1/me/password", method: .post,
                               headers: [.cookie: session.cookie, HeaderNames.csrfToken: session.csrf, .contentType: "application/json"],
                               body: ByteBuffer(string: #"{"current_password": "\#(current)", "new_password": "\#(new)"}"#))
    }

    private func code(_ response: TestResponse) -> String? {
        ((try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any])?["code"] as? String
    }

    @Test("a person signed in with an initial password replaces it through the API and goes on; other sessions end")
    func initialPasswordReplaced() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client, passwordHash: Bcrypt.hash(Self.initial, cost: 4))
            try await client.query("UPDATE users SET password_is_initial = true WHERE login = 'pros.lh'")
            let app = try ServerHarness.application(client: client)
            try await app.test(.router) { http in
                let elsewhere = try await login(http, "pros.lh", Self.initial)
                let session = try await login(http, "pros.lh", Self.initial)
                let blocked = try await http.execute(uri: "/api/v1/queues", method: .get, headers: [.cookie: session.cookie])
                #expect(blocked.status == .forbidden && code(blocked) == "identity.password_initial")

                for (current, new, status, expected) in [
                    ("不对的密码 whatever", Self.chosen, HTTPResponse.Status.unprocessableContent, "identity.password_wrong"),
                    (Self.initial, "短密码", .unprocessableContent, "identity.password_too_short"),
                    (Self.initial, Self.initial, .unprocessableContent, "identity.password_unchanged"),
                ] {
                    let refused = try await change(http, session, current: current, new: new)
                    #expect(refused.status == status && code(refused) == expected, "\(String(buffer: refused.body))")
                }
                let changed = try await change(http, session, current: Self.initial, new: Self.chosen)
                #expect(changed.status == .ok, "\(String(buffer: changed.body))")
                let answer = try #require(JSONSerialization.jsonObject(with: Data(buffer: changed.body)) as? [String: Any])
                #expect(answer["sessions_ended"] as? Int == 1)
                let fresh = Session(cookie: String(try #require(changed.headers[.setCookie]).split(separator: ";")[0]),
                                    csrf: try #require(answer["csrf_token"] as? String))
                #expect(fresh.cookie != session.cookie && fresh.csrf != session.csrf)

                let queues = try await http.execute(uri: "/api/v1/queues", method: .get, headers: [.cookie: fresh.cookie])
                #expect(queues.status == .ok, "the new session opens everything")
                for old in [session, elsewhere] {
                    let gone = try await http.execute(uri: "/api/v1/me", method: .get, headers: [.cookie: old.cookie])
                    #expect(gone.status == .unauthorized && code(gone) == "auth.session_expired")
                }
                let logout = try await http.execute(uri: "/api/v1/session", method: .delete,
                                                    headers: [.cookie: fresh.cookie, HeaderNames.csrfToken: fresh.csrf])
                #expect(logout.status == .noContent, "the new CSRF token is the one that works")
                _ = try await login(http, "pros.lh", Self.chosen)
                let oldPassword = try await http.execute(uri: "/api/v1/session", method: .post,
                                                         body: ByteBuffer(string: #"{"login": "pros.lh", "password": "\#(Self.initial)"}"#))
                #expect(oldPassword.status == .unauthorized)
            }
            let user = fixture.user("pros.lh")
            let state = try await UserRepository(client: client).password(userID: user.id).state
            #expect(!state.isInitial)
            let audited = try await client.query("SELECT count(*) FROM audit_events WHERE action = 'user.password_change' AND actor = \("user:\(user.id)")")
            #expect(try audited[0].decode(Int.self, at: 0) == 1)
            let failures = try await client.query("SELECT count(*) FROM login_failures WHERE login = 'pros.lh'")[0].decode(Int.self, at: 0)
            #expect(failures == 2, "a wrong current password counts for the throttle, like the failed sign-in after the change")
        }
    }

    @Test("an API key or token cannot change a password; a session needs its CSRF token")
    func onlyASession() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client, passwordHash: Bcrypt.hash(Self.initial, cost: 4))
            let users = UserRepository(client: client)
            let before = try await users.password(userID: fixture.user("pros.lh").id).hash
            let app = try ServerHarness.application(client: client)
            try await app.test(.router) { http in
                let body = ByteBuffer(string: #"{"current_password": "\#(Self.initial)", "new_password": "\#(Self.chosen)"}"#)
                for token in [fixture.tokens["pros.lh"]!.plaintext, fixture.keyA.plaintext] {
                    let refused = try await http.execute(uri: "/api/v1/me/password", method: .post,
                                                         headers: [.authorization: "Bearer \(token)", .contentType: "application/json"], body: body)
                    #expect(refused.status == .forbidden && code(refused) == "auth.not_a_session")
                }
                let session = try await login(http, "pros.lh", Self.initial)
                let noCSRF = try await http.execute(uri: "/api/v1/me/password", method: .post,
                                                    headers: [.cookie: session.cookie, .contentType: "application/json"], body: body)
                #expect(noCSRF.status == .forbidden && code(noCSRF) == "auth.csrf")
                let malformed = try await http.execute(uri: "/api/v1/me/password", method: .post,
                                                       headers: [.cookie: session.cookie, HeaderNames.csrfToken: session.csrf,
                                                                 .contentType: "application/json"], body: ByteBuffer(string: #"{"password": 1}"#))
                #expect(malformed.status == .badRequest && code(malformed) == "request.body_invalid")
            }
            #expect(try await users.password(userID: fixture.user("pros.lh").id).hash == before, "nothing changed")
        }
    }
}
