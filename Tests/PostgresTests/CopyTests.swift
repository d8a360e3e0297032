import Foundation
import Postgres
import Testing
import TestSupport

@Suite("COPY FROM STDIN")
struct CopyTests {
    @Test("100 000 rows streamed through COPY all arrive, with Chinese text and escapes intact")
    func hundredThousandRows() async throws {
        try await TestDatabase.withClient(migrated: false) { client in
            try await client.query("CREATE TABLE staging (n int, name text, note text)")
            let copied = try await client.withConnection { connection in
                try await connection.copyFrom("COPY staging (n, name, note) FROM STDIN") { writer in
                    for n in 0..<100_000 {
                        try await writer.writeRow([String(n), "企业\(n)（有限公司）", n % 10 == 0 ? nil : "tab\there\nline\\\(n)"])
                    }
                }
            }
            #expect(copied == 100_000)
            let row = try await client.query("""
                SELECT count(*), count(DISTINCT n), count(note), sum(n)::int8 FROM staging
                """)[0]
            #expect(try row.decode(Int.self, at: 0) == 100_000)
            #expect(try row.decode(Int.self, at: 1) == 100_000)
            #expect(try row.decode(Int.self, at: 2) == 90_000)
            #expect(try row.decode(Int64.self, at: 3) == 4_999_950_000)
            let sample = try await client.query("SELECT name, note FROM staging WHERE n = 77")[0]
            #expect(try sample.decode(String.self, at: 0) == "企业77（有限公司）")
            #expect(try sample.decode(String.self, at: 1) == "tab\there\nline\\77")
        }
    }

    @Test("an error thrown while writing aborts the COPY: nothing is stored and the connection stays usable")
    func abortLeavesNothing() async throws {
        struct Stop: Error {}
        try await TestDatabase.withClient(migrated: false, maximumConnections: 1) { client in
            try await client.query("CREATE TABLE staging (n int)")
            await #expect(throws: Stop.self) {
                try await client.withConnection { connection in
                    _ = try await connection.copyFrom("COPY staging (n) FROM STDIN") { writer in
                        for n in 0..<50_000 {  // more than one chunk has reached the server
                            try await writer.writeRow([String(n)])
                        }
                        throw Stop()
                    }
                }
            }
            #expect(try await client.query("SELECT count(*) FROM staging")[0].decode(Int.self, at: 0) == 0)
        }
    }

    @Test("a bad value in COPY data fails with the server's SQLSTATE and stores nothing")
    func badDataFails() async throws {
        try await TestDatabase.withClient(migrated: false) { client in
            try await client.query("CREATE TABLE staging (n int)")
            let error = try await #require(throws: PostgresError.self) {
                try await client.withConnection { connection in
                    _ = try await connection.copyFrom("COPY staging (n) FROM STDIN") { writer in
                        try await writer.writeRow(["1"])
                        try await writer.writeRow(["not a number"])
                    }
                }
            }
            #expect(error.sqlState == "22P02")
            #expect(try await client.query("SELECT count(*) FROM staging")[0].decode(Int.self, at: 0) == 0)
        }
    }
}
