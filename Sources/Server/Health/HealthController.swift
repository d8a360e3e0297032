import Hummingbird
import Postgres
import Store

/// `GET /healthz` (the process is up) and `GET /readyz` (the database answers and its schema
/// has every migration this binary knows, with matching checksums).
struct HealthController<Context: RequestContext>: Sendable {
    let database: PostgresClient
    let migrator: Migrator

    struct Status: ResponseEncodable {
        let status: String
        let migrations: Int?
    }

    func register(on router: Router<Context>) {
        router.get("healthz") { _, _ in Status(status: "ok", migrations: nil) }
        router.get("readyz") { _, _ in try await readiness() }
    }

    private func readiness() async throws -> Status {
        let report: Migrator.Report
        do {
            report = try await migrator.status(using: database)
        } catch let error as PostgresError {
            let detail = error.code == .sessionSettingsIgnored ? "数据库连接丢弃了 huqi 的会话设置（\(error.message ?? "")），请直接连接 PostgreSQL"
                : error.isConnectionError ? "无法连接数据库" : "数据库返回错误 \(error.sqlState ?? "")"
            throw Problem.databaseUnavailable.with(detail: detail)
        } catch let error as MigrationError {
            throw Problem(status: .serviceUnavailable, code: error.code, title: error.message)
        }
        guard report.pending.isEmpty else {
            throw Problem.migrationsPending.with(detail: "待执行：\(report.pending.joined(separator: "、"))")
        }
        return Status(status: "ready", migrations: report.alreadyApplied.count)
    }
}

extension Problem {
    /// The same problem with a detail line for this occurrence.
    func with(detail: String) -> Problem {
        var problem = self
        problem.detail = detail
        return problem
    }
}
