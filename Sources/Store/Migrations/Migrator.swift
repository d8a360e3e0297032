import Logging
import Postgres

/// Applies `sql/` migrations in version order, each in its own transaction, and records
/// them with their checksum in `huqi_schema_migrations`.
///
/// Runners on several gateway instances are safe: the whole run holds a session advisory
/// lock, so the second runner waits, then finds nothing left to do.
///
/// An application role (sql/0020, `huqi db grant`) may run it too: with nothing pending it
/// changes nothing, and with migrations pending it says that the owner must apply them. After
/// applying migrations, the owner's run grants every application role the tables they added.
public struct Migrator: Sendable {
    /// The migrations known to this binary.
    public let migrations: [Migration]
    let logger: Logger

    /// The advisory-lock key shared by every huqi migrator (`pg_advisory_lock`).
    static let lockKey: Int64 = 0x6875_7169_6d69_6772  // "huqimigr"

    /// Creates a migrator for the given migrations.
    public init(migrations: [Migration], logger: Logger) {
        self.migrations = migrations
        self.logger = logger
    }

    /// What a run did or what `status` found.
    public struct Report: Sendable, Equatable {
        /// Migrations applied by this run, in order.
        public var applied: [String] = []
        /// Migrations already applied before this run.
        public var alreadyApplied: [String] = []
        /// Migrations not applied yet (status only).
        public var pending: [String] = []
    }

    /// Applies every pending migration. Throws `database.encoding` / `database.ctype` for a
    /// database huqi cannot keep Chinese text in and `database.read_only` for one it cannot write (`DatabaseRequirements`), `migration.checksum_mismatch`
    /// when an applied migration's file changed (before applying anything), `migration.failed` when one fails.
    @discardableResult
    public func migrate(using client: PostgresClient) async throws -> Report {
        try await client.withConnection { connection in
            try await DatabaseRequirements.check(on: connection)
            try await connection.query("SELECT pg_advisory_lock(\(Self.lockKey))")
            do {
                let report = try await applyPending(on: connection)
                try await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))")
                return report
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))")
                throw error
            }
        }
    }

    /// Compares the database with the files without changing anything. With `writable` (what
    /// `/readyz` asks), throws `database.read_only` when the database cannot be written (a
    /// standby after a failover); `huqi migrate --status` may look at a standby.
    public func status(using client: PostgresClient, writable: Bool = true) async throws -> Report {
        try await client.withConnection { connection in
            if writable { try await DatabaseRequirements.checkWritable(on: connection) }
            let applied = try await appliedChecksums(on: connection)
            var report = Report()
            for migration in migrations {
                if let checksum = applied[migration.version] {
                    guard checksum == migration.checksum else { throw MigrationError.checksumMismatch(migration.name) }
                    report.alreadyApplied.append(migration.name)
                } else {
                    report.pending.append(migration.name)
                }
            }
            return report
        }
    }

    private func applyPending(on connection: PostgresConnection) async throws -> Report {
        // Only when missing: an application role may not create tables, even "IF NOT EXISTS".
        if try await !connection.query("SELECT to_regclass('huqi_schema_migrations') IS NOT NULL")[0].decode(Bool.self, at: 0) {
            try await connection.execute(script: """
                CREATE TABLE IF NOT EXISTS huqi_schema_migrations (
                    version     integer PRIMARY KEY,
                    name        text NOT NULL,
                    checksum    text NOT NULL,
                    applied_at  timestamptz NOT NULL DEFAULT now()
                )
                """)
        }
        let applied = try await appliedChecksums(on: connection, tableKnownToExist: true)
        var report = Report()
        for migration in migrations where applied[migration.version] != nil {
            guard applied[migration.version] == migration.checksum else { throw MigrationError.checksumMismatch(migration.name) }
            report.alreadyApplied.append(migration.name)
        }
        for migration in migrations where applied[migration.version] == nil {
            do {
                try await connection.withTransaction { connection in
                    try await connection.execute(script: migration.sql)
                    try await connection.query("""
                        INSERT INTO huqi_schema_migrations (version, name, checksum)
                        VALUES (\(migration.version), \(migration.name), \(migration.checksum))
                        """)
                }
            } catch let error as PostgresError {
                if error.sqlState == "42501", report.applied.isEmpty, try await !ownsSchema(on: connection) {
                    throw MigrationError.notOwner(migration.name, role: try await currentRole(on: connection))
                }
                throw MigrationError.failed(migration.name, reason: error.message ?? error.description)
            }
            logger.info("migration applied", metadata: ["migration": "\(migration.name)"])
            report.applied.append(migration.name)
        }
        if !report.applied.isEmpty { try await regrantApplicationRoles(on: connection) }
        return report
    }

    /// Grants every remembered application role (sql/0020) what the new migrations added; a
    /// role dropped since is skipped.
    private func regrantApplicationRoles(on connection: PostgresConnection) async throws {
        guard try await connection.query("SELECT to_regclass('huqi_app_roles') IS NOT NULL")[0].decode(Bool.self, at: 0) else { return }
        for row in try await connection.query("""
            SELECT role_name::text FROM huqi_app_roles WHERE role_name IN (SELECT rolname FROM pg_roles) ORDER BY role_name
            """) {
            let role = try row.decode(String.self, at: 0)
            try await connection.query("SELECT huqi_grant_app_role(\(role)::name)")
            logger.info("application role granted the new tables", metadata: ["role": "\(role)"])
        }
    }

    private func ownsSchema(on connection: PostgresConnection) async throws -> Bool {
        try await connection.query("SELECT coalesce(has_schema_privilege(current_schema(), 'CREATE'), false)")[0].decode(Bool.self, at: 0)
    }

    private func currentRole(on connection: PostgresConnection) async throws -> String {
        try await connection.query("SELECT current_user::text")[0].decode(String.self, at: 0)
    }

    /// The applied migrations' checksums by version; none when the table is missing (checked
    /// unless the caller just made sure of it).
    private func appliedChecksums(on connection: PostgresConnection, tableKnownToExist: Bool = false) async throws -> [Int: String] {
        if !tableKnownToExist {
            let exists = try await connection.query("SELECT to_regclass('huqi_schema_migrations') IS NOT NULL")
            guard try exists[0].decode(Bool.self, at: 0) else { return [:] }
        }
        var result: [Int: String] = [:]
        for row in try await connection.query("SELECT version, checksum FROM huqi_schema_migrations") {
            let (version, checksum) = try row.decode((Int, String).self)
            result[version] = checksum
        }
        return result
    }
}
