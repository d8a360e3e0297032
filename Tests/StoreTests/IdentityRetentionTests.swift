import Domain
import Foundation
import Postgres
import Store
import Testing
import TestSupport

@Suite("Retention of sign-in records")
struct IdentityRetentionTests {
    /// Starts a session for `login` and backdates its creation and last use by `days`.
    private func session(_ login: String, lastSeenDaysAgo days: Int, fixture: IdentityFixture, client: PostgresClient) async throws -> String {
        let issued = try await SessionRepository(client: client).start(userID: fixture.user(login).id, login: login, address: "10.0.0.1")
        try await client.query("""
            UPDATE sessions SET created_at = now() - make_interval(days => \(days)), last_seen_at = now() - make_interval(days => \(days)),
                   expires_at = now() - make_interval(days => \(days)) + interval '12 hours'
            WHERE token_sha256 = sha256(convert_to(\(issued.token), 'UTF8'))
            """)
        return issued.token
    }

    private func ages(_ login: String, fixture: IdentityFixture, client: PostgresClient) async throws -> [Int] {
        try await client.query("""
            SELECT round(extract(epoch FROM now() - last_seen_at) / 86400)::int8 FROM sessions
            WHERE user_id = \(fixture.user(login).id) ORDER BY last_seen_at DESC
            """).map { try $0.decode(Int.self, at: 0) }
    }

    @Test("sessions unused past the retention go, except each person's newest; 最近活动 is unchanged")
    func sessions() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            for days in [200, 120, 95, 30, 0] { _ = try await session("leader.jz", lastSeenDaysAgo: days, fixture: fixture, client: client) }
            for days in [400, 300] { _ = try await session("pros.jz", lastSeenDaysAgo: days, fixture: fixture, client: client) }
            let users = UserRepository(client: client)
            let activeBefore = try await users.lastActive(["leader.jz", "pros.jz"])
            var retention = IdentityRetention(client: client)
            retention.sliceSize = 2  // several slices: the loop must go on until a short one
            let purged = try await retention.purge()
            #expect(purged.sessions == 4)
            #expect(try await ages("leader.jz", fixture: fixture, client: client) == [0, 30])
            #expect(try await ages("pros.jz", fixture: fixture, client: client) == [300], "a person's newest session stays, however old")
            #expect(try await users.lastActive(["leader.jz", "pros.jz"]) == activeBefore)
            #expect(try await retention.purge() == .init(), "a second purge finds nothing")
        }
    }

    @Test("a session still in use is never purged, whatever the retention")
    func liveSessionKept() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            let sessions = SessionRepository(client: client)
            let older = try await sessions.start(userID: fixture.user("leader.jz").id, login: "leader.jz", address: "10.0.0.1")
            let newer = try await sessions.start(userID: fixture.user("leader.jz").id, login: "leader.jz", address: "10.0.0.2")
            var retention = IdentityRetention(client: client)
            retention.sessionsKeptFor = .seconds(3600)
            #expect(try await retention.purge().sessions == 0)
            #expect(try await sessions.resolve(token: older.token).principal.label == "leader.jz")
            #expect(try await sessions.resolve(token: newer.token).principal.label == "leader.jz")
        }
    }

    @Test("failed sign-ins older than the retention go; the throttle still counts the recent ones")
    func loginFailures() async throws {
        try await TestDatabase.withClient { client in
            _ = try await IdentityFixture.make(client: client)
            let throttle = LoginThrottle(client: client)
            for _ in 0..<3 { try await throttle.recordFailure(login: "old", address: "10.0.0.9") }
            try await client.query("UPDATE login_failures SET failed_at = now() - interval '8 days'")
            for _ in 0..<5 { try await throttle.recordFailure(login: "recent", address: "10.0.0.8") }
            let auditBefore = try await client.query("SELECT count(*) FROM audit_events WHERE action = 'auth.login_failed'")[0].decode(Int.self, at: 0)
            let purged = try await IdentityRetention(client: client).purge()
            #expect(purged.loginFailures == 3)
            let left = try await client.query("SELECT login, count(*) FROM login_failures GROUP BY login").map { try $0.decode((String, Int).self) }
            #expect(left.map(\.0) == ["recent"] && left.map(\.1) == [5])
            let error = try await #require(throws: IdentityError.self) { try await throttle.check(login: "recent", address: "10.0.0.7") }
            #expect(error.code == "auth.throttled")
            let auditAfter = try await client.query("SELECT count(*) FROM audit_events WHERE action = 'auth.login_failed'")[0].decode(Int.self, at: 0)
            #expect(auditAfter == auditBefore, "the audit log keeps every failure")
        }
    }
}
