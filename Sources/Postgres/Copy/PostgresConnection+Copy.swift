import CLibPQ

extension PostgresConnection {
    /// Streams rows into `COPY … FROM STDIN`.
    ///
    /// `body` writes through the writer; returning normally ends the COPY and returns the
    /// number of rows the server stored. A thrown error aborts the COPY with
    /// `PQputCopyEnd(reason)` so the server stores nothing, and is rethrown.
    /// ```swift
    /// try await connection.copyFrom("COPY staging (a, b) FROM STDIN") { writer in
    ///     for row in rows { try await writer.writeRow([row.a, row.b]) }
    /// }
    /// ```
    public func copyFrom(
        _ statement: PostgresQuery,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresCopyWriter) async throws -> Void
    ) async throws -> Int {
        precondition(statement.binds.isEmpty, "COPY takes no parameters")
        try await beginCopy(statement.sql)
        let writer = PostgresCopyWriter(connection: self)
        do {
            try await body(writer)
            try await writer.flush()
        } catch {
            await abortCopy(reason: "aborted by client: \(type(of: error))")
            throw error
        }
        return try await finishCopy(statement.sql)
    }

    func beginCopy(_ sql: String) throws {
        let handle = try usableHandle()
        _ = try consume(PQexec(handle, sql), query: sql, expecting: PGRES_COPY_IN)
    }

    /// Sends one chunk of COPY data (`PQputCopyData` takes a byte count).
    func putCopyData(_ bytes: [UInt8]) throws {
        let handle = try usableHandle()
        let status = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                PQputCopyData(handle, $0, Int32(buffer.count))
            }
        }
        guard status == 1 else { throw PostgresError.fromConnection(handle, code: .copyFailed) }
    }

    func finishCopy(_ sql: String) throws -> Int {
        let handle = try usableHandle()
        guard PQputCopyEnd(handle, nil) == 1 else { throw PostgresError.fromConnection(handle, code: .copyFailed) }
        return try drainCopyResults(handle, sql: sql)
    }

    func abortCopy(reason: String) {
        guard let handle = try? usableHandle() else { return }
        _ = PQputCopyEnd(handle, reason)
        _ = try? drainCopyResults(handle, sql: "COPY (aborted)")
    }

    /// Reads results until libpq says none are left; the first error wins.
    private func drainCopyResults(_ handle: OpaquePointer, sql: String) throws -> Int {
        var firstError: PostgresError?
        var rows = 0
        while let result = PQgetResult(handle) {
            do {
                rows = try consume(result, query: sql).affectedRows
            } catch let error as PostgresError {
                firstError = firstError ?? error
            }
        }
        if let firstError { throw firstError }
        return rows
    }
}
