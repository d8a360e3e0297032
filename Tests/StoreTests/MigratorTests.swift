import Foundation
import Postgres
import Store
import Testing
import TestSupport

@Suite("migrations")
struct MigratorTests {
    let migrations: [Migration]

    init() throws {
        migrations = try Migration.load(from: TestDatabase.migrationsDirectory)
    }

    @Test("the repository's migrations load in version order, each named NNNN_name.sql")
    func loadsRepositoryMigrations() {
        #expect(!migrations.isEmpty)
        #expect(migrations.map(\.version) == migrations.map(\.version).sorted())
        #expect(migrations.first?.name == "0001_foundation")
    }

    @Test("a fresh database gets every migration once; a second run applies nothing")
    func idempotent() async throws {
        try await TestDatabase.withClient(migrated: false) { client in
            let migrator = Migrator(migrations: migrations, logger: TestDatabase.logger)
            let first = try await migrator.migrate(using: client)
            #expect(first.applied == migrations.map(\.name))
            let second = try await migrator.migrate(using: client)
            #expect(second.applied.isEmpty)
            #expect(second.alreadyApplied == migrations.map(\.name))
            #expect(try await migrator.status(using: client).pending.isEmpty)
            let count = try await client.query("SELECT count(*) FROM huqi_schema_migrations")[0].decode(Int.self, at: 0)
            #expect(count == migrations.count)
        }
    }

    @Test("a database that is not UTF8, or whose LC_CTYPE does not know Chinese letters, is refused before anything runs",
          arguments: [("SQL_ASCII", "C", "database.encoding"), ("UTF8", "C", "database.ctype"), ("UTF8", "C.UTF-8", nil)])
    func databaseRequirements(encoding: String, ctype: String, refusal: String?) async throws {
        let name = "huqi_enc_" + UUID().uuidString.prefix(8).lowercased()
        let admin = PostgresClient(configuration: .init(connectionString: try TestDatabase.adminConnectionString),
                                   options: .init(maximumConnections: 1), logger: TestDatabase.logger)
        try await admin.query("""
            CREATE DATABASE \(unescaped: name) ENCODING '\(unescaped: encoding)' LC_COLLATE 'C' LC_CTYPE '\(unescaped: ctype)' TEMPLATE template0
            """)
        await admin.shutdown()
        let client = PostgresClient(configuration: .init(connectionString: try TestDatabase.connectionString(database: name)),
                                    logger: TestDatabase.logger)
        do {
            let migrator = Migrator(migrations: migrations, logger: TestDatabase.logger)
            if let refusal {
                let error = await #expect(throws: MigrationError.self) { try await migrator.migrate(using: client) }
                #expect(error?.code == refusal)
                #expect(error?.message.contains("CREATE DATABASE \(name)_utf8 ENCODING 'UTF8'") == true, "\(error?.message ?? "")")
                #expect(try await client.query("SELECT to_regclass('huqi_schema_migrations') IS NULL")[0].decode(Bool.self, at: 0))
            } else {
                #expect(try await migrator.migrate(using: client).applied.count == migrations.count)
            }
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
    }

    @Test("a migration file changed after it was applied is detected and nothing runs")
    func checksumMismatch() async throws {
        try await TestDatabase.withClient(migrated: false) { client in
            try await Migrator(migrations: migrations, logger: TestDatabase.logger).migrate(using: client)
            var edited = migrations
            edited[0] = Migration(version: edited[0].version, name: edited[0].name, sql: edited[0].sql + "\n-- edited\n")
            edited.append(Migration(version: 9999, name: "9999_later", sql: "CREATE TABLE later (n int)"))
            let error = try await #require(throws: MigrationError.self) {
                try await Migrator(migrations: edited, logger: TestDatabase.logger).migrate(using: client)
            }
            #expect(error.code == "migration.checksum_mismatch")
            #expect(error.message.contains("0001_foundation"))
            let later = try await client.query("SELECT to_regclass('later') IS NULL")[0].decode(Bool.self, at: 0)
            #expect(later, "no migration may run after a checksum mismatch")
        }
    }

    @Test("a failing migration is rolled back whole and not recorded")
    func failingMigrationRollsBack() async throws {
        try await TestDatabase.withClient(migrated: false) { client in
            let broken = migrations + [Migration(version: 9998, name: "9998_broken", sql: "CREATE TABLE half (n int); SELECT 1/0;")]
            let error = try await #require(throws: MigrationError.self) {
                try await Migrator(migrations: broken, logger: TestDatabase.logger).migrate(using: client)
            }
            #expect(error.code == "migration.failed")
            #expect(try await client.query("SELECT to_regclass('half') IS NULL")[0].decode(Bool.self, at: 0))
            let recorded = try await client.query("SELECT count(*) FROM huqi_schema_migrations WHERE version = 9998")
            #expect(try recorded[0].decode(Int.self, at: 0) == 0)
        }
    }

    @Test("two runners started at once apply each migration exactly once")
    func concurrentRunners() async throws {
        let database = try await TestDatabase.create(migrated: false)
        let url = try TestDatabase.connectionString(database: database)
        let clients = (0..<2).map { _ in PostgresClient(configuration: .init(connectionString: url), logger: TestDatabase.logger) }
        let reports = try await withThrowingTaskGroup(of: Migrator.Report.self) { group in
            for client in clients {
                group.addTask { try await Migrator(migrations: migrations, logger: TestDatabase.logger).migrate(using: client) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(reports.map(\.applied.count).sorted() == [0, migrations.count])
        let rows = try await clients[0].query("SELECT count(*), count(DISTINCT version) FROM huqi_schema_migrations")[0]
        #expect(try rows.decode(Int.self, at: 0) == migrations.count)
        #expect(try rows.decode(Int.self, at: 1) == migrations.count)
        for client in clients { await client.shutdown() }
    }

    @Test("file names that are not NNNN_name.sql and duplicate numbers are refused")
    func badFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("huqi-mig-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "SELECT 1".write(to: folder.appendingPathComponent("0001_ok.sql"), atomically: true, encoding: .utf8)
        try "notes".write(to: folder.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        #expect(try Migration.load(from: folder).map(\.name) == ["0001_ok"])
        try "SELECT 1".write(to: folder.appendingPathComponent("0001_again.sql"), atomically: true, encoding: .utf8)
        #expect(throws: MigrationError.self) { try Migration.load(from: folder) }
        try FileManager.default.removeItem(at: folder.appendingPathComponent("0001_again.sql"))
        try "SELECT 1".write(to: folder.appendingPathComponent("2-Add Cases.sql"), atomically: true, encoding: .utf8)
        let error = try #require(throws: MigrationError.self) { try Migration.load(from: folder) }
        #expect(error.code == "migration.bad_name")
    }
}
