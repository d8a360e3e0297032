import Postgres

/// Work that is long by design and bounded by its input — a batch of up to a million rows in
/// one transaction, the first fill of the weekly increment cache — exempt from a
/// `statement_timeout` that the operator set for the role or in `HUQI_DATABASE_URL`.
///
/// Such a timeout is a sensible guard for the rest of the gateway (a page's query that runs
/// away), but it would make a large batch impossible to import at all (every try rolled back
/// after the same time) and the weekly summary fail for good once its cache has many weeks to
/// fill. The lift is `SET LOCAL`: it never outlives the transaction. Lock and idle timeouts stay.
enum LongStatements {
    /// Lifts `statement_timeout` for the rest of the current transaction.
    static func liftTimeout(on connection: PostgresConnection) async throws {
        try await connection.query("SET LOCAL statement_timeout = 0")
    }

    /// Runs `body` with `statement_timeout` lifted, then gives the transaction the session's value back.
    static func withoutTimeout<Result: Sendable>(on connection: PostgresConnection,
                                                 _ body: () async throws -> Result) async throws -> Result {
        let previous = try await connection.query("SELECT current_setting('statement_timeout')")[0].decode(String.self, at: 0)
        try await liftTimeout(on: connection)
        let result = try await body()
        try await connection.query("SELECT set_config('statement_timeout', \(previous), true)")
        return result
    }
}
