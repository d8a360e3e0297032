import EmbeddedPostgres
import Foundation
import Postgres
import Testing
import TestSupport

@Suite("connection pool")
struct PoolTests {
    /// A pool of one connection on a fresh database, with the given lease timeout (shut it down).
    static func singleConnectionPool(leaseTimeout: Duration) async throws -> PostgresClient {
        let database = try await TestDatabase.create(migrated: false)
        return PostgresClient(configuration: .init(connectionString: try TestDatabase.connectionString(database: database)),
                              options: .init(maximumConnections: 1, leaseTimeout: leaseTimeout), logger: TestDatabase.logger)
    }

    @Test("callers beyond the pool size wait their turn and all finish")
    func waitersQueue() async throws {
        try await TestDatabase.withClient(migrated: false, maximumConnections: 2) { client in
            let results = try await withThrowingTaskGroup(of: Int.self) { group in
                for n in 0..<10 {
                    group.addTask { try await client.query("SELECT \(n)::int4 FROM pg_sleep(0.05)")[0].decode(Int.self, at: 0) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.sorted() == Array(0..<10))
            let stats = await client.statistics
            #expect(stats.open <= 2)
            #expect(stats.waiting == 0)
        }
    }

    @Test("a connection returned inside a transaction is closed, not reused")
    func openTransactionIsDiscarded() async throws {
        try await TestDatabase.withClient(migrated: false, maximumConnections: 1) { client in
            let leaked = try await client.withConnection { connection in
                try await connection.query("BEGIN")
                return try await connection.query("SELECT pg_backend_pid()")[0].decode(Int.self, at: 0)
            }
            let next = try await client.withConnection { connection in
                #expect(await connection.isInTransaction == false)
                return try await connection.query("SELECT pg_backend_pid()")[0].decode(Int.self, at: 0)
            }
            #expect(next != leaked)
        }
    }

    @Test("a caller that cannot get a connection in time gets pool_timeout")
    func leaseTimeout() async throws {
        let client = try await Self.singleConnectionPool(leaseTimeout: .milliseconds(300))
        let holder = Task { try await client.query("SELECT pg_sleep(2)") }
        try await Task.sleep(for: .milliseconds(200))
        let error = try await #require(throws: PostgresError.self) { try await client.query("SELECT 1") }
        #expect(error.code == .poolTimeout)
        _ = try await holder.value
        #expect(try await client.query("SELECT 1")[0].decode(Int.self, at: 0) == 1)
        await client.shutdown()
    }

    @Test("waiters time out at their deadlines; one served before its deadline is not failed later")
    func waitersTimeOutInOrder() async throws {
        let client = try await Self.singleConnectionPool(leaseTimeout: .milliseconds(1_500))
        // The one connection is busy for 0.3 s: the first waiter (queued at once) gets it well
        // within its 1.5 s and keeps it 8 s; the two queued after it have none before their
        // deadlines. Beside the other suites on two cores a timer can be seconds late (5.07 s
        // seen), so "at their deadline, not when served" is checked against the moment the held
        // connection came back (over a second after they failed), not against the clock.
        let holder = Task { try await client.query("SELECT pg_sleep(0.3)") }
        try await Task.sleep(for: .milliseconds(50))
        let served = Task { () async throws -> (Int, ContinuousClock.Instant) in
            let value = try await client.query("SELECT 1, pg_sleep(8)")[0].decode(Int.self, at: 0)
            return (value, ContinuousClock().now)
        }
        try await Task.sleep(for: .milliseconds(350))
        let clock = ContinuousClock()
        let started = clock.now
        let late = (0..<2).map { _ in Task { try await client.query("SELECT 2") } }
        for task in late {
            let error = try await #require(throws: PostgresError.self) { try await task.value }
            #expect(error.code == .poolTimeout)
        }
        let failedAt = clock.now
        #expect(failedAt - started >= .milliseconds(1_400), "not before their deadline: \(failedAt - started)")
        _ = try await holder.value
        let (value, servedAt) = try await served.value
        #expect(value == 1, "the first waiter was served, and not failed when its deadline passed")
        #expect(servedAt - failedAt > .seconds(1), "failed at their deadline, well before the connection came back: \(failedAt - started)")
        #expect(await client.statistics.waiting == 0)
        await client.shutdown()
    }

    @Test("after a shutdown the pool refuses work with pool_closed")
    func closedPool() async throws {
        try await TestDatabase.withClient(migrated: false) { client in
            try await client.query("SELECT 1")
            await client.shutdown()
            let error = try await #require(throws: PostgresError.self) { try await client.query("SELECT 1") }
            #expect(error.code == .poolClosed)
        }
    }

    @Test("the pool reconnects transparently after the server restarts")
    func survivesServerRestart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("huqi-restart-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        let tools = try await PostgresTools.locate()
        let cluster = EmbeddedCluster(directory: directory, port: 5499, ephemeral: true, tools: tools, logger: TestDatabase.logger)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await cluster.start()
        let client = PostgresClient(configuration: .init(connectionString: cluster.connectionString()),
                                    options: .init(maximumConnections: 2), logger: TestDatabase.logger)
        do {
            try await client.query("CREATE TABLE kept (n int)")
            try await client.query("INSERT INTO kept VALUES (7)")
            let pidBefore = try await client.query("SELECT pg_backend_pid()")[0].decode(Int.self, at: 0)

            try await cluster.stop()
            let outage = try await #require(throws: PostgresError.self) { try await client.query("SELECT 1") }
            #expect(outage.isConnectionError)
            try await cluster.start()

            let row = try await client.query("SELECT pg_backend_pid(), (SELECT n FROM kept)")[0]
            #expect(try row.decode(Int.self, at: 0) != pidBefore)
            #expect(try row.decode(Int.self, at: 1) == 7)
        } catch {
            await client.shutdown()
            try? await cluster.stop()
            throw error
        }
        await client.shutdown()
        try await cluster.stop()
    }
}
