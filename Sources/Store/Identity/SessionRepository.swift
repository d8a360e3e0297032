import Crypto
import Domain
import Foundation
import Postgres

/// Server-side web sessions: the cookie carries a random token, the table its SHA-256.
/// A session ends on logout, after `idleTimeout` without use, or at `absoluteLifetime`.
public struct SessionRepository: Sendable {
    let client: PostgresClient
    /// Idle expiry (default 30 minutes).
    public var idleTimeout: Duration = .seconds(30 * 60)
    /// Absolute expiry (default 12 hours).
    public var absoluteLifetime: Duration = .seconds(12 * 3600)

    /// Creates a repository on a pool.
    public init(client: PostgresClient) { self.client = client }

    /// A new session's secrets: the cookie token and the CSRF token for forms.
    public struct Issued: Sendable {
        public let token: String
        public let csrfToken: String
    }

    /// Starts a session for a user, audited as `auth.login`.
    public func start(userID: Int, login: String, address: String) async throws -> Issued {
        let token = Base32.random(bytes: 32)
        let csrf = Base32.random(bytes: 20)
        try await client.withTransaction { connection in
            try await connection.query("""
                INSERT INTO sessions (token_sha256, user_id, csrf_token, address, expires_at)
                VALUES (\(Self.digest(token)), \(userID), \(csrf), \(address),
                        now() + make_interval(secs => \(Double(absoluteLifetime.components.seconds))))
                """)
            try await AuditLog.append(AuditEvent(actor: "user:\(userID)", actorLabel: login, action: "auth.login",
                                                 entity: "session", address: address), on: connection)
        }
        return Issued(token: token, csrfToken: csrf)
    }

    /// The session's user, CSRF token, and whether the user's password is an initial one someone
    /// else set (the pages then ask them to replace it); `auth.session_expired` when ended or expired.
    public func resolve(token: String) async throws -> (principal: Principal, csrfToken: String, passwordIsInitial: Bool) {
        guard token.count == 52, token.allSatisfy({ Base32.alphabet.contains($0) }) else { throw AuthError.sessionExpired }
        guard let row = try await client.query("""
            UPDATE sessions s SET last_seen_at = now() FROM users u
            WHERE s.token_sha256 = \(Self.digest(token)) AND s.ended_at IS NULL AND s.expires_at > now()
              AND s.last_seen_at > now() - make_interval(secs => \(Double(idleTimeout.components.seconds))) AND u.id = s.user_id
            RETURNING s.user_id, s.csrf_token, u.password_is_initial
            """).first else { throw AuthError.sessionExpired }
        let (userID, csrf, initial) = try row.decode((Int, String, Bool).self)
        return (try await UserRepository(client: client).principal(userID: userID), csrf, initial)
    }

    /// Ends the session (logout), audited. Later requests with the same cookie are refused.
    public func end(token: String, principal: Principal, address: String) async throws {
        try await client.withTransaction { connection in
            try await connection.query("UPDATE sessions SET ended_at = now() WHERE token_sha256 = \(Self.digest(token)) AND ended_at IS NULL")
            try await AuditLog.append(AuditEvent(by: principal, action: "auth.logout", entity: "session", address: address), on: connection)
        }
    }

    static func digest(_ token: String) -> Data { Data(SHA256.hash(data: Data(token.utf8))) }
}
