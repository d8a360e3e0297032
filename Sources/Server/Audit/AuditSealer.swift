import Logging
import Postgres
import ServiceLifecycle
import Store

/// Seals the audit log's pending seal requests (sql/0010_audit_pending_seals.sql) every
/// `interval`, and once more on shutdown. Transactions commit without waiting for the seal
/// lock; this service links what they committed into the chain of seals shortly after.
/// Several gateway instances may run it at once: a pass that finds another sealing returns.
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
