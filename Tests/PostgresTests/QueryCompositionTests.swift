import Foundation
@testable import Postgres
import Testing

@Suite("query building")
struct QueryCompositionTests {
    @Test("interpolated values become numbered parameters")
    func numbering() {
        let query: PostgresQuery = "SELECT * FROM units WHERE code = \("210700") AND level = \(2)"
        #expect(query.sql == "SELECT * FROM units WHERE code = $1 AND level = $2")
        #expect(query.binds == ["210700", "2"])
    }

    @Test("appended queries are renumbered after the first")
    func composition() {
        var query: PostgresQuery = "SELECT id FROM cases WHERE stage = \("evaluation")"
        let scope: PostgresQuery = " AND unit IN (\("210700"), \("210781"))"
        query.append(scope)
        #expect(query.sql == "SELECT id FROM cases WHERE stage = $1 AND unit IN ($2, $3)")
        #expect(query.binds == ["evaluation", "210700", "210781"])
        let joined = PostgresQuery.joined(["a = \(1)", "b = \(2)"], separator: " AND ")
        #expect(joined.sql == "a = $1 AND b = $2")
    }

    @Test("arrays, NULLs, bytea and doubles use PostgreSQL's text syntax")
    func encodings() {
        #expect(["a", "b\"c", "d\\e"].postgresText == #"{"a","b\"c","d\\e"}"#)
        #expect(([nil, "x"] as [String?]).postgresText == #"{NULL,"x"}"#)
        #expect(Data([0xde, 0xad]).postgresText == "\\xdead")
        #expect(Double.infinity.postgresText == "Infinity")
        #expect((nil as Int?).postgresText == nil)
        #expect(Decimal(string: "0.1")!.postgresText == "0.1")
    }

    @Test("timestamp text parses and formats symmetrically")
    func timestampText() {
        let date = Date(timeIntervalSince1970: 1_796_284_800.5)
        #expect(PostgresTimestamp.format(date) == "2026-12-03 08:00:00.500000+00")
        #expect(PostgresTimestamp.parse("2026-12-03 08:00:00.500000+00") == date)
        #expect(PostgresTimestamp.parse("2026-12-03 16:00:00.5+08") == date)
        #expect(PostgresTimestamp.parse("2026-12-03 02:30:00.5-05:30") == date)
        #expect(PostgresTimestamp.parse("1969-12-31") == Date(timeIntervalSince1970: -86_400))
        #expect(PostgresTimestamp.parse("infinity") == nil)
        #expect(PostgresTimestamp.parse("2026-13-01") == nil)
        #expect(PostgresTimestamp.parse("2026-12-03 08:00:00 BC") == nil)
    }

    @Test("array literals with quotes, NULL and empty arrays parse; malformed ones do not")
    func arrayLiterals() {
        #expect(PostgresArrayLiteral.parse("{}") == [])
        #expect(PostgresArrayLiteral.parse(#"{a,"b c",NULL,"NULL","q\"x"}"#) == ["a", "b c", nil, "NULL", "q\"x"])
        #expect(PostgresArrayLiteral.parse("{{1,2},{3,4}}") == nil)
        #expect(PostgresArrayLiteral.parse("{\"open}") == nil)
        #expect(PostgresArrayLiteral.parse("a,b") == nil)
    }
}
