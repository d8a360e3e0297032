import CLibPQ

extension PostgresConnection {
    /// Runs one statement with its parameters bound as `$n` (text format) and returns its rows.
    ///
    /// Cancelling the calling task cancels the statement on the server (SQLSTATE 57014);
    /// the connection stays usable.
    @discardableResult
    public nonisolated func query(_ query: PostgresQuery) async throws -> PostgresRows {
        try await cancellable { connection in try connection.execute(query) }
    }

    /// Runs SQL text that may hold several statements (no parameters), e.g. a migration file.
    @discardableResult
    public nonisolated func execute(script sql: String) async throws -> PostgresRows {
        try await cancellable { connection in
            let handle = try connection.usableHandle()
            return try connection.consume(PQexec(handle, sql), query: sql)
        }
    }

    /// Runs a statement without a cancellation hook; used for cleanup (ROLLBACK) that must
    /// happen even in a cancelled task.
    func execute(_ query: PostgresQuery) throws -> PostgresRows {
        let handle = try usableHandle()
        let sql = query.sql
        let binds = query.binds
        // libpq takes parameters as C strings: a NUL would end the value early, silently.
        if let index = binds.firstIndex(where: { $0?.utf8.contains(0) == true }) {
            throw PostgresError(code: .nulInParameter, message: "parameter $\(index + 1) contains a NUL character", query: sql)
        }
        if unpreparedInTransaction, PQtransactionStatus(handle) == PQTRANS_IDLE { unpreparedInTransaction = false }
        let result: OpaquePointer?
        if unpreparedInTransaction {
            // Unnamed: parsed and planned for these values, nothing cached (`planEveryExecution`).
            result = withCStringArray(binds) { values in
                PQexecParams(handle, sql, Int32(binds.count), nil, binds.isEmpty ? nil : values, nil, nil, 0)
            }
        } else {
            let name = try preparedName(of: sql, parameters: binds.count, handle: handle)
            result = withCStringArray(binds) { values in
                PQexecPrepared(handle, name, Int32(binds.count), binds.isEmpty ? nil : values, nil, nil, 0)
            }
        }
        do {
            return try consume(result, query: sql)
        } catch let error as PostgresError where error.sqlState == "0A000" {
            // "cached plan must not change result type": a table under `SELECT *` changed shape
            // since this connection prepared the statement. Prepare it afresh next time.
            prepared.forget(sql)
            throw error
        }
    }

    /// The name `sql` is prepared under on this connection, preparing it first if needed.
    private func preparedName(of sql: String, parameters: Int, handle: OpaquePointer) throws -> String {
        if let name = prepared.name(of: sql) { return name }
        if prepared.isFull {
            _ = try consume(PQexec(handle, "DEALLOCATE ALL"), query: "DEALLOCATE ALL")
            prepared.reset()
        }
        let name = prepared.nextName()
        _ = try consume(PQprepare(handle, name, sql, Int32(parameters), nil), query: sql)
        prepared.remember(sql, as: name)
        return name
    }

    /// The server's current transaction state is idle (not inside BEGIN … COMMIT).
    public var isInTransaction: Bool {
        guard let handle = try? usableHandle() else { return false }
        return PQtransactionStatus(handle) != PQTRANS_IDLE
    }

    func rollbackQuietly() {
        _ = try? execute("ROLLBACK")
    }
}

extension PostgresConnection {
    /// Sends the rest of the current transaction's statements unprepared: each is parsed and
    /// planned for its actual values, and nothing is cached. Ends with the transaction (outside
    /// one it has no effect).
    ///
    /// Prepared statements otherwise follow PostgreSQL's default: after five executions a
    /// statement may switch to a generic plan when its estimated cost is no worse. That suits
    /// the short statements of the working day (a claim, a case page), which then skip planning;
    /// it does not suit set-based statements over one batch or one week, whose row counts vary
    /// by orders of magnitude: call this first in such transactions (intake, weekly summary).
    ///
    /// (Not `SET LOCAL plan_cache_mode = force_custom_plan`: that also replans every foreign-key
    /// check and every statement of every PL/pgSQL trigger, once per row — it made a 20 000-row
    /// intake take 11.9 s instead of 8.2 s.)
    public func planEveryExecution() {
        unpreparedInTransaction = true
    }

    /// Runs `body` inside `BEGIN … COMMIT`; any thrown error rolls back and is rethrown.
    ///
    /// The rollback runs even when the task was cancelled.
    @discardableResult
    public func withTransaction<Result>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await query("BEGIN")
        let result: Result
        do {
            result = try await body(self)
        } catch {
            await rollbackQuietly()
            throw error
        }
        do {
            try await query("COMMIT")
        } catch {
            await rollbackQuietly()
            throw error
        }
        return result
    }
}
