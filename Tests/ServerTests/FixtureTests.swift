import Domain
import Foundation
import Postgres
import Server
import Store
import Testing
import TestSupport

@Suite("fixture batches")
struct FixtureTests {
    static let folder = TestDatabase.repositoryRoot.appendingPathComponent("fixtures")

    func submit(_ path: String, partnerID: Int, client: PostgresClient) async throws -> BatchSummary {
        let bytes = try Data(contentsOf: Self.folder.appendingPathComponent(path))
        return try await BatchIntake(client: client).submit(BatchSubmission(
            partnerID: partnerID, batchNumber: nil, uploader: IdentityFixture.setupActor, payload: Array(bytes), idempotencyKey: nil, dryRun: false))
    }

    @Test("the four batches of the reference year give exactly 92 cases over all 14 cities, nothing rejected")
    func ninetyTwoCases() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            let expected = [("batches/batch1-utf8-bom.csv", "UTF-8-BOM", 23), ("batches/batch2-gb18030.csv", "GB18030", 25),
                            ("batches/batch3.json", "UTF-8", 22), ("batches/batch4-utf8.csv", "UTF-8", 22)]
            for (path, encoding, count) in expected {
                let summary = try await submit(path, partnerID: fixture.partnerA.id, client: client)
                #expect(summary.encoding == encoding, "\(path)")
                #expect(summary.counts.accepted == count, "\(path)")
                #expect(summary.counts.rejected == 0, "\(path)")
            }
            let row = try await client.query("SELECT count(*), count(DISTINCT substr(unit_code, 1, 4)) FROM cases")[0]
            #expect(try row.decode(Int.self, at: 0) == 92)
            #expect(try row.decode(Int.self, at: 1) == 14)
            let labels = try String(contentsOf: Self.folder.appendingPathComponent("batches/labels.csv"), encoding: .utf8)
                .split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
            #expect(labels.count == 92)
            #expect(labels.filter { $0[2] == "true" }.count == 41, "41 petition-related matters")
            let refs = try await client.query("SELECT external_ref FROM cases").map { try $0.decode(String.self, at: 0) }
            #expect(Set(refs) == Set(labels.map { $0[1] }))

            // Triage ran inside the intake transaction, with the database's rule set, on every case.
            let triaged = try await client.query("""
                SELECT external_ref, petition_related, triage_reasons, triage_rule_version FROM cases
                """).map { try $0.decode((String, Bool, [String], Int).self) }
            let expectedLabels = Dictionary(uniqueKeysWithValues: labels.map { ($0[1], $0[2] == "true") })
            #expect(triaged.filter(\.1).count == 41)
            #expect(triaged.allSatisfy { expectedLabels[$0.0] == $0.1 })
            #expect(triaged.allSatisfy { !$0.2.isEmpty && $0.3 == 1 }, "every case says why and under which rules")
            let audited = try await client.query("""
                SELECT count(*) FROM audit_events WHERE action = 'case.create' AND summary ? 'petition_related'
                """)[0].decode(Int.self, at: 0)
            #expect(audited == 92)
        }
    }

    @Test("every file in fixtures/bad gets its expected outcome and codes, and none crashes")
    func badFiles() async throws {
        // file → (status, file error code or the set of row codes)
        let expected: [String: (String, Set<String>)] = [
            "broken-quoting.csv": ("rejected", ["csv.unterminated_quote"]),
            "empty.csv": ("rejected", ["file.empty"]),
            "header-only.csv": ("rejected", ["batch.no_rows"]),
            "invalid-utf8.csv": ("rejected", ["encoding.invalid"]),
            "one-column.csv": ("rejected", ["header.missing_columns"]),
            "unknown-and-ambiguous-regions.csv": ("applied", ["region.unknown", "region.ambiguous"]),
            "wrong-checksums.csv": ("applied", ["credit_code.checksum", "id_number.checksum", "phone.invalid"]),
            "wrong-column-count.csv": ("applied", ["row.column_count", "required.missing"]),
        ]
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder.appendingPathComponent("bad").path)
        #expect(Set(files) == Set(expected.keys), "every bad fixture has an expectation")
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            for (file, (status, codes)) in expected {
                let summary = try await submit("bad/\(file)", partnerID: fixture.partnerA.id, client: client)
                #expect(summary.status == status, "\(file)")
                if status == "rejected" {
                    #expect(summary.errorCode.map { Set([$0]) } == codes, "\(file)")
                } else {
                    let found = try await BatchQueries.problems(batchID: summary.batchID!, for: Principal(kind: .user(id: 0, login: "t"), label: "t", roles: [.admin]), using: client)!
                    #expect(Set(found.map(\.code)) == codes, "\(file)")
                }
            }
            let stored = try await client.query("SELECT count(*) FROM batches b JOIN payloads p ON p.sha256 = b.payload_sha256")
            #expect(try stored[0].decode(Int.self, at: 0) == expected.count, "every upload kept with its bytes")
        }
    }

    @Test("batch 4 as XLSX (written by openpyxl) and as CSV make the same cases, column for column")
    func xlsxTwin() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            let xlsx = try await submit("batches/batch4.xlsx", partnerID: fixture.partnerA.id, client: client)
            let csv = try await submit("batches/batch4-utf8.csv", partnerID: fixture.partnerB.id, client: client)
            #expect(xlsx.format == "xlsx" && xlsx.counts.accepted == 22 && xlsx.counts.rejected == 0)
            #expect(csv.counts.accepted + csv.counts.duplicate == 22, "the second partner's copies are flagged as possible duplicates")
            let columns = BatchApplicationColumns.compared
            let differing = try await client.query(PostgresQuery(unsafeSQL: """
                SELECT count(*) FROM cases a JOIN cases b ON a.external_ref = b.external_ref AND a.partner_id <> b.partner_id
                WHERE a.partner_id = \(fixture.partnerA.id) AND (\(columns.map { "a.\($0)" }.joined(separator: ", ")))
                      IS DISTINCT FROM (\(columns.map { "b.\($0)" }.joined(separator: ", ")))
                """))[0].decode(Int.self, at: 0)
            let paired = try await client.query("""
                SELECT count(*) FROM cases a JOIN cases b ON a.external_ref = b.external_ref AND a.partner_id = \(fixture.partnerA.id)
                AND b.partner_id = \(fixture.partnerB.id)
                """)[0].decode(Int.self, at: 0)
            #expect(paired == 22 && differing == 0)
        }
    }
}

@Suite("triage rules in the database")
struct TriageRuleStorageTests {
    @Test("the seeded rule set version 1 is exactly the rule set the code ships")
    func seededRulesMatchCode() async throws {
        try await TestDatabase.withClient { client in
            let stored = try await TriageRules.current(using: client)
            #expect(stored == TriageRuleSet.standard)
        }
    }
}

/// The case columns a batch writes (what a twin file must reproduce).
enum BatchApplicationColumns {
    static let compared = ["seq", "enterprise_name", "credit_code", "region_code", "enterprise_kind", "reporter_name", "reporter_id_number",
                           "phone", "respondent", "matter_type", "claim", "petitioned_before", "first_petition_date", "petition_count",
                           "amount_wan", "litigation_stage", "handed_over_on", "remarks", "petition_related", "unit_code"]
}
