import Logging
import Postgres
import ServiceLifecycle
import Store

/// Keeps one session subscribed to the database's change announcements (`sql/0016`) and hands
/// each to the instance's `ReadCaches`; sends the heartbeat that tells the caches announcements
/// really arrive.
///
/// The session is its own connection, outside the pool: a busy pool must not delay what the
/// caches hear. Every `heartbeat` it announces `beat:<instance>:<n>` on that same session and
/// reads it back with everything committed before it; when the heartbeats stop coming back (a
/// lost connection, a silent network, a pooler that drops LISTEN) the caches stop being used
/// within `ReadCaches.staleAfter`. A lost session is reopened after a pause that grows to 5 s.
public struct ChangeListener: Service {
    let database: PostgresClient
    let caches: ReadCaches
    let heartbeat: Duration
    let logger: Logger

    /// A listener for `caches` on `database`'s server, with a heartbeat every `heartbeat`
    /// (keep it well under `caches.staleAfter`).
    public init(database: PostgresClient, caches: ReadCaches, heartbeat: Duration = .seconds(1), logger: Logger) {
        self.database = database
        self.caches = caches
        self.heartbeat = heartbeat
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var pause = Duration.milliseconds(250)
            while !Task.isCancelled {
                let started = ContinuousClock.now
                do {
                    try await listen()
                } catch {
                    if !Task.isCancelled {
                        logger.warning("change listener lost", metadata: ["error": "\(String(describing: type(of: error)))"])
                    }
                }
                caches.listenerLost()
                if ContinuousClock.now - started > .seconds(10) { pause = .milliseconds(250) }
                try? await Task.sleep(for: pause)
                pause = min(pause * 2, .seconds(5))
            }
        }
        caches.listenerLost()
    }

    /// One subscribed session, until it breaks or the task is cancelled.
    private func listen() async throws {
        let connection = try await PostgresConnection.connect(configuration: database.configuration, logger: logger)
        do {
            try await connection.query("SET application_name = 'huqi-listener'")  // findable in pg_stat_activity
            try await connection.listen(DataChange.channel)
            logger.debug("change listener subscribed", metadata: ["instance": "\(caches.instance)"])
            var sequence = 0
            var nextBeat = ContinuousClock.now
            while !Task.isCancelled {
                if ContinuousClock.now >= nextBeat {
                    sequence += 1
                    let beat = DataChange.heartbeatPayload(instance: caches.instance, sequence: sequence)
                    try await connection.query("SELECT pg_notify(\(DataChange.channel), \(beat))")
                    nextBeat = ContinuousClock.now + heartbeat
                }
                let wait = max(1, min(200, Int32((nextBeat - ContinuousClock.now) / .milliseconds(1))))
                for notification in try await connection.pollNotifications(timeoutMilliseconds: wait) {
                    // A message this version does not know is treated as "everything changed".
                    caches.apply(DataChange(payload: notification.payload) ?? .everything)
                }
            }
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
    }
}
