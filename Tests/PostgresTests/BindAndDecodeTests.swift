import Foundation
import Postgres
import Testing
import TestSupport

@Suite("binds and decoding")
struct BindAndDecodeTests {
    @Test("every supported type round-trips through a bind and a typed decode")
    func roundTrip() async throws {
        try await TestDatabase.withClient(migrated: false) { client in
            let id = UUID()
            let moment = Date(timeIntervalSince1970: 1_796_284_800.123456)  // 2026-12-03 08:00:00.123456 UTC
            let bytes = Data([0, 1, 0x7f, 0x80, 0xff])
            let amount = Decimal(string: "1234.5678")!
            let rows = try await client.query("""
                SELECT \("检察护企·锦州市人民检察院（第四批）")::text, \(42)::int4, \(Int64.max)::int8, \(3.25)::float8,
                       \(amount)::numeric, \(true)::bool, \(moment)::timestamptz, \(id)::uuid,
                       \(bytes)::bytea, \(["沈阳", "铁西区", "with \"quote\"", "a,b", "back\\slash"])::text[],
                       \(PostgresJSON(["批次": 4]))::jsonb
                """)
            let row = rows[0]
            #expect(try row.decode(String.self, at: 0) == "检察护企·锦州市人民检察院（第四批）")
            #expect(try row.decode(Int.self, at: 1) == 42)
            #expect(try row.decode(Int64.self, at: 2) == Int64.max)
            #expect(try row.decode(Double.self, at: 3) == 3.25)
            #expect(try row.decode(Decimal.self, at: 4) == amount)
            #expect(try row.decode(Bool.self, at: 5) == true)
            #expect(try row.decode(Date.self, at: 6).timeIntervalSince1970 == moment.timeIntervalSince1970)
            #expect(try row.decode(UUID.self, at: 7) == id)
            #expect(try row.decode(Data.self, at: 8) == bytes)
            #expect(try row.decode([String].self, at: 9) == ["沈阳", "铁西区", "with \"quote\"", "a,b", "back\\slash"])
            #expect(try row.decode(PostgresJSON<[String: Int]>.self, at: 10).value == ["批次": 4])
        }
    }

    @Test("NULL decodes into optionals of every type and binds from nil")
    func nulls() async throws {
        try await TestDatabase.withClient(migrated: false) { client in
            let none: String? = nil
            let row = try await client.query("""
                SELECT \(none)::text, NULL::int4, NULL::int8, NULL::float8, NULL::numeric, NULL::bool,
                       NULL::timestamptz, NULL::uuid, NULL::bytea, NULL::text[], NULL::jsonb,
                       ARRAY['a', NULL]::text[]
                """)[0]
            #expect(try row.decode(String?.self, at: 0) == nil)
            #expect(try row.decode(Int?.self, at: 1) == nil)
            #expect(try row.decode(Int64?.self, at: 2) == nil)
            #expect(try row.decode(Double?.self, at: 3) == nil)
            #expect(try row.decode(Decimal?.self, at: 4) == nil)
            #expect(try row.decode(Bool?.self, at: 5) == nil)
            #expect(try row.decode(Date?.self, at: 6) == nil)
            #expect(try row.decode(UUID?.self, at: 7) == nil)
            #expect(try row.decode(Data?.self, at: 8) == nil)
            #expect(try row.decode([String]?.self, at: 9) == nil)
            #expect(try row.decode(PostgresJSON<[String: Int]>?.self, at: 10) == nil)
            #expect(try row.decode([String?].self, at: 11) == ["a", nil])
            #expect(row.isNull(at: 1))
        }
    }

    @Test("a decode into the wrong type or from NULL throws a decoding error naming the column")
    func mismatchesThrow() async throws {
        try await TestDatabase.withClient(migrated: false) { client in
            let row = try await client.query("SELECT '123'::text AS code, 1::int4 AS n, NULL::int4 AS missing, 'abc'::text AS word")[0]
            for attempt in [
                { _ = try row.decode(Int.self, "code") },      // text column, even if it looks numeric
                { _ = try row.decode(Bool.self, "n") },         // int is not bool
                { _ = try row.decode(Int.self, "missing") },    // NULL into non-optional
                { _ = try row.decode(UUID.self, "word") },      // wrong type
                { _ = try row.decode(Date.self, "n") },
                { _ = try row.decode(String.self, "no_such_column") },
            ] as [() throws -> Void] {
                let error = try #require(throws: PostgresError.self, performing: attempt)
                #expect(error.code == .decoding)
            }
            let error = try #require(throws: PostgresError.self) { try row.decode(Int.self, "missing") }
            #expect(error.column == "missing")
        }
    }

    @Test("timestamps with offsets and dates decode to the right instant")
    func timestamps() async throws {
        try await TestDatabase.withClient(migrated: false) { client in
            let row = try await client.query("""
                SELECT '2026-11-29 23:59:00+08'::timestamptz, '2026-11-26'::date, '2024-02-29 12:00:00'::timestamp
                """)[0]
            #expect(try row.decode(Date.self, at: 0) == Date(timeIntervalSince1970: 1_795_967_940))  // 15:59 UTC
            #expect(try row.decode(Date.self, at: 1) == Date(timeIntervalSince1970: 1_795_651_200))
            #expect(try row.decode(Date.self, at: 2) == Date(timeIntervalSince1970: 1_709_208_000))
        }
    }

    @Test("parameters are values, never SQL: a quote in a bind cannot escape")
    func injectionIsInert() async throws {
        try await TestDatabase.withClient(migrated: false) { client in
            let hostile = "x'); DROP TABLE pg_class; --"
            let rows = try await client.query("SELECT \(hostile)::text = \(hostile)::text, length(\(hostile))")
            #expect(try rows[0].decode(Bool.self, at: 0))
            #expect(try rows[0].decode(Int.self, at: 1) == hostile.count)
        }
    }

    @Test("a text value with a NUL is refused before sending, never cut short at the NUL")
    func nulRefused() async throws {
        try await TestDatabase.withClient(migrated: false) { client in
            let error = await #expect(throws: PostgresError.self) {
                try await client.query("SELECT length(\("before\u{0}after"))")
            }
            #expect(error?.code == .nulInParameter && error?.message == "parameter $1 contains a NUL character")
            // The connection stays usable.
            let rows = try await client.query("SELECT \("fine")::text")
            #expect(try rows[0].decode(String.self, at: 0) == "fine")
        }
    }

    @Test("rows decode as tuples and report affected row counts")
    func tuplesAndCounts() async throws {
        try await TestDatabase.withClient(migrated: false) { client in
            try await client.query("CREATE TABLE t (id int PRIMARY KEY, name text)")
            let insert = try await client.query("INSERT INTO t VALUES (1, '沈阳'), (2, '大连'), (3, '鞍山')")
            #expect(insert.affectedRows == 3)
            let rows = try await client.query("SELECT id, name FROM t WHERE id >= \(2) ORDER BY id")
            #expect(rows.columns == ["id", "name"])
            let decoded = try rows.map { try $0.decode((Int, String).self) }
            #expect(decoded.map(\.0) == [2, 3])
            #expect(decoded.map(\.1) == ["大连", "鞍山"])
        }
    }
}
