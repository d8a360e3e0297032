import Logging
import Postgres
import ServiceLifecycle
import Store

/// Seals the audit log every `interval`, and once more on shutdown: each pass writes one range
/// seal over the transactions finished since the previous pass (sql/0013_audit_range_seals.sql).
/// Transactions commit without waiting for anything; this links them into the chain of seals
/// shortly after. Several gateway instances may run it at once: a pass that finds another
/// sealing returns.
public struct AuditSealer: Service {
    let database: PostgresClient
    let interval: Duration
    let logger: Logger

    /// A sealer running every `interval` (default 1 s).
    public init(database: PostgresClient, interval: Duration = .seconds(1), logger: Logger) {
        self.database = database
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await repeatUntilShutdown(every: interval) { await sealOnce() }
        await sealOnce()
    }

    /// One pass; an error (the database away, say) is logged and the next pass tries again.
    public func sealOnce() async {
        do {
            let sealed = try await AuditLog.sealPending(using: database)
            if sealed > 0 { logger.debug("audit sealed", metadata: ["transactions": "\(sealed)"]) }
        } catch {
            logger.warning("audit sealing failed", metadata: ["error": "\(String(describing: type(of: error)))"])
        }
    }
}
