import Foundation
import Postgres
import Testing
import TestSupport

/// huqi run as an application role (sql/0020, `huqi db grant`): everything an operator and the
/// intake do works, and what only the owner may do (change tables, unprotect the audit log) is
/// refused by PostgreSQL itself.
@Suite("application database role")
struct ApplicationRoleTests {
    let huqi = ChildProcess.huqiExecutable

    /// A new login role, cluster-wide, with a name no other test uses.
    func makeRole() async throws -> String {
        let role = "huqi_app_" + UUID().uuidString.prefix(8).lowercased()
        let admin = PostgresClient(configuration: .init(connectionString: try TestDatabase.adminConnectionString),
                                   options: .init(maximumConnections: 1), logger: TestDatabase.logger)
        try await admin.query("CREATE ROLE \(unescaped: role) LOGIN")
        await admin.shutdown()
        return role
    }

    /// Runs `body` with a client connected as in `connectionString`, shut down afterwards.
    func withClient(_ connectionString: String, _ body: (PostgresClient) async throws -> Void) async throws {
        let client = PostgresClient(configuration: .init(connectionString: connectionString), logger: TestDatabase.logger)
        do {
            try await body(client)
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
    }

    /// Imports `rows` valid rows as partner LNFIC with `environment`, from a file written for it.
    func importRows(_ rows: Int, _ environment: [String: String?]) async throws -> (status: Int32, stdout: String, stderr: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("huqi-role-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("batch.csv")
        try Data(BatchSamples.csv(BatchSamples.validRows(rows))).write(to: file)
        return try await ChildProcess.run([huqi, "import", file.path, "--partner", "LNFIC"], environment: environment)
    }

    /// The error PostgreSQL gives `sql` run as `client`'s role, or nil when it succeeds.
    func refusal(_ sql: String, _ client: PostgresClient) async -> String? {
        do {
            try await client.withConnection { try await $0.execute(script: sql) }
            return nil
        } catch let error as PostgresError {
            return (error.sqlState ?? "") + " " + (error.message ?? "")
        } catch {
            return "\(error)"
        }
    }

    @Test("granted by the owner, a role imports a large batch, verifies the audit log and migrates nothing; it cannot unprotect or change a table")
    func grantedRole() async throws {
        let owner = try TestDatabase.connectionString(database: try await TestDatabase.create())
        let role = try await makeRole()
        let granted = try await ChildProcess.run([huqi, "db", "grant", role], environment: ["HUQI_DATABASE_URL": owner])
        #expect(granted.status == 0, "\(granted.stderr)")
        #expect(granted.stdout.contains("已授权数据库账号 \(role)"), "\(granted.stdout)")

        let app: [String: String?] = ["HUQI_DATABASE_URL": owner + " user=\(role)"]
        let migrate = try await ChildProcess.run([huqi, "migrate"], environment: app)
        #expect(migrate.status == 0 && migrate.stdout.contains("数据库已是最新"), "\(migrate.stderr)")
        #expect(try await ChildProcess.run([huqi, "partner", "add", "LNFIC", "--name", "辽宁省工商业联合会"], environment: app).status == 0)
        // 10 000 rows: a large batch, whose statistics refresh only the owner could run before 0020.
        let imported = try await importRows(10_000, app)
        #expect(imported.status == 0 && imported.stdout.contains("新增 10000"), "\(imported.stdout) \(imported.stderr)")
        let verified = try await ChildProcess.run([huqi, "audit", "verify"], environment: app)
        #expect(verified.status == 0 && verified.stdout.contains("intact"), "\(verified.stdout) \(verified.stderr)")

        try await withClient(owner + " user=\(role)") { client in
            let counted = try await client.query("SELECT reltuples FROM pg_class WHERE relname = 'cases'")[0].decode(Double.self, at: 0)
            #expect(counted >= 10_000, "the batch refreshed the statistics of cases through the owner's function")
            #expect(await refusal("DELETE FROM audit_events", client)?.contains("permission denied for table audit_events") == true)
            #expect(await refusal("UPDATE case_events SET note = 'x'", client)?.contains("permission denied for table case_events") == true)
            #expect(await refusal("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update", client)?.contains("must be owner") == true)
            #expect(await refusal("TRUNCATE cases", client)?.contains("permission denied for table cases") == true)
            #expect(await refusal("CREATE TABLE mine (x int)", client)?.contains("permission denied for schema public") == true)
            #expect(await refusal("INSERT INTO stage_transitions SELECT * FROM stage_transitions LIMIT 1", client)?.contains("permission denied") == true)
            #expect(await refusal("SELECT huqi_grant_app_role(current_user)", client)?.contains("permission denied for function") == true)
            #expect(await refusal("SELECT huqi_refresh_intake_statistics('users')", client)?.hasPrefix("22023") == true)
            #expect(await refusal("UPDATE cases SET remarks = '改' WHERE id = (SELECT min(id) FROM cases)", client) == nil)
            #expect(await refusal("UPDATE cases SET unit_code = '210100' WHERE id = (SELECT min(id) FROM cases)", client) == nil,
                    "a move of a case is recorded by the trigger, as the application role")
            #expect(await refusal("UPDATE case_unit_moves SET moved_at = now()", client)?.contains("permission denied for table case_unit_moves") == true)
        }

        let unknown = try await ChildProcess.run([huqi, "db", "grant", "nobody_\(role)"], environment: ["HUQI_DATABASE_URL": owner])
        #expect(unknown.status == 1 && unknown.stderr.contains("数据库中没有账号"), "\(unknown.stderr)")
        let byApp = try await ChildProcess.run([huqi, "db", "grant", role], environment: app)
        #expect(byApp.status == 1 && byApp.stderr.contains("只有数据库属主账号"), "\(byApp.stderr)")
    }

    @Test("in a schema of its own (search_path in the connection string's options), huqi migrates, grants and imports there")
    func ownSchema() async throws {
        let url = try TestDatabase.connectionString(database: try await TestDatabase.create(migrated: false))
        try await withClient(url) { try await $0.query("CREATE SCHEMA huqi") }
        let owner = url + " options='-c search_path=huqi'"
        #expect(try await ChildProcess.run([huqi, "migrate"], environment: ["HUQI_DATABASE_URL": owner]).status == 0)
        let role = try await makeRole()
        let granted = try await ChildProcess.run([huqi, "db", "grant", role], environment: ["HUQI_DATABASE_URL": owner])
        #expect(granted.status == 0, "\(granted.stderr)")
        let app: [String: String?] = ["HUQI_DATABASE_URL": owner + " user=\(role)"]
        #expect(try await ChildProcess.run([huqi, "partner", "add", "LNFIC", "--name", "辽宁省工商业联合会"], environment: app).status == 0)
        let imported = try await importRows(3, app)
        #expect(imported.status == 0 && imported.stdout.contains("新增 3"), "\(imported.stdout) \(imported.stderr)")
        try await withClient(owner + " user=\(role)") { client in
            let placed = try await client.query("""
                SELECT (SELECT count(*) FROM pg_tables WHERE schemaname = 'huqi'), (SELECT count(*) FROM pg_tables WHERE schemaname = 'public')
                """)[0].decode((Int, Int).self)
            #expect(placed.0 > 20 && placed.1 == 0, "\(placed)")
            #expect(await refusal("SELECT huqi_refresh_intake_statistics('cases')", client) == nil, "the owner's function finds huqi.cases")
            #expect(try await client.query("SELECT reltuples FROM pg_class WHERE oid = 'huqi.cases'::regclass")[0].decode(Double.self, at: 0) == 3)
        }
    }

    @Test("a migration pending: the role is told to have the owner run it; the owner's run grants the role the new table")
    func pendingMigration() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("huqi-role-sql-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in try FileManager.default.contentsOfDirectory(atPath: TestDatabase.migrationsDirectory.path) where name.hasSuffix(".sql") {
            try FileManager.default.copyItem(at: TestDatabase.migrationsDirectory.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        let owner: [String: String?] = ["HUQI_DATABASE_URL": try TestDatabase.connectionString(database: try await TestDatabase.create(migrated: false)),
                                        "HUQI_SQL_DIR": folder.path]
        #expect(try await ChildProcess.run([huqi, "migrate"], environment: owner).status == 0)
        let role = try await makeRole()
        #expect(try await ChildProcess.run([huqi, "db", "grant", role], environment: owner).status == 0)

        try Data("CREATE TABLE later_things (id int PRIMARY KEY);\n".utf8).write(to: folder.appendingPathComponent("9001_later_things.sql"))
        var app = owner
        app["HUQI_DATABASE_URL"] = owner["HUQI_DATABASE_URL"]!! + " user=\(role)"
        let refused = try await ChildProcess.run([huqi, "migrate"], environment: app)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("9001_later_things.sql") && refused.stderr.contains("请用属主账号运行 huqi migrate"), "\(refused.stderr)")
        let applied = try await ChildProcess.run([huqi, "migrate"], environment: owner)
        #expect(applied.status == 0 && applied.stdout.contains("9001_later_things"), "\(applied.stdout) \(applied.stderr)")

        try await withClient(app["HUQI_DATABASE_URL"]!!) { client in
            #expect(await refusal("INSERT INTO later_things VALUES (1)", client) == nil, "the new table was granted to the remembered role")
        }
        #expect(try await ChildProcess.run([huqi, "migrate"], environment: app).status == 0)
    }
}
