/// An error from the database layer.
///
/// `code` says which kind of failure it is; server errors also carry the SQLSTATE and the
/// fields PostgreSQL sent. `description` is deliberately generic (no message text, no
/// values; only a failed connect's reason from libpq) so the error can be logged or shown
/// without leaking data; `debugDescription` has everything for developers.
public struct PostgresError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The kind of failure, an extensible set of stable identifiers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The stable identifier, e.g. `server` or `connection_failed`.
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The connection could not be established.
        public static let connectionFailed = Code("connection_failed")
        /// The connection was made but the server does not report the pinned session settings:
        /// something between huqi and PostgreSQL (a pooler such as PgBouncer with
        /// `ignore_startup_parameters = options`) dropped them. `message` names the setting.
        public static let sessionSettingsIgnored = Code("session_settings_ignored")
        /// The connection broke while in use (server restarted, network gone).
        public static let connectionLost = Code("connection_lost")
        /// The connection was closed by us and may not be used any more.
        public static let connectionClosed = Code("connection_closed")
        /// The server rejected the statement; see `sqlState`.
        public static let server = Code("server")
        /// The statement was cancelled (task cancellation); SQLSTATE 57014.
        public static let queryCancelled = Code("query_cancelled")
        /// A value could not be decoded into the requested Swift type.
        public static let decoding = Code("decoding")
        /// A COPY could not be started, fed or finished.
        public static let copyFailed = Code("copy_failed")
        /// The pool is shut down.
        public static let poolClosed = Code("pool_closed")
        /// No connection became free within the lease timeout.
        public static let poolTimeout = Code("pool_timeout")
        /// The server answered something the client did not expect.
        public static let unexpectedResponse = Code("unexpected_response")
        /// A bound text value contains U+0000, which PostgreSQL text cannot hold (libpq would
        /// silently cut the value there); refused before sending.
        public static let nulInParameter = Code("nul_in_parameter")
    }

    /// Which kind of failure this is.
    public var code: Code
    /// SQLSTATE (five characters) when the server reported one, e.g. `23505`.
    public var sqlState: String?
    /// The server's or libpq's primary message.
    public var message: String?
    /// The server's detail line (may contain row values: not for end users).
    public var detail: String?
    /// The server's hint.
    public var hint: String?
    /// The constraint that was violated, if any.
    public var constraint: String?
    /// The table concerned, if any.
    public var table: String?
    /// The column concerned, if any.
    public var column: String?
    /// The statement that failed (SQL text only, never bind values).
    public var query: String?

    /// Creates an error; lower layers fill in what they know.
    public init(
        code: Code, sqlState: String? = nil, message: String? = nil, detail: String? = nil,
        hint: String? = nil, constraint: String? = nil, table: String? = nil,
        column: String? = nil, query: String? = nil
    ) {
        self.code = code
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
        self.table = table
        self.column = column
        self.query = query
    }

    public var description: String {
        var text = "PostgresError(code: \(code)"
        if let sqlState { text += ", sqlState: \(sqlState)" }
        if let constraint { text += ", constraint: \(constraint)" }
        // libpq's reason for a failed connect names the server and what refused, never a
        // password or a row's values: worth having wherever the error is logged.
        if code == .connectionFailed, let message { text += ", message: \(message.trimmingCharacters(in: .whitespacesAndNewlines))" }
        return text + ")"
    }

    public var debugDescription: String {
        var parts = ["code: \(code)"]
        for (name, value) in [
            ("sqlState", sqlState), ("message", message), ("detail", detail), ("hint", hint),
            ("constraint", constraint), ("table", table), ("column", column), ("query", query),
        ] {
            if let value { parts.append("\(name): \(value)") }
        }
        return "PostgresError(" + parts.joined(separator: ", ") + ")"
    }

    /// True for a refusal that says nothing about the request and may pass when it is tried
    /// again: a lock not granted within `lock_timeout` (55P03), a statement stopped by
    /// `statement_timeout` or a cancel (57014), a serialization failure (40001) or a deadlock
    /// (40P01). The transaction was rolled back; nothing was written.
    public var isTransient: Bool {
        guard let sqlState else { return code == .queryCancelled }
        return ["55P03", "57014", "40001", "40P01"].contains(sqlState)
    }

    /// True when the server ran short of a resource (SQLSTATE class 53: disk full, out of
    /// memory, too many connections, a configured limit such as `temp_file_limit` exceeded).
    /// The transaction was rolled back; nothing was written, and the request itself was fine.
    public var isResourceShortage: Bool {
        sqlState?.hasPrefix("53") == true
    }

    /// True when the connection that produced this error is no longer usable.
    public var isConnectionError: Bool {
        code == .connectionFailed || code == .connectionLost || code == .connectionClosed || code == .sessionSettingsIgnored
            || sqlState.map { $0.hasPrefix("08") || $0 == "57P01" || $0 == "57P02" || $0 == "57P03" } == true
    }
}

extension PostgresError {
    /// Well-known SQLSTATE values used across huqi.
    public enum SQLState {
        /// 23505: a unique constraint was violated.
        public static let uniqueViolation = "23505"
        /// 23503: a foreign key was violated.
        public static let foreignKeyViolation = "23503"
        /// 23514: a check constraint was violated.
        public static let checkViolation = "23514"
        /// 23502: a NOT NULL column got NULL.
        public static let notNullViolation = "23502"
        /// 57014: the statement was cancelled.
        public static let queryCanceled = "57014"
        /// 40001: serialization failure; retry the transaction.
        public static let serializationFailure = "40001"
        /// 40P01: deadlock detected.
        public static let deadlockDetected = "40P01"
        /// 55P03: lock not available (NOWAIT).
        public static let lockNotAvailable = "55P03"
        /// 42P01: undefined table.
        public static let undefinedTable = "42P01"
        /// P0001: raised by a PL/pgSQL `RAISE EXCEPTION` (our triggers use it).
        public static let raiseException = "P0001"
    }
}
