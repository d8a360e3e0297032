import Foundation
import Testing
import TestSupport

/// Each failure an operator can run into gives one Chinese sentence and a non-zero exit:
/// never a stack trace, never a hang.
@Suite("operator failures")
struct OperatorFailureTests {
    let huqi = ChildProcess.huqiExecutable

    func expectOneCleanSentence(_ stderr: String, containing text: String) {
        let lines = stderr.split(separator: "\n").filter { $0.hasPrefix("huqi：") }
        #expect(lines.count == 1, "stderr: \(stderr)")
        #expect(lines.first?.contains(text) == true, "stderr: \(stderr)")
        #expect(!stderr.contains("Fatal error"))
        #expect(!stderr.contains("Stack dump"))
    }

    @Test("a wrong connection string says so and exits 1")
    func wrongConnectionString() async throws {
        let result = try await ChildProcess.run([huqi, "migrate"], environment: ["HUQI_DATABASE_URL": "host=/nonexistent/socket dbname=x"])
        #expect(result.status == 1)
        expectOneCleanSentence(result.stderr, containing: "无法连接数据库")
    }

    @Test("a malformed connection URL says so and exits 1")
    func malformedURL() async throws {
        let result = try await ChildProcess.run([huqi, "migrate"], environment: ["HUQI_DATABASE_URL": "postgresql://%zz@/"])
        #expect(result.status == 1)
        expectOneCleanSentence(result.stderr, containing: "无法连接数据库")
    }

    @Test("behind a pooler that drops the session settings, huqi refuses to run and says what to do")
    func poolerDroppingOptions() async throws {
        let database = try await TestDatabase.create(migrated: false)
        let pooler = try await PgBouncer.start(ignoringOptions: true)
        defer { pooler.stop() }
        for command in [["migrate"], ["serve"]] {
            let result = try await ChildProcess.run([huqi] + command, environment: [
                "HUQI_DATABASE_URL": pooler.connectionString(database: database), "HUQI_SQL_DIR": TestDatabase.migrationsDirectory.path,
            ])
            #expect(result.status == 1, "\(command)")
            expectOneCleanSentence(result.stderr, containing: "丢弃了 options 参数")
            #expect(result.stderr.contains("，应为 "), "names the setting: \(result.stderr)")
        }
        let tables = try await ChildProcess.run(["/usr/bin/psql", try TestDatabase.connectionString(database: database), "-Atc",
                                                 "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"])
        #expect(tables.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "nothing was written")
    }

    @Test("a hot standby is refused by migrate and serve with what to do; migrate --status still reads it")
    func standby() async throws {
        let pair = try await StandbyPair.start()
        do {
            let sql = TestDatabase.migrationsDirectory.path
            let created = try await ChildProcess.run(["/usr/bin/psql", pair.primary(database: "postgres"), "-qc", "CREATE DATABASE huqi"])
            #expect(created.status == 0, "\(created.stderr)")
            let migrated = try await ChildProcess.run([huqi, "migrate"], environment: ["HUQI_DATABASE_URL": pair.primary(database: "huqi"), "HUQI_SQL_DIR": sql])
            #expect(migrated.status == 0, "\(migrated.stderr)")
            try await pair.startStandby()
            for command in [["migrate"], ["serve"], ["queue", "list", "--as", "nobody"]] {
                let result = try await ChildProcess.run([huqi] + command, environment: [
                    "HUQI_DATABASE_URL": pair.standby(database: "huqi"), "HUQI_SQL_DIR": sql, "HUQI_PORT": String(freePort()),
                ])
                #expect(result.status == 1, "\(command)")
                expectOneCleanSentence(result.stderr, containing: "只读的备库")
                #expect(result.stderr.contains("target_session_attrs=read-write"), "\(result.stderr)")
            }
            let status = try await ChildProcess.run([huqi, "migrate", "--status"],
                                                    environment: ["HUQI_DATABASE_URL": pair.standby(database: "huqi"), "HUQI_SQL_DIR": sql])
            #expect(status.status == 0 && status.stdout.contains("待执行 0 个"), "\(status.stdout)\(status.stderr)")
        } catch {
            await pair.stop()
            throw error
        }
        await pair.stop()
    }

    @Test("a data directory made by another PostgreSQL major version names the version and the package to install")
    func clusterOfAnotherVersion() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("huqi-oldpg-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory + "/pgdata", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "9.6\n".write(toFile: directory + "/pgdata/PG_VERSION", atomically: true, encoding: .utf8)
        for command in [["db", "start"], ["serve"], ["migrate"]] {
            let result = try await ChildProcess.run([huqi] + command, environment: ["HUQI_DATA_DIR": directory, "HUQI_DATABASE_URL": nil, "DATABASE_URL": nil])
            #expect(result.status == 1, "\(command)")
            expectOneCleanSentence(result.stderr, containing: "由 PostgreSQL 9.6 创建，本机找到的是 PostgreSQL ")
            #expect(result.stderr.contains("apt-get install -y postgresql-9.6"), "\(result.stderr)")
        }
        #expect(FileManager.default.fileExists(atPath: directory + "/pgdata/PG_VERSION"), "the old cluster is left alone")
    }

    @Test("a missing initdb names the package to install")
    func missingInitdb() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("huqi-noinitdb-\(UUID().uuidString)").path
        let result = try await ChildProcess.run([huqi, "db", "start"], environment: [
            "HUQI_PG_BINDIR": "/nonexistent/bin", "HUQI_DATA_DIR": directory, "HUQI_DATABASE_URL": nil,
        ])
        #expect(result.status == 1)
        expectOneCleanSentence(result.stderr, containing: "apt-get install -y postgresql")
    }

    @Test("a data directory owned by another user is refused with what to do", .enabled(if: geteuid() == 0))
    func foreignDataDirectory() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("huqi-foreign-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory + "/pgdata", withIntermediateDirectories: true)
        #expect(chown(directory + "/pgdata", 65_534, 65_534) == 0)  // nobody
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try await ChildProcess.run([huqi, "db", "start"], environment: ["HUQI_DATA_DIR": directory])
        #expect(result.status == 1)
        expectOneCleanSentence(result.stderr, containing: "属于用户 nobody")
    }

    @Test("a port already in use says so and exits 1")
    func portInUse() async throws {
        let database = try await TestDatabase.create()
        let port = freePort()
        let blocker = try #require(boundSocket(port: port, listening: true))
        defer { close(blocker) }
        let result = try await ChildProcess.run([huqi, "serve"], environment: [
            "HUQI_DATABASE_URL": try TestDatabase.connectionString(database: database), "HUQI_PORT": String(port),
        ])
        #expect(result.status == 1)
        expectOneCleanSentence(result.stderr, containing: "端口已被占用")
    }

    @Test("an invalid HUQI_PORT is refused before anything starts")
    func invalidPort() async throws {
        let result = try await ChildProcess.run([huqi, "serve"], environment: ["HUQI_PORT": "eighty"])
        #expect(result.status == 1)
        expectOneCleanSentence(result.stderr, containing: "HUQI_PORT=eighty")
    }

    @Test("an invalid HUQI_IDLE_TIMEOUT is refused before anything starts")
    func invalidIdleTimeout() async throws {
        let result = try await ChildProcess.run([huqi, "serve"], environment: ["HUQI_IDLE_TIMEOUT": "0"])
        #expect(result.status == 1)
        expectOneCleanSentence(result.stderr, containing: "HUQI_IDLE_TIMEOUT=0")
    }

    @Test("an invalid HUQI_SESSION_RETENTION_DAYS is refused before anything starts")
    func invalidSessionRetention() async throws {
        let result = try await ChildProcess.run([huqi, "serve"], environment: ["HUQI_SESSION_RETENTION_DAYS": "forever"])
        #expect(result.status == 1)
        expectOneCleanSentence(result.stderr, containing: "HUQI_SESSION_RETENTION_DAYS=forever")
    }
}
