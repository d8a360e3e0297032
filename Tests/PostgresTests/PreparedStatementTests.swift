import Postgres
import Testing
import TestSupport

/// Statements are prepared once per connection and reused with new binds; a table that changes
/// shape under a prepared `SELECT *` costs one error, then the statement is prepared afresh.
@Suite("prepared statements")
struct PreparedStatementTests {
    @Test("one SQL text run many times with different values is prepared once on the connection")
    func preparedOnce() async throws {
        try await TestDatabase.withClient(migrated: false) { client in
            try await client.withConnection { connection in
                var sums: [Int] = []
                for value in 1...10 {
                    sums.append(try await connection.query("SELECT \(value)::int + 1")[0].decode(Int.self, at: 0))
                }
                #expect(sums == Array(2...11))
                let rows = try await connection.query("SELECT count(*) FROM pg_prepared_statements WHERE statement = 'SELECT $1::int + 1'")
                #expect(try rows[0].decode(Int.self, at: 0) == 1)
            }
        }
    }

    @Test("a table that changes shape under a prepared SELECT * fails once, then works again")
    func shapeChange() async throws {
        try await TestDatabase.withClient(migrated: false) { client in
            try await client.withConnection { connection in
                try await connection.query("CREATE TABLE shapes (a int)")
                try await connection.query("INSERT INTO shapes VALUES (\(1))")
                #expect(try await connection.query("SELECT * FROM shapes").columns == ["a"])
                try await connection.query("ALTER TABLE shapes ADD COLUMN b text")
                let error = await #expect(throws: PostgresError.self) { try await connection.query("SELECT * FROM shapes") }
                #expect(error?.sqlState == "0A000")
                #expect(try await connection.query("SELECT * FROM shapes").columns == ["a", "b"])
            }
        }
    }

    @Test("a short statement may go generic after five runs; inside planEveryExecution statements go unprepared, until the transaction ends")
    func planning() async throws {
        try await TestDatabase.withClient(migrated: false) { client in
            try await client.withConnection { connection in
                try await connection.query("CREATE TABLE keyed (k int PRIMARY KEY, v text)")
                try await connection.query("INSERT INTO keyed SELECT g, 'v' || g FROM generate_series(1, 1000) g")
                try await connection.query("ANALYZE keyed")
                for key in 1...10 { _ = try await connection.query("SELECT v FROM keyed WHERE k = \(key)") }
                let values = try await connection.withTransaction { connection in
                    await connection.planEveryExecution()
                    var values: [String] = []
                    for key in 1...10 { values.append(try await connection.query("SELECT v, k FROM keyed WHERE k = \(key)")[0].decode(String.self, at: 0)) }
                    return values
                }
                #expect(values == (1...10).map { "v\($0)" })
                _ = try await connection.query("SELECT k, v FROM keyed WHERE k = \(1)")  // after the transaction: prepared again
                let plans = try await connection.query("""
                    SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements
                    WHERE statement LIKE '%FROM keyed WHERE k = $1' ORDER BY statement
                    """).map { try $0.decode((String, Int, Int).self) }
                #expect(plans.map(\.0) == ["SELECT k, v FROM keyed WHERE k = $1", "SELECT v FROM keyed WHERE k = $1"],
                        "the statements inside planEveryExecution were not prepared")
                #expect(plans.first { $0.0.hasPrefix("SELECT v FROM") }.map { $0.1 > 0 } == true, "the key lookup went generic: \(plans)")
                #expect(try await connection.query("SHOW plan_cache_mode")[0].decode(String.self, at: 0) == "auto",
                        "foreign-key checks and triggers keep their cached plans")
            }
        }
    }
}
