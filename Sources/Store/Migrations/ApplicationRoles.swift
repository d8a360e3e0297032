import Domain
import Postgres

/// Database roles that huqi may connect as without owning its tables (sql/0020): they read and
/// write what the gateway writes, only append to the audit log and the other histories, and
/// cannot change, truncate or unprotect any table. The owner grants them; later migrations
/// grant them what they add.
public enum ApplicationRoles {
    /// Grants `role` an application role's rights, remembers it, and audits the grant. Run as the
    /// owner (the role that applies the migrations).
    public static func grant(_ role: String, by actor: AuditEvent, using client: PostgresClient) async throws(ApplicationRoleError) {
        do {
            try await client.withTransaction { connection in
                try await connection.query("SELECT huqi_grant_app_role(\(role)::name)")
                var event = actor
                (event.action, event.entity, event.entityID) = ("db.grant_app_role", "db_role", role)
                try await AuditLog.append(event, on: connection)
            }
        } catch let error as PostgresError {
            switch error.sqlState {
            case "42704": throw .init(code: "db_role.unknown", message: "数据库中没有账号 \(role)。请先由数据库管理员创建它（CREATE ROLE \(role) LOGIN PASSWORD '…'），再授权。")
            case "22023": throw .init(code: "db_role.is_owner", message: "\(role) 就是运行迁移的属主账号，不需要授权；应用账号应是另一个账号。")
            case "42501": throw .init(code: "db_role.not_owner", message: "只有数据库属主账号（运行 huqi migrate 的账号）才能授权。请用属主账号的 HUQI_DATABASE_URL 运行。")
            default: throw .init(code: "db_role.failed", message: "授权失败：\(error.message ?? error.description)")
            }
        } catch {
            throw .init(code: "db_role.failed", message: "授权失败：\(error)")
        }
    }

    /// The roles granted so far, by name.
    public static func list(using client: PostgresClient) async throws -> [String] {
        try await client.query("SELECT role_name::text FROM huqi_app_roles ORDER BY role_name").map { try $0.decode(String.self, at: 0) }
    }
}

/// Why an application role could not be granted: a stable code and a Chinese sentence.
public struct ApplicationRoleError: Error, Sendable, CustomStringConvertible {
    /// A stable identifier, e.g. `db_role.unknown`.
    public let code: String
    /// What went wrong and what to do, in Chinese.
    public let message: String

    public var description: String { "\(message) [\(code)]" }
}
