import Foundation
import Postgres
import Store
import Testing
import TestSupport

/// A batch is applied atomically: killing `huqi import` at any moment leaves the whole batch or
/// nothing, and retrying with the same Idempotency-Key stores it exactly once.
@Suite("huqi import killed mid-way")
struct ImportCrashTests {
    let huqi = ChildProcess.huqiExecutable

    /// A fresh database with the fixture's partners, a pool on it, and a CSV of `rows` valid rows
    /// in a temporary file (the caller removes it).
    func world(rows: Int, prefix: String) async throws -> (url: String, client: PostgresClient, file: URL) {
        let url = try TestDatabase.connectionString(database: try await TestDatabase.create())
        let client = PostgresClient(configuration: .init(connectionString: url), logger: TestDatabase.logger)
        _ = try await IdentityFixture.make(client: client)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("huqi-crash-\(UUID().uuidString).csv")
        try Data(BatchSamples.csv(BatchSamples.validRows(rows, prefix: prefix))).write(to: file)
        return (url, client, file)
    }

    @Test("SIGKILL at random moments of the database phase never leaves a partial batch; the retry stores it once",
          arguments: [0.0, 0.4, 1.2])
    func killAndRetry(afterSeconds delay: Double) async throws {
        let rowCount = 10_000
        let (url, client, file) = try await world(rows: rowCount, prefix: "K")
        defer { try? FileManager.default.removeItem(at: file) }
        let arguments = [huqi, "import", file.path, "--partner", "LNFIC", "--idempotency-key", "crash-test"]

        let child = try ChildProcess(arguments, environment: ["HUQI_DATABASE_URL": url])
        try await child.waitForError(containing: "写入数据库", timeout: .seconds(120))
        try await Task.sleep(for: .seconds(delay))
        child.signal(SIGKILL)
        _ = try await child.wait()

        func state() async throws -> (batches: Int, cases: Int, rows: Int) {
            let row = try await client.query("""
                SELECT (SELECT count(*) FROM batches), (SELECT count(*) FROM cases), (SELECT count(*) FROM batch_rows)
                """)[0]
            return try row.decode((Int, Int, Int).self)
        }
        let afterKill = try await state()
        #expect(afterKill == (0, 0, 0) || afterKill == (1, rowCount, rowCount), "partial batch after kill at \(delay)s: \(afterKill)")

        var retry = try await ChildProcess.run(arguments, environment: ["HUQI_DATABASE_URL": url])
        var attempts = 1
        while retry.status == 1 && retry.stderr.contains("正在处理中") && attempts < 40 {  // the killed session may still hold its lock briefly
            try await Task.sleep(for: .milliseconds(250))
            retry = try await ChildProcess.run(arguments, environment: ["HUQI_DATABASE_URL": url])
            attempts += 1
        }
        #expect(retry.status == 0, "\(retry.stderr)")
        let afterRetry = try await state()
        #expect(afterRetry == (1, rowCount, rowCount))
        let again = try await ChildProcess.run(arguments, environment: ["HUQI_DATABASE_URL": url])
        #expect(again.stdout.contains("已导入过"))
        #expect(try await state() == (1, rowCount, rowCount))
        await client.shutdown()
    }

    @Test("a killed import's database session ends within seconds, even while it waits for a lock")
    func killedImportLeavesTheDatabase() async throws {
        let (url, client, file) = try await world(rows: PlannerStatistics.largeBatch, prefix: "G")
        defer { try? FileManager.default.removeItem(at: file) }

        // A session holding the lock a vacuum takes: a batch this large waits for it once its
        // rows are staged, and would wait for as long as the lock is held.
        let holder = try await PostgresConnection.connect(configuration: client.configuration, logger: TestDatabase.logger)
        try await holder.query("BEGIN")
        try await holder.query("LOCK TABLE cases IN SHARE UPDATE EXCLUSIVE MODE")
        let child = try ChildProcess([huqi, "import", file.path, "--partner", "LNFIC"], environment: ["HUQI_DATABASE_URL": url])
        var waiting: [Int32] = []
        try await eventually("the import waits for the lock on cases", seconds: 120) {
            waiting = try await client.query("""
                SELECT a.pid FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid
                WHERE a.datname = current_database() AND l.relation = 'cases'::regclass AND NOT l.granted
                """).map { try $0.decode(Int32.self, at: 0) }
            return !waiting.isEmpty
        }
        child.signal(SIGKILL)
        _ = try await child.wait()

        // The server notices the closed connection at its next check (every second), not at the
        // end of a wait or statement that may take minutes.
        try await eventually("the killed import's session is gone while the lock is still held", seconds: 10) {
            try await client.query("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(\(waiting))")[0].decode(Int.self, at: 0) == 0
        }
        try await holder.query("COMMIT")
        await holder.close()
        let stored = try await client.query("SELECT (SELECT count(*) FROM batches) + (SELECT count(*) FROM cases)")[0].decode(Int.self, at: 0)
        #expect(stored == 0, "nothing of the killed batch is kept")
        await client.shutdown()
    }
}
