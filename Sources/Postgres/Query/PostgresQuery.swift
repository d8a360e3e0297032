/// A SQL statement whose interpolated values become `$n` parameters.
///
/// ```swift
/// let query: PostgresQuery = "SELECT name FROM units WHERE code = \(code) AND level = \(level)"
/// // sql: SELECT name FROM units WHERE code = $1 AND level = $2, binds: [code, level]
/// ```
/// Values are never spliced into the SQL text. Queries compose: `a + b` renumbers the
/// parameters of `b`, so a `WHERE` clause can be built from parts (e.g. an access scope).
public struct PostgresQuery: Sendable, Hashable, ExpressibleByStringInterpolation {
    enum Fragment: Sendable, Hashable {
        case sql(String)
        case bind(String?)
    }

    private(set) var fragments: [Fragment]

    /// Creates a query from SQL text with no parameters. The text is used as is.
    public init(unsafeSQL sql: String) {
        fragments = [.sql(sql)]
    }

    public init(stringLiteral value: String) {
        fragments = [.sql(value)]
    }

    public init(stringInterpolation: StringInterpolation) {
        fragments = stringInterpolation.fragments
    }

    /// The SQL text with `$1`, `$2`, … in place of the values.
    public var sql: String {
        var text = ""
        var index = 0
        for fragment in fragments {
            switch fragment {
            case .sql(let part): text += part
            case .bind:
                index += 1
                text += "$\(index)"
            }
        }
        return text
    }

    /// The parameter values in text format, in `$n` order (`nil` is SQL NULL).
    public var binds: [String?] {
        fragments.compactMap { if case .bind(let value) = $0 { return .some(value) } else { return nil } }
    }

    /// Appends another query; its parameters are renumbered after this one's.
    public mutating func append(_ other: PostgresQuery) {
        fragments.append(contentsOf: other.fragments)
    }

    /// The concatenation of two queries.
    public static func + (lhs: PostgresQuery, rhs: PostgresQuery) -> PostgresQuery {
        var query = lhs
        query.append(rhs)
        return query
    }

    /// Joins queries with a separator, e.g. conditions with `" AND "`.
    public static func joined(_ parts: [PostgresQuery], separator: String) -> PostgresQuery {
        var result = PostgresQuery(unsafeSQL: "")
        for (index, part) in parts.enumerated() {
            if index > 0 { result.append(PostgresQuery(unsafeSQL: separator)) }
            result.append(part)
        }
        return result
    }

    /// Builds the interpolation: literals are SQL, values are parameters.
    public struct StringInterpolation: StringInterpolationProtocol {
        var fragments: [Fragment] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            fragments.reserveCapacity(interpolationCount * 2 + 1)
        }

        public mutating func appendLiteral(_ literal: String) {
            fragments.append(.sql(literal))
        }

        /// Appends a value as a `$n` parameter.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value) {
            fragments.append(.bind(value.postgresText))
        }

        /// Appends an optional value as a `$n` parameter (`nil` is SQL NULL).
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value?) {
            fragments.append(.bind(value?.postgresText))
        }

        /// Appends a nested query (its parameters are renumbered).
        public mutating func appendInterpolation(_ query: PostgresQuery) {
            fragments.append(contentsOf: query.fragments)
        }

        /// Appends SQL text as is. Only for identifiers and keywords the code controls.
        public mutating func appendInterpolation(unescaped sql: String) {
            fragments.append(.sql(sql))
        }
    }
}
