import Logging
import Postgres
import ServiceLifecycle
import Store

/// Purges dead web sessions and old failed sign-ins (`IdentityRetention`) once an hour, as a
/// lifecycle service. Several gateway instances may run it at once: a row deleted by one is
/// simply not found by the other.
public struct RetentionSweeper: Service {
    let retention: IdentityRetention
    let interval: Duration
    let logger: Logger

    /// A sweeper keeping dead sessions `sessionDays` days after their last use (default 90).
    public init(database: PostgresClient, sessionDays: Int = 90, interval: Duration = .seconds(3600), logger: Logger) {
        var retention = IdentityRetention(client: database)
        retention.sessionsKeptFor = .seconds(sessionDays * 86_400)
        self.retention = retention
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await repeatUntilShutdown(every: interval) { await sweepOnce() }
    }

    /// One purge; errors are logged and the next pass tries again.
    public func sweepOnce() async {
        do {
            let purged = try await retention.purge()
            if purged.sessions + purged.loginFailures > 0 {
                logger.info("retention sweep", metadata: ["sessions_deleted": "\(purged.sessions)",
                                                         "login_failures_deleted": "\(purged.loginFailures)"])
            }
        } catch {
            logger.warning("retention sweep failed", metadata: ["error": "\(error)"])
        }
    }
}
