import Domain
import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdBcrypt
import HummingbirdTesting
import Logging
import Postgres
import Server
import Store
import Testing
import TestSupport

@Suite("authentication over HTTP")
struct AuthenticationTests {
    static let password = "正确的密码 correct horse"

    func problem(_ response: TestResponse) throws -> Problem {
        try JSONDecoder().decode(Problem.self, from: Data(buffer: response.body))
    }

    @Test("missing, malformed, unknown and revoked credentials get 401 with their own codes")
    func badCredentials() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            try await APIKeyRepository(client: client).revoke(owner: .partner(id: fixture.partnerB.id), by: IdentityFixture.setupActor, entity: "partner", entityID: "B")
            let app = try ServerHarness.application(client: client)
            try await app.test(.router) { http in
                let cases: [(HTTPFields, String)] = [
                    ([:], "auth.required"),
                    ([.authorization: "Basic dXNlcjpwYXNz"], "auth.header_malformed"),
                    ([.authorization: "Bearer"], "auth.header_malformed"),
                    ([.authorization: "Bearer abc"], "auth.key_malformed"),
                    ([.authorization: "Bearer huqi_aaaaaaaaaa_" + String(repeating: "a", count: 52)], "auth.key_invalid"),
                    ([.authorization: "Bearer \(fixture.keyB.plaintext)"], "auth.key_revoked"),
                ]
                for (headers, code) in cases {
                    try await http.execute(uri: "/api/v1/me", method: .get, headers: headers) { response in
                        #expect(response.status == .unauthorized, "\(code)")
                        let answer = try problem(response)
                        #expect(answer.code == code)
                        #expect(response.headers[.wwwAuthenticate] != nil)
                    }
                }
                // A good key or token says who is calling, by name.
                for (token, name) in [(fixture.keyA.plaintext, "辽宁省工商业联合会"), (fixture.tokens["leader.jz"]!.plaintext, "锦州院领导")] {
                    let response = try await http.execute(uri: "/api/v1/me", method: .get, headers: [.authorization: "Bearer \(token)"])
                    #expect(response.status == .ok)
                    let me = try #require(JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
                    #expect(me["display_name"] as? String == name)
                }
            }
        }
    }

    @Test("login sets an HttpOnly SameSite=Lax cookie; logout needs the CSRF token and really ends the session")
    func sessionFlow() async throws {
        try await TestDatabase.withClient { client in
            _ = try await IdentityFixture.make(client: client, passwordHash: Bcrypt.hash(Self.password, cost: 4))
            let app = try ServerHarness.application(client: client)
            try await app.test(.router) { http in
                let body = ByteBuffer(string: #"{"login": "wrong.user", "password": "whatever-it-is"}"#)
                let unknown = try await http.execute(uri: "/api/v1/session", method: .post, body: body)
                let wrong = try await http.execute(uri: "/api/v1/session", method: .post,
                                                   body: ByteBuffer(string: #"{"login": "pros.lh", "password": "not the password"}"#))
                #expect(unknown.status == .unauthorized)
                #expect(wrong.status == .unauthorized)
                #expect(try problem(unknown) == (try problem(wrong)), "a failed login does not reveal whether the user exists")

                let login = try await http.execute(uri: "/api/v1/session", method: .post,
                                                   body: ByteBuffer(string: #"{"login": "pros.lh", "password": "\#(Self.password)"}"#))
                #expect(login.status == .created)
                let setCookie = try #require(login.headers[.setCookie])
                #expect(setCookie.contains("HttpOnly"))
                #expect(setCookie.contains("SameSite=Lax"))
                let cookie = String(setCookie.split(separator: ";")[0])
                let csrf = try #require(JSONSerialization.jsonObject(with: Data(buffer: login.body)) as? [String: Any])["csrf_token"] as! String

                try await http.execute(uri: "/api/v1/me", method: .get, headers: [.cookie: cookie]) { response in
                    #expect(response.status == .ok)
                    let me = try #require(JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
                    #expect(me["label"] as? String == "pros.lh" && me["display_name"] as? String == "凌海检察官")
                }
                try await http.execute(uri: "/api/v1/session", method: .delete, headers: [.cookie: cookie]) { response in
                    #expect(response.status == .forbidden)
                    let answer = try problem(response)
                    #expect(answer.code == "auth.csrf")
                }
                try await http.execute(uri: "/api/v1/session", method: .delete,
                                       headers: [.cookie: cookie, HeaderNames.csrfToken: csrf]) { response in
                    #expect(response.status == .noContent)
                }
                try await http.execute(uri: "/api/v1/me", method: .get, headers: [.cookie: cookie]) { response in
                    #expect(response.status == .unauthorized)
                    let answer = try problem(response)
                    #expect(answer.code == "auth.session_expired")
                }
            }
            let actions = try await client.query("SELECT action FROM audit_events WHERE action LIKE 'auth.%' ORDER BY id").map { try $0.decode(String.self, at: 0) }
            #expect(actions == ["auth.login_failed", "auth.login_failed", "auth.login", "auth.logout"])
        }
    }

    @Test("the session cookie is Secure when served over TLS (behind a proxy) and not over plain HTTP")
    func secureCookie() async throws {
        try await TestDatabase.withClient { client in
            _ = try await IdentityFixture.make(client: client, passwordHash: Bcrypt.hash(Self.password, cost: 4))
            let app = try ServerHarness.application(client: client)
            try await app.test(.router) { http in
                let body = #"{"login": "pros.lh", "password": "\#(Self.password)"}"#
                let tls = try await http.execute(uri: "/api/v1/session", method: .post,
                                                 headers: [HTTPField.Name("X-Forwarded-Proto")!: "https"], body: ByteBuffer(string: body))
                #expect(tls.headers[.setCookie]?.contains("Secure") == true)
                let plain = try await http.execute(uri: "/api/v1/session", method: .post, body: ByteBuffer(string: body))
                #expect(plain.status == .created)
                #expect(plain.headers[.setCookie]?.contains("Secure") == false)
            }
        }
    }

    @Test("repeated failed logins are answered 429 with Retry-After, even with the right password")
    func throttled() async throws {
        try await TestDatabase.withClient { client in
            _ = try await IdentityFixture.make(client: client, passwordHash: Bcrypt.hash(Self.password, cost: 4))
            let app = try ServerHarness.application(client: client)
            try await app.test(.router) { http in
                for _ in 0..<5 {
                    _ = try await http.execute(uri: "/api/v1/session", method: .post,
                                               body: ByteBuffer(string: #"{"login": "pros.lh", "password": "guess-guess-guess"}"#))
                }
                try await http.execute(uri: "/api/v1/session", method: .post,
                                       body: ByteBuffer(string: #"{"login": "pros.lh", "password": "\#(Self.password)"}"#)) { response in
                    #expect(response.status == .tooManyRequests)
                    let answer = try problem(response)
                    #expect(answer.code == "auth.throttled")
                    #expect(Int(response.headers[.retryAfter] ?? "") ?? 0 > 0)
                }
            }
        }
    }

    @Test("keys, tokens and passwords never appear in the logs, even at trace level")
    func secretsNotLogged() async throws {
        let captured = CapturingLogHandler.Store()
        let logger = CapturingLogHandler.logger(into: captured)
        let database = try await TestDatabase.create()
        let client = PostgresClient(configuration: .init(connectionString: try TestDatabase.connectionString(database: database)), logger: logger)
        let fixture = try await IdentityFixture.make(client: client, passwordHash: Bcrypt.hash(Self.password, cost: 4))
        let app = try ServerHarness.application(client: client, logger: logger)
        try await app.test(.router) { http in
            _ = try await http.execute(uri: "/api/v1/me", method: .get, headers: [.authorization: "Bearer \(fixture.keyA.plaintext)"])
            _ = try await http.execute(uri: "/api/v1/me", method: .get, headers: [.authorization: "Bearer \(fixture.keyA.plaintext)x"])
            _ = try await http.execute(uri: "/api/v1/session", method: .post,
                                       body: ByteBuffer(string: #"{"login": "pros.lh", "password": "\#(Self.password)"}"#))
        }
        await client.shutdown()
        let text = captured.text
        #expect(!text.isEmpty, "the test must capture something to mean anything")
        #expect(!text.contains(String(fixture.keyA.plaintext.split(separator: "_")[2])))
        #expect(!text.contains(Self.password))
    }
}
