import Foundation
import Postgres
import Testing
import TestSupport

@Suite("cancellation")
struct CancellationTests {
    @Test("cancelling the task cancels pg_sleep(30) quickly with SQLSTATE 57014 and the connection is reused")
    func cancelRunningStatement() async throws {
        try await TestDatabase.withClient(migrated: false, maximumConnections: 1) { client in
            let pidBefore = try await client.query("SELECT pg_backend_pid()")[0].decode(Int.self, at: 0)
            let clock = ContinuousClock()
            let start = clock.now
            let sleeper = Task { try await client.query("SELECT pg_sleep(30)") }
            try await Task.sleep(for: .milliseconds(300))
            sleeper.cancel()
            let result = await sleeper.result
            #expect(clock.now - start < .seconds(5))
            guard case .failure(let failure) = result, let error = failure as? PostgresError else {
                Issue.record("expected a PostgresError, got \(result)")
                return
            }
            #expect(error.sqlState == PostgresError.SQLState.queryCanceled)
            #expect(error.code == .queryCancelled)
            let pidAfter = try await client.query("SELECT pg_backend_pid()")[0].decode(Int.self, at: 0)
            #expect(pidAfter == pidBefore, "the same connection should serve the next query")
        }
    }

    @Test("a task cancelled before its statement starts does not run it")
    func cancelledBeforeStart() async throws {
        try await TestDatabase.withClient(migrated: false) { client in
            try await client.query("CREATE TABLE t (n int)")
            let task = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return try await client.query("INSERT INTO t VALUES (1)")
            }
            await #expect(throws: (any Error).self) { try await task.value }
            #expect(try await client.query("SELECT count(*) FROM t")[0].decode(Int.self, at: 0) == 0)
        }
    }
}
