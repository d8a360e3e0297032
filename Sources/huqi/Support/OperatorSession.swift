import Domain
import Foundation
import Logging
import Postgres
import Store

/// A database session for one operator command: resolves the database (starting the embedded
/// cluster when needed, stopping it afterwards if this command started it), checks the schema
/// is current, and names the operator in the audit log as `cli:<os user>`.
struct OperatorSession {
    let client: PostgresClient
    let logger: Logger

    /// The audit actor of commands run from the shell.
    var actor: AuditEvent {
        let account = getpwuid(geteuid()).map { String(cString: $0.pointee.pw_name) } ?? "uid\(geteuid())"
        let user = ProcessInfo.processInfo.environment["SUDO_USER"].map { "\($0)(sudo)" } ?? account
        return AuditEvent(actor: "cli:\(user)", actorLabel: user, action: "cli.run")
    }

    /// Runs `body` with a session; `migrating: false` leaves the schema as it is (`migrate --status`).
    static func run(migrating: Bool = true, _ body: (OperatorSession) async throws -> Void) async throws {
        let logger = LoggingSetup.bootstrap()
        try await reportingErrors {
            let target = try await DatabaseTarget.resolve(logger: logger)
            var startedHere = false
            if case .embedded(let cluster) = target { startedHere = try await cluster.start() }
            let client = target.makeClient(logger: logger, maximumConnections: 2)
            do {
                if migrating { try await DatabaseTarget.migrator(logger: logger).migrate(using: client) }
                try await body(OperatorSession(client: client, logger: logger))
                // Seal what this command wrote to the audit log (a server, if one runs, would within a second).
                if migrating { _ = try? await AuditLog.sealPending(wait: true, using: client) }
                await client.shutdown()
                if startedHere, case .embedded(let cluster) = target { try await cluster.stop() }
            } catch {
                await client.shutdown()
                if startedHere, case .embedded(let cluster) = target { try? await cluster.stop() }
                throw error
            }
        }
    }
}
