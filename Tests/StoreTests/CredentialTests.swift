import Domain
import Foundation
import Postgres
import Store
import Testing
import TestSupport

@Suite("API keys and sessions")
struct CredentialTests {
    @Test("a partner key authenticates as that partner, and its secret is stored nowhere in clear")
    func keyStoredOnlyAsHash() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            let principal = try await APIKeyRepository(client: client).authenticate(fixture.keyA.plaintext)
            #expect(principal.kind == .partnerKey(partnerID: fixture.partnerA.id, keyID: fixture.keyA.id))
            #expect(principal.label == "LNFIC")
            let secret = String(fixture.keyA.plaintext.split(separator: "_")[2])
            let dump = try await client.query("""
                SELECT string_agg(t::text, ' ') FROM (
                  SELECT row_to_json(k)::text AS t FROM api_keys k UNION ALL SELECT row_to_json(a)::text FROM audit_events a
                  UNION ALL SELECT row_to_json(p)::text FROM partners p) rows
                """)[0].decode(String.self, at: 0)
            #expect(!dump.contains(secret))
            #expect(dump.contains(fixture.keyA.prefix), "the public prefix is kept to find the key")
            let lastUsed = try await client.query("SELECT last_used_at IS NOT NULL FROM api_keys WHERE id = \(fixture.keyA.id)")
            #expect(try lastUsed[0].decode(Bool.self, at: 0), "last use is recorded")
        }
    }

    @Test("malformed, unknown, wrong-secret, revoked and expired keys each get their own code")
    func keyFailures() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            let keys = APIKeyRepository(client: client)
            func code(_ key: String) async -> String? {
                do { _ = try await keys.authenticate(key); return nil } catch let error as IdentityError { return error.code } catch { return "\(error)" }
            }
            #expect(await code("not-a-key") == "auth.key_malformed")
            #expect(await code("huqi_aaaaaaaaaa_" + String(repeating: "a", count: 52)) == "auth.key_invalid")
            let wrongSecret = "huqi_\(fixture.keyA.prefix)_" + String(repeating: "b", count: 52)
            #expect(await code(wrongSecret) == "auth.key_invalid")
            let rotated = try await keys.rotate(owner: .partner(id: fixture.partnerA.id), by: IdentityFixture.setupActor, entity: "partner", entityID: "LNFIC")
            #expect(await code(fixture.keyA.plaintext) == "auth.key_revoked")
            #expect(await code(rotated.plaintext) == nil)
            try await client.query("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = \(fixture.keyB.id)")
            #expect(await code(fixture.keyB.plaintext) == "auth.key_expired")
            try await keys.revoke(owner: .partner(id: fixture.partnerA.id), by: IdentityFixture.setupActor, entity: "partner", entityID: "LNFIC")
            #expect(await code(rotated.plaintext) == "auth.key_revoked")
        }
    }

    @Test("a user's API token carries the user's roles, unit and unit path")
    func userToken() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            let principal = try await APIKeyRepository(client: client).authenticate(fixture.tokens["leader.jz"]!.plaintext)
            #expect(principal.roles == [.leader])
            #expect(principal.unitCode == "210700")
            #expect(principal.unitPath == "/210000/210700/")
            #expect(principal.label == "leader.jz" && principal.userID == fixture.user("leader.jz").id)
        }
    }

    @Test("a disabled user's token stops working at once; last use is recorded at most once a minute")
    func disabledUserAndLastUse() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            let keys = APIKeyRepository(client: client)
            let token = fixture.tokens["pros.jz"]!
            _ = try await keys.authenticate(token.plaintext)
            let first = try await client.query("SELECT last_used_at FROM api_keys WHERE id = \(token.id)")[0].decode(Date.self, at: 0)
            _ = try await keys.authenticate(token.plaintext)
            let second = try await client.query("SELECT last_used_at FROM api_keys WHERE id = \(token.id)")[0].decode(Date.self, at: 0)
            #expect(first == second, "a second use within the minute writes nothing")
            try await client.query("UPDATE users SET disabled_at = now() WHERE login = 'pros.jz'")
            let error = await #expect(throws: IdentityError.self) { _ = try await keys.authenticate(token.plaintext) }
            #expect(error?.code == "auth.user_disabled")
        }
    }

    @Test("a session resolves until logout, idle expiry or absolute expiry ends it")
    func sessionLifetime() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            let sessions = SessionRepository(client: client)
            let user = fixture.user("pros.lh")
            let first = try await sessions.start(userID: user.id, login: user.login, address: "127.0.0.1")
            let (principal, csrf, _) = try await sessions.resolve(token: first.token)
            #expect(principal.userID == user.id)
            #expect(csrf == first.csrfToken)
            try await sessions.end(token: first.token, principal: principal, address: "127.0.0.1")
            await #expect(throws: AuthError.sessionExpired) { try await sessions.resolve(token: first.token) }

            let idle = try await sessions.start(userID: user.id, login: user.login, address: "")
            try await client.query("UPDATE sessions SET last_seen_at = now() - interval '31 minutes' WHERE ended_at IS NULL")
            await #expect(throws: AuthError.sessionExpired) { try await sessions.resolve(token: idle.token) }

            let old = try await sessions.start(userID: user.id, login: user.login, address: "")
            try await client.query("UPDATE sessions SET expires_at = now() - interval '1 second' WHERE ended_at IS NULL")
            await #expect(throws: AuthError.sessionExpired) { try await sessions.resolve(token: old.token) }
            let stored = try await client.query("SELECT count(*) FROM sessions WHERE encode(token_sha256, 'escape') LIKE '%' || \(old.token) || '%'")
            #expect(try stored[0].decode(Int.self, at: 0) == 0, "the cookie token itself is not stored")
        }
    }

    @Test("five failed logins for one account within the window throttle the next attempt")
    func throttle() async throws {
        try await TestDatabase.withClient { client in
            let throttle = LoginThrottle(client: client)
            for _ in 0..<5 {
                try await throttle.check(login: "pros.lh", address: "10.0.0.1")
                try await throttle.recordFailure(login: "pros.lh", address: "10.0.0.1")
            }
            let error = try await #require(throws: IdentityError.self) { try await throttle.check(login: "pros.lh", address: "10.0.0.9") }
            #expect(error.code == "auth.throttled")
            #expect((error.retryAfterSeconds ?? 0) > 800)
            try await throttle.check(login: "someone.else", address: "10.0.0.9")  // other accounts unaffected
        }
    }

    @Test("twenty failures from one address throttle every login from it, not other addresses")
    func throttleByAddress() async throws {
        try await TestDatabase.withClient { client in
            let throttle = LoginThrottle(client: client)
            for n in 0..<20 { try await throttle.recordFailure(login: "guess\(n)", address: "203.0.113.7") }
            await #expect(throws: IdentityError.self) { try await throttle.check(login: "pros.lh", address: "203.0.113.7") }
            try await throttle.check(login: "pros.lh", address: "203.0.113.8")
        }
    }
}
