import Logging
import Postgres
import ServiceLifecycle
import Store

/// The background sweeps of the workflow, as a lifecycle service: expired claims go back to
/// their queues, and each overdue deadline gets one escalation event. Several gateway
/// instances may run it at once (both sweeps use `SKIP LOCKED` and a unique index).
public struct WorkflowSweeper: Service {
    let database: PostgresClient
    let interval: Duration
    let logger: Logger

    /// A sweeper running every `interval` (default 30 s).
    public init(database: PostgresClient, interval: Duration = .seconds(30), logger: Logger) {
        self.database = database
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await repeatUntilShutdown(every: interval) { await sweepOnce() }
    }

    /// One pass of both sweeps; errors are logged and the next pass tries again.
    public func sweepOnce() async {
        do {
            let expired = try await CaseQueue.expireLeases(using: database)
            let escalated = try await CaseDeadlines.escalateOverdue(using: database)
            if expired + escalated > 0 {
                logger.info("workflow sweep", metadata: ["leases_expired": "\(expired)", "deadlines_escalated": "\(escalated)"])
            }
        } catch {
            logger.warning("workflow sweep failed", metadata: ["error": "\(error)"])
        }
    }
}
