import Domain
import Postgres

/// Slows down password guessing: failures are counted per login and per client address over
/// a window; past a limit the next attempt is refused with `auth.throttled` until the oldest
/// failure in the window ages out.
public struct LoginThrottle: Sendable {
    let client: PostgresClient
    /// The counting window (default 15 minutes).
    public var window: Duration = .seconds(15 * 60)
    /// Failures allowed per login within the window.
    public var perLogin = 5
    /// Failures allowed per address within the window (several users behind one NAT).
    public var perAddress = 20

    /// Creates a throttle on a pool.
    public init(client: PostgresClient) { self.client = client }

    /// Throws `auth.throttled` (with the seconds to wait) when either limit is reached.
    public func check(login: String, address: String) async throws {
        let seconds = Double(window.components.seconds)
        let row = try await client.query("""
            SELECT
              (SELECT count(*) FROM login_failures WHERE login = \(login) AND failed_at > now() - make_interval(secs => \(seconds))),
              (SELECT count(*) FROM login_failures WHERE address = \(address) AND failed_at > now() - make_interval(secs => \(seconds))),
              (SELECT coalesce(ceil(extract(epoch FROM min(failed_at) + make_interval(secs => \(seconds)) - now())), 0)::int8
                 FROM login_failures WHERE (login = \(login) OR address = \(address)) AND failed_at > now() - make_interval(secs => \(seconds)))
            """)[0]
        let (byLogin, byAddress, wait) = try row.decode((Int, Int, Int).self)
        if byLogin >= perLogin || byAddress >= perAddress { throw AuthError.throttled(retryAfter: max(1, wait)) }
    }

    /// Records a failure, audited as `auth.login_failed` (the login as typed, never the password).
    public func recordFailure(login: String, address: String) async throws {
        try await client.withTransaction { connection in
            try await connection.query("INSERT INTO login_failures (login, address) VALUES (\(login), \(address))")
            try await AuditLog.append(AuditEvent(actor: "anonymous", actorLabel: String(login.prefix(64)), action: "auth.login_failed",
                                                 entity: "user", entityID: String(login.prefix(64)), address: address), on: connection)
        }
    }
}
