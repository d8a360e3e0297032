import Domain
import Foundation
import Postgres

/// One of a person's web sessions that can still be used, as the 账号 page lists it.
public struct OpenSession: Sendable, Equatable {
    /// When the person signed in.
    public var startedAt: Date
    /// The last request made with it.
    public var lastSeenAt: Date
    /// Where the sign-in came from.
    public var address: String
    /// The session of the page asking.
    public var isCurrent: Bool
}

extension SessionRepository {
    /// The person's sessions that still work (not ended, idle or expired), newest first;
    /// `current` is the cookie token of the page asking.
    public func open(userID: Int, current token: String) async throws -> [OpenSession] {
        try await client.query("""
            SELECT created_at, last_seen_at, address, token_sha256 = \(Self.digest(token)) FROM sessions
            WHERE user_id = \(userID) AND ended_at IS NULL AND expires_at > now()
              AND last_seen_at > now() - make_interval(secs => \(Double(idleTimeout.components.seconds)))
            ORDER BY created_at DESC LIMIT 50
            """).map { row in
            let (started, seen, address, current) = try row.decode((Date, Date, String, Bool).self)
            return OpenSession(startedAt: started, lastSeenAt: seen, address: address, isCurrent: current)
        }
    }

    /// Ends every session of the person but the one asking (signed in on a shared computer and
    /// forgot to sign out), audited as `auth.logout_others`. Returns how many of them could still
    /// be used — the ones `open` lists; idled or expired ones are ended too but not counted.
    public func endOthers(of principal: Principal, keeping token: String, address: String) async throws -> Int {
        guard let userID = principal.userID else { return 0 }
        return try await client.withTransaction { connection in
            let ended = try await connection.query("""
                WITH ended AS (
                    UPDATE sessions SET ended_at = now()
                    WHERE user_id = \(userID) AND ended_at IS NULL AND token_sha256 <> \(Self.digest(token))
                    RETURNING expires_at, last_seen_at
                )
                SELECT count(*) FROM ended WHERE expires_at > now()
                  AND last_seen_at > now() - make_interval(secs => \(Double(idleTimeout.components.seconds)))
                """)[0].decode(Int.self, at: 0)
            try await AuditLog.append(AuditEvent(by: principal, action: "auth.logout_others", entity: "session", address: address,
                                                 summary: ["sessions_ended": String(ended)]), on: connection)
            return ended
        }
    }

    /// Replaces the session `token` by a new one for the same person (after a password change:
    /// whoever had copied the old cookie loses it too). The old session ends; the new one gets
    /// the full lifetime. Nil when `token` is no usable session.
    public func rotate(token: String) async throws -> Issued? {
        let fresh = Base32.random(bytes: 32)
        let csrf = Base32.random(bytes: 20)
        return try await client.withTransaction { connection in
            guard try await connection.query("""
                WITH old AS (
                    UPDATE sessions SET ended_at = now()
                    WHERE token_sha256 = \(Self.digest(token)) AND ended_at IS NULL AND expires_at > now()
                    RETURNING user_id, address
                )
                INSERT INTO sessions (token_sha256, user_id, csrf_token, address, expires_at)
                SELECT \(Self.digest(fresh)), user_id, \(csrf), address,
                       now() + make_interval(secs => \(Double(absoluteLifetime.components.seconds))) FROM old
                RETURNING user_id
                """).isEmpty == false else { return nil }
            return Issued(token: fresh, csrfToken: csrf)
        }
    }
}
