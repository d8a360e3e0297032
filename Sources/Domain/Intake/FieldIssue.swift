/// One problem found in one cell: which field, a stable code, a Chinese message that says
/// how to fix it, and whether it rejects the row (error) or only informs (warning).
public struct FieldIssue: Sendable, Hashable, Codable, Error {
    /// Whether the issue rejects the row.
    public enum Severity: String, Sendable, Hashable, Codable {
        case error, warning
    }

    /// The canonical field name (`credit_code`), or `row` for problems of the whole row.
    public var field: String
    /// Stable identifier, e.g. `credit_code.checksum`.
    public var code: String
    /// Chinese, for the partner who fixes the sheet.
    public var message: String
    /// Error or warning.
    public var severity: Severity

    /// An error (rejects the row).
    public static func error(_ field: String, _ code: String, _ message: String) -> FieldIssue {
        FieldIssue(field: field, code: code, message: message, severity: .error)
    }

    /// A warning (the row is still accepted).
    public static func warning(_ field: String, _ code: String, _ message: String) -> FieldIssue {
        FieldIssue(field: field, code: code, message: message, severity: .warning)
    }
}

/// A file-level problem found while rows were already being read (so the batch as a whole is
/// unreadable). The intake readers' own error type conforms to it.
public protocol BatchFileError: Error {
    /// Stable identifier, e.g. `csv.unterminated_quote`.
    var code: String { get }
    /// Chinese, for the partner.
    var message: String { get }
}
