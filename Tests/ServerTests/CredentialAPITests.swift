import Domain
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import Server
import Store
import Testing
import TestSupport

/// The administrators' API for the secrets callers present: partners and their keys, people's
/// tokens — given out once, withdrawn at once, audited.
@Suite("partner keys and user tokens API")
struct CredentialAPITests {
    typealias Client = any TestClientProtocol

    func send(_ http: Client, _ method: HTTPRequest.Method, _ uri: String, token: String, json: String? = nil) async throws
        -> (status: Int, body: [String: Any]) {
        try await APICall.send(http, method, uri, token: token, json: json)
    }

    /// Whether `key` is let in (its caller's `/me`).
    func works(_ http: Client, _ key: String) async throws -> Bool {
        let status = try await send(http, .get, "/api/v1/me", token: key).status
        #expect(status == 200 || status == 401, "\(status)")
        return status == 200
    }

    @Test("a new partner's key works at once and is shown once, no-store; a new key ends the old one; revoking ends them all; each audited")
    func partnerKeys() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            let admin = world.token("admin")
            try await ServerHarness.application(client: client).test(.router) { http in
                let created = try await http.execute(uri: "/api/v1/partners", method: .post,
                                                     headers: [.authorization: "Bearer \(admin)", .contentType: "application/json"],
                                                     body: ByteBuffer(string: #"{"code": "DLFIC", "name": "大连市工商业联合会"}"#))
                #expect(created.status == .created && created.headers[.cacheControl] == "no-store")
                let body = try #require(try JSONSerialization.jsonObject(with: Data(buffer: created.body)) as? [String: Any])
                let first = try #require(body["key"] as? String)
                let prefix = try #require(body["prefix"] as? String)
                #expect(first.hasPrefix("huqi_\(prefix)_"))
                #expect((body["partner"] as? [String: Any])?["name"] as? String == "大连市工商业联合会")
                #expect(try await works(http, first))
                let secret = String(first.split(separator: "_").last ?? "")
                let stored = try await client.query("SELECT count(*) FROM api_keys k WHERE strpos(row_to_json(k)::text, \(secret)) > 0")
                #expect(try stored[0].decode(Int.self, at: 0) == 0, "the secret itself is not stored")

                let rotated = try await send(http, .post, "/api/v1/partners/dlfic/key", token: admin)
                let second = try #require(rotated.body["key"] as? String)
                #expect(rotated.status == 201 && second != first)
                let (oldWorks, newWorks) = (try await works(http, first), try await works(http, second))
                #expect(!oldWorks && newWorks, "the old key stops at once, the new one works")
                let revoked = try await send(http, .delete, "/api/v1/partners/DLFIC/key", token: admin)
                #expect(revoked.status == 200 && revoked.body["revoked"] as? Int == 1)
                #expect(try await !works(http, second))

                let taken = try await send(http, .post, "/api/v1/partners", token: admin, json: #"{"code": "lnfic", "name": "重复"}"#)
                #expect(taken.status == 409 && taken.body["code"] as? String == "identity.duplicate_partner", "\(taken.body)")
                let shape = try await send(http, .post, "/api/v1/partners", token: admin, json: #"{"code": "大连", "name": "大连"}"#)
                #expect(shape.status == 422 && shape.body["code"] as? String == "identity.partner_code_invalid")
                #expect(try await send(http, .post, "/api/v1/partners/NOSUCH/key", token: admin).status == 404)
            }
            let actions = try await client.query("SELECT action FROM audit_events WHERE entity = 'partner' AND entity_id = 'DLFIC' ORDER BY id")
                .map { try $0.decode(String.self, at: 0) }
            #expect(actions == ["partner.create", "api_key.rotate", "api_key.revoke"], "\(actions)")
        }
    }

    @Test("an administrator issues a person's script token and revokes all of them; nobody else may touch keys or tokens")
    func userTokens() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            let admin = world.token("admin")
            let id = world.identity.user("pros.lh").id
            try await ServerHarness.application(client: client).test(.router) { http in
                let issued = try await send(http, .post, "/api/v1/users/\(id)/tokens", token: admin)
                let token = try #require(issued.body["key"] as? String)
                #expect(issued.status == 201 && issued.body["user"] as? String == "pros.lh")
                let (newWorks, firstWorks) = (try await works(http, token), try await works(http, world.token("pros.lh")))
                #expect(newWorks && firstWorks, "a second token beside the first")
                let revoked = try await send(http, .delete, "/api/v1/users/\(id)/tokens", token: admin)
                #expect(revoked.status == 200 && revoked.body["revoked"] as? Int == 2)
                let (newAfter, firstAfter) = (try await works(http, token), try await works(http, world.token("pros.lh")))
                #expect(!newAfter && !firstAfter)
                #expect(try await send(http, .post, "/api/v1/users/999999/tokens", token: admin).status == 404)

                let others = [world.token("leader.jz"), world.token("office"), world.identity.keyA.plaintext]
                let routes: [(HTTPRequest.Method, String, String?)] = [
                    (.post, "/api/v1/partners", #"{"code": "X1", "name": "某商会"}"#), (.post, "/api/v1/partners/JZCHAMBER/key", nil),
                    (.delete, "/api/v1/partners/JZCHAMBER/key", nil), (.post, "/api/v1/users/\(id)/tokens", nil), (.delete, "/api/v1/users/\(id)/tokens", nil),
                ]
                for token in others {
                    for (method, uri, json) in routes {
                        let refused = try await send(http, method, uri, token: token, json: json)
                        #expect(refused.status == 403 && refused.body["code"] as? String == "auth.forbidden", "\(method) \(uri): \(refused.body)")
                    }
                }
                #expect(try await works(http, world.identity.keyB.plaintext), "the refused calls left the other partner's key alone")
            }
        }
    }
}
