import CLibPQ

/// Owns a `PGresult` and frees it when the last row referring to it is gone.
final class PostgresResult: @unchecked Sendable {
    // @unchecked Sendable: a PGresult is never modified after PQexec returns it, and libpq
    // documents reading one from several threads as safe; PQclear runs once, in deinit.
    let pointer: OpaquePointer
    let rowCount: Int
    let columnNames: [String]
    let columnTypes: [PostgresDataType]

    init(_ pointer: OpaquePointer) {
        self.pointer = pointer
        rowCount = Int(PQntuples(pointer))
        let columns = Int(PQnfields(pointer))
        // A COPY result has field counts but no names; PQfname is then NULL.
        columnNames = (0..<columns).map { PQfname(pointer, Int32($0)).map { String(cString: $0) } ?? "" }
        columnTypes = (0..<columns).map { PostgresDataType(oid: UInt32(PQftype(pointer, Int32($0)))) }
    }

    deinit { PQclear(pointer) }

    func isNull(row: Int, column: Int) -> Bool {
        PQgetisnull(pointer, Int32(row), Int32(column)) == 1
    }

    func text(row: Int, column: Int) -> String {
        let length = Int(PQgetlength(pointer, Int32(row), Int32(column)))
        let bytes = PQgetvalue(pointer, Int32(row), Int32(column))!
        return bytes.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
    }
}

/// The rows a statement returned, plus the command's affected-row count.
public struct PostgresRows: Sendable, RandomAccessCollection {
    let result: PostgresResult
    /// Rows inserted, updated, deleted or copied, as the server reported (`PQcmdTuples`).
    public let affectedRows: Int

    init(result: PostgresResult) {
        self.result = result
        affectedRows = Int(String(cString: PQcmdTuples(result.pointer))) ?? 0
    }

    /// The column names in order.
    public var columns: [String] { result.columnNames }

    public var startIndex: Int { 0 }
    public var endIndex: Int { result.rowCount }

    public subscript(position: Int) -> PostgresRow {
        PostgresRow(result: result, index: position)
    }
}

/// One row of a result; decode its columns by position or name.
public struct PostgresRow: Sendable {
    let result: PostgresResult
    let index: Int

    /// Decodes the value in column `column` (0-based). Throws `PostgresError` with code
    /// `decoding` on a type mismatch, invalid value or unexpected NULL.
    public func decode<Value: PostgresDecodable>(_ type: Value.Type = Value.self, at column: Int) throws -> Value {
        guard column >= 0, column < result.columnNames.count else {
            throw PostgresError(code: .decoding, message: "column \(column) does not exist (row has \(result.columnNames.count))")
        }
        do {
            if result.isNull(row: index, column: column) { return try Value.decodeNull() }
            return try Value.decode(result.text(row: index, column: column), type: result.columnTypes[column])
        } catch let failure as PostgresDecodingFailure {
            throw PostgresError(
                code: .decoding,
                message: "cannot decode \(Value.self) from column \(result.columnNames[column]) "
                    + "(\(result.columnTypes[column])): \(failure)",
                column: result.columnNames[column]
            )
        }
    }

    /// Decodes the value in the column named `name`.
    public func decode<Value: PostgresDecodable>(_ type: Value.Type = Value.self, _ name: String) throws -> Value {
        guard let column = result.columnNames.firstIndex(of: name) else {
            throw PostgresError(code: .decoding, message: "no column named \(name)", column: name)
        }
        return try decode(type, at: column)
    }

    /// Decodes the first columns as a tuple: `let (id, name) = try row.decode((Int, String).self)`.
    public func decode<each Value: PostgresDecodable>(_ types: (repeat each Value).Type) throws -> (repeat each Value) {
        var column = 0
        func next<T: PostgresDecodable>(_ type: T.Type) throws -> T {
            defer { column += 1 }
            return try decode(type, at: column)
        }
        return (repeat try next((each Value).self))
    }

    /// True when the column is SQL NULL.
    public func isNull(at column: Int) -> Bool { result.isNull(row: index, column: column) }
}
