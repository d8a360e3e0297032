import Reporting

/// HTML that is safe to send: literal parts are written by us, and every `String`
/// interpolated into it is escaped. The only way to insert markup is to interpolate another
/// `Markup`, so user input can never become markup by accident (the pages' equivalent of the
/// template engine's auto-escaping).
///
///     let name = "<script>"
///     let cell: Markup = "<td>\(name)</td>"   // <td>&lt;script&gt;</td>
struct Markup: ExpressibleByStringInterpolation, Sendable, CustomStringConvertible {
    private(set) var html: String

    var description: String { html }

    init(stringLiteral value: String) { html = value }

    init(stringInterpolation: StringInterpolation) { html = stringInterpolation.html }

    /// Markup built from pieces.
    init(_ parts: [Markup], separator: Markup = "") {
        html = parts.map(\.html).joined(separator: separator.html)
    }

    static let empty: Markup = ""

    mutating func append(_ other: Markup) { html += other.html }

    static func + (lhs: Markup, rhs: Markup) -> Markup {
        var result = lhs
        result.append(rhs)
        return result
    }

    /// `text` with `& < > " '` escaped, for element content and quoted attribute values.
    static func escape(_ text: String) -> String { HTML.escape(text) }

    struct StringInterpolation: StringInterpolationProtocol {
        var html = ""

        init(literalCapacity: Int, interpolationCount: Int) { html.reserveCapacity(literalCapacity * 2) }

        mutating func appendLiteral(_ literal: String) { html += literal }

        /// Text: escaped.
        mutating func appendInterpolation(_ text: String) { html += Markup.escape(text) }

        /// Optional text: escaped, nothing when nil.
        mutating func appendInterpolation(_ text: String?) { html += Markup.escape(text ?? "") }

        mutating func appendInterpolation(_ number: Int) { html += String(number) }

        mutating func appendInterpolation(_ number: Int64) { html += String(number) }

        /// Markup: inserted as it is.
        mutating func appendInterpolation(_ markup: Markup) { html += markup.html }

        /// A list of markup, one after the other.
        mutating func appendInterpolation(_ parts: [Markup]) { html += parts.map(\.html).joined() }
    }
}
