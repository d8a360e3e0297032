import Domain
import Postgres

/// Deletes sign-in records nobody needs any more, so the tables do not grow forever:
/// - web sessions last used longer ago than `sessionsKeptFor` (long dead: a session lives at
///   most 12 hours), except each person's newest one, which the users page reads as 最近活动;
/// - failed sign-ins older than `failuresKeptFor` (the throttle looks back 15 minutes; every
///   failure is also in the audit log, which is never purged).
///
/// Deletes in slices of `sliceSize` rows, each its own statement, so a first purge of a large
/// backlog never holds many locks or one long transaction.
public struct IdentityRetention: Sendable {
    let client: PostgresClient
    /// How long a dead session is kept after its last use (default 90 days).
    public var sessionsKeptFor: Duration = .seconds(90 * 86_400)
    /// How long a failed sign-in is kept (default 7 days).
    public var failuresKeptFor: Duration = .seconds(7 * 86_400)
    /// Rows deleted per statement.
    public var sliceSize = 5_000

    /// What one purge deleted.
    public struct Purged: Sendable, Equatable {
        public var sessions = 0
        public var loginFailures = 0
        public init(sessions: Int = 0, loginFailures: Int = 0) {
            (self.sessions, self.loginFailures) = (sessions, loginFailures)
        }
    }

    /// A retention policy on a pool.
    public init(client: PostgresClient) { self.client = client }

    /// Deletes what is past its retention; returns how many rows of each kind went.
    public func purge() async throws -> Purged {
        var purged = Purged()
        let sessionAge = Double(sessionsKeptFor.components.seconds)
        let failureAge = Double(failuresKeptFor.components.seconds)
        while true {
            let deleted = try await client.query("""
                WITH old AS (
                    SELECT s.token_sha256 FROM sessions s
                    WHERE s.last_seen_at < now() - make_interval(secs => \(sessionAge))
                      AND EXISTS (SELECT 1 FROM sessions newer WHERE newer.user_id = s.user_id
                                  AND (newer.last_seen_at, newer.token_sha256) > (s.last_seen_at, s.token_sha256))
                    LIMIT \(sliceSize)
                ), gone AS (DELETE FROM sessions WHERE token_sha256 IN (SELECT token_sha256 FROM old) RETURNING 1)
                SELECT count(*) FROM gone
                """)[0].decode(Int.self, at: 0)
            purged.sessions += deleted
            if deleted < sliceSize { break }
        }
        while true {
            let deleted = try await client.query("""
                WITH gone AS (
                    DELETE FROM login_failures WHERE id IN (
                        SELECT id FROM login_failures WHERE failed_at < now() - make_interval(secs => \(failureAge))
                        LIMIT \(sliceSize))
                    RETURNING 1)
                SELECT count(*) FROM gone
                """)[0].decode(Int.self, at: 0)
            purged.loginFailures += deleted
            if deleted < sliceSize { break }
        }
        return purged
    }
}
