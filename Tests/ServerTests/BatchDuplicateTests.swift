import Domain
import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Intake
import Postgres
import Server
import Store
import Testing
import TestSupport

/// Rows like an earlier case (same credit code, same respondent, a similar claim) are kept and
/// linked as possible duplicates — within a batch and across partners — never dropped.
@Suite("batch upload: possible duplicates")
struct BatchDuplicateTests: BatchUploadSuite {
    @Test("a row like an earlier row of the same batch (another 案件编号) is kept as a possible duplicate of that row's case")
    func duplicatesWithinBatch() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            let rows = BatchSamples.validRows(3)
            // Row 4 repeats row 1's enterprise, respondent and claim under another number; row 5 has
            // the same enterprise and respondent but another matter.
            let again = rows[0].replacingOccurrences(of: "1,LN-0001,", with: "4,LN-0004,")
            let other = rows[0].replacingOccurrences(of: "1,LN-0001,", with: "5,LN-0005,")
                .replacingOccurrences(of: "要求退还履约保证金1万元", with: "厂房消防验收迟迟不予办理")
            let summary = try await submit(rows + [again, other], partner: fixture.partnerA.id, client: client)
            #expect(summary.counts.accepted == 4)
            #expect(summary.counts.duplicate == 1)
            let links = try await client.query("""
                SELECT c.external_ref, d.external_ref FROM cases c JOIN cases d ON d.id = c.possible_duplicate_of
                """).map { try $0.decode((String, String).self) }
            #expect(links.map { [$0.0, $0.1] } == [["LN-0004", "LN-0001"]])
            let outcomes = try await client.query("""
                SELECT c.external_ref, r.outcome FROM batch_rows r JOIN cases c ON c.id = r.case_id ORDER BY c.external_ref
                """).map { try $0.decode((String, String).self) }
            #expect(outcomes.map(\.1) == ["accepted", "accepted", "accepted", "duplicate", "accepted"], "\(outcomes)")
        }
    }

    @Test("in a batch of many rows about one enterprise and respondent, a row is compared with the group's first 20 rows only")
    func duplicatesWithinLargeGroup() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            // 25 rows, same enterprise and respondent, claims of distinct characters (no shared
            // trigram) — except row 25, which repeats row 3's claim, and row 24, which repeats
            // row 22's: row 22 is past the group's first 20 rows, so row 24 is not compared with it.
            func claim(_ n: Int) -> String {
                String((0..<8).compactMap { UnicodeScalar(0x4E00 + n * 8 + $0).map(Character.init) })
            }
            let rows = (1...25).map { n in
                let text = n == 25 ? claim(3) : n == 24 ? claim(22) : claim(n)
                return "\(n),LN-\(1000 + n),锦州同一有限公司,91210700MADR9L8F50,凌海市,民营,王某,11010519491231002X,13804165678,某局,申诉,\(text),否,2026-11-20"
            }
            let summary = try await submit(rows, partner: fixture.partnerA.id, client: client)
            #expect(summary.counts.accepted == 24 && summary.counts.duplicate == 1, "\(summary.counts)")
            let links = try await client.query("""
                SELECT c.external_ref, d.external_ref FROM cases c JOIN cases d ON d.id = c.possible_duplicate_of
                """).map { try $0.decode((String, String).self) }
            #expect(links.map { [$0.0, $0.1] } == [["LN-1025", "LN-1003"]])
        }
    }

    @Test("possible duplicates across partners are kept and linked, never dropped")
    func duplicates() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            let rows = BatchSamples.validRows(2)
            _ = try await submit(rows, partner: fixture.partnerA.id, client: client)
            let fromB = rows.map { $0.replacingOccurrences(of: "LN-", with: "JZ-") }
            let summary = try await submit(fromB, partner: fixture.partnerB.id, client: client)
            #expect(summary.counts.duplicate == 2)
            #expect(try await count(client, "SELECT count(*) FROM cases") == 4)
            #expect(try await count(client, """
                SELECT count(*) FROM cases b JOIN cases a ON a.id = b.possible_duplicate_of
                WHERE b.external_ref LIKE 'JZ-%' AND a.external_ref = replace(b.external_ref, 'JZ-', 'LN-')
                """) == 2)
            #expect(try await count(client, "SELECT count(*) FROM case_deadlines") == 8, "a possible duplicate is a case with its own deadlines")
        }
    }
}
