import CLibPQ

// The PG_DIAG_* field codes are C character macros that Swift does not import.
private enum DiagnosticField {
    static let sqlState = Int32(UInt8(ascii: "C"))
    static let messagePrimary = Int32(UInt8(ascii: "M"))
    static let messageDetail = Int32(UInt8(ascii: "D"))
    static let messageHint = Int32(UInt8(ascii: "H"))
    static let constraintName = Int32(UInt8(ascii: "n"))
    static let tableName = Int32(UInt8(ascii: "t"))
    static let columnName = Int32(UInt8(ascii: "c"))
}

extension PostgresError {
    /// Builds an error from a failed `PGresult`, reading every diagnostic field.
    static func fromResult(_ result: OpaquePointer, connection: OpaquePointer?, query: String?) -> PostgresError {
        func field(_ code: Int32) -> String? {
            PQresultErrorField(result, code).map { String(cString: $0) }
        }
        let sqlState = field(DiagnosticField.sqlState)
        var message = field(DiagnosticField.messagePrimary)
        if message == nil, let text = PQresultErrorMessage(result) {
            let string = String(cString: text).trimmingTrailingNewlines()
            message = string.isEmpty ? nil : string
        }
        let code: Code
        if sqlState == SQLState.queryCanceled {
            code = .queryCancelled
        } else if sqlState == nil, let connection, PQstatus(connection) == CONNECTION_BAD {
            code = .connectionLost
        } else if sqlState == nil {
            code = .unexpectedResponse
        } else {
            code = .server
        }
        return PostgresError(
            code: code, sqlState: sqlState, message: message,
            detail: field(DiagnosticField.messageDetail), hint: field(DiagnosticField.messageHint),
            constraint: field(DiagnosticField.constraintName), table: field(DiagnosticField.tableName),
            column: field(DiagnosticField.columnName), query: query
        )
    }

    /// Builds an error from the connection's last error message (no result available).
    static func fromConnection(_ connection: OpaquePointer?, code: Code, query: String? = nil) -> PostgresError {
        let text = connection.flatMap { PQerrorMessage($0) }.map { String(cString: $0) } ?? ""
        var code = code
        if code != .connectionFailed, let connection, PQstatus(connection) == CONNECTION_BAD {
            code = .connectionLost
        }
        return PostgresError(code: code, message: text.trimmingTrailingNewlines(), query: query)
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var text = Substring(self)
        while let last = text.last, last.isNewline || last == " " { text = text.dropLast() }
        return String(text)
    }
}
