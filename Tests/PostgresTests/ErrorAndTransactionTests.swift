import Foundation
import Postgres
import Testing
import TestSupport

@Suite("errors and transactions")
struct ErrorAndTransactionTests {
    @Test("a unique violation surfaces SQLSTATE 23505 with the constraint, and a generic description")
    func uniqueViolation() async throws {
        try await TestDatabase.withClient(migrated: false) { client in
            try await client.query("CREATE TABLE partners (code text CONSTRAINT partners_code_key UNIQUE)")
            try await client.query("INSERT INTO partners VALUES (\("ACFIC-LN"))")
            let error = try await #require(throws: PostgresError.self) {
                try await client.query("INSERT INTO partners VALUES (\("ACFIC-LN"))")
            }
            #expect(error.code == .server)
            #expect(error.sqlState == PostgresError.SQLState.uniqueViolation)
            #expect(error.constraint == "partners_code_key")
            #expect(error.table == "partners")
            #expect(error.detail?.contains("ACFIC-LN") == true)
            // Safe to show or log: no values, no message text.
            #expect(!error.description.contains("ACFIC-LN"))
            #expect(error.description == "PostgresError(code: server, sqlState: 23505, constraint: partners_code_key)")
        }
    }

    @Test("a throw inside withTransaction rolls back every statement of it")
    func rollbackOnThrow() async throws {
        struct Boom: Error {}
        try await TestDatabase.withClient(migrated: false) { client in
            try await client.query("CREATE TABLE t (n int)")
            await #expect(throws: Boom.self) {
                try await client.withTransaction { connection in
                    try await connection.query("INSERT INTO t VALUES (1)")
                    try await connection.query("INSERT INTO t VALUES (2)")
                    throw Boom()
                }
            }
            #expect(try await client.query("SELECT count(*) FROM t")[0].decode(Int.self, at: 0) == 0)
            try await client.withTransaction { try await $0.query("INSERT INTO t VALUES (3)") }
            #expect(try await client.query("SELECT count(*) FROM t")[0].decode(Int.self, at: 0) == 1)
        }
    }

    @Test("a failed statement inside a transaction rolls the whole transaction back")
    func rollbackOnServerError() async throws {
        try await TestDatabase.withClient(migrated: false) { client in
            try await client.query("CREATE TABLE t (n int CHECK (n > 0))")
            let error = try await #require(throws: PostgresError.self) {
                try await client.withTransaction { connection in
                    try await connection.query("INSERT INTO t VALUES (1)")
                    try await connection.query("INSERT INTO t VALUES (-1)")
                }
            }
            #expect(error.sqlState == PostgresError.SQLState.checkViolation)
            #expect(try await client.query("SELECT count(*) FROM t")[0].decode(Int.self, at: 0) == 0)
        }
    }

    @Test("a wrong connection string fails with connection_failed, not a crash or a hang")
    func badConnection() async throws {
        let client = PostgresClient(
            configuration: .init(connectionString: "host=/nonexistent/socket/dir dbname=nope", connectTimeoutSeconds: 2),
            logger: TestDatabase.logger)
        let error = try await #require(throws: PostgresError.self) { try await client.query("SELECT 1") }
        #expect(error.code == .connectionFailed)
        #expect(error.isConnectionError)
        await client.shutdown()
    }
}
