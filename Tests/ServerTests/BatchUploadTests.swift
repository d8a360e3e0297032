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

/// A partner's batch through `POST /api/v1/batches`: every row's outcome and coded errors,
/// corrections with history, encodings, many rows on several tasks, and who may upload.
@Suite("batch upload API")
struct BatchUploadTests: BatchUploadSuite {
    @Test("a partner uploads a CSV: every row ends as exactly one outcome, rejected rows keep their cells and coded errors")
    func uploadAndErrors() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            let bad = ["99,LN-BAD1,某公司,91350100M000100Y4Z,铁西区,民营,,,12345,,申诉,诉求,否,2026-11-20",
                       "98,LN-0001,同批重复,91210700MADR9L8F50,凌海,民营,,,,,申诉,诉求,否,2026-11-20"]
            let body = BatchSamples.csv(BatchSamples.validRows(5) + bad)
            let app = try ServerHarness.application(client: client)
            try await app.test(.router) { http in
                let auth: HTTPFields = [.authorization: "Bearer \(fixture.keyA.plaintext)"]
                let response = try await http.execute(uri: "/api/v1/batches?batch_no=1", method: .post, headers: auth, body: ByteBuffer(bytes: body))
                #expect(response.status == .created)
                let answer = try json(response)
                #expect(answer["status"] as? String == "applied")
                #expect(answer["encoding"] as? String == "UTF-8")
                #expect(try counts(response) == ["total": 7, "accepted": 5, "updated": 0, "unchanged": 0, "duplicate": 0, "rejected": 2, "warnings": 0])
                let id = answer["batch_id"] as! Int
                #expect(answer["errors_url"] as? String == "/api/v1/batches/\(id)/errors")

                let errors = try await http.execute(uri: "/api/v1/batches/\(id)/errors", method: .get, headers: auth)
                let items = try json(errors)["items"] as! [[String: Any]]
                let codes = Set(items.map { "\($0["row"]!) \($0["code"]!)" })
                #expect(codes == ["7 credit_code.checksum", "7 region.ambiguous", "7 phone.invalid", "8 row.duplicate_ref"])
                #expect(items.first { $0["code"] as? String == "credit_code.checksum" }?["column"] as? String == "统一社会信用代码")

                let csv = try await http.execute(uri: "/api/v1/batches/\(id)/errors?format=csv", method: .get, headers: auth)
                let bytes = Array(buffer: csv.body)
                #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]), "Excel needs the BOM to read Chinese")
                let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
                #expect(text.hasPrefix("\"行号\",\"列\""))
                #expect(text.contains("\r\n\"7\",\"统一社会信用代码\""))
            }
            #expect(try await count(client, "SELECT count(*) FROM cases") == 5)
            #expect(try await count(client, "SELECT count(*) FROM batch_rows WHERE outcome = 'rejected' AND raw->'cells'->>'credit_code' = '91350100M000100Y4Z'") == 1)
            #expect(try await count(client, "SELECT count(*) FROM cases WHERE unit_code = '210781'") == 1, "凌海市 → 凌海市人民检察院")
            #expect(try await count(client, "SELECT count(*) FROM audit_events WHERE action = 'case.create'") == 5)
            let events = try await count(client, "SELECT count(*) FROM audit_events")
            #expect(try await AuditLog.verify(using: client) == .intact(events: events))
        }
    }

    @Test("a corrected re-upload of 3 rows updates those cases and keeps 3 earlier versions; unchanged rows stay at version 1")
    func corrections() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            func submit(_ rows: [String]) async throws -> BatchSummary {
                try await self.submit(rows, partner: fixture.partnerA.id, batchNumber: nil, client: client)
            }
            var rows = BatchSamples.validRows(6)
            _ = try await submit(rows)
            for index in [1, 3, 5] { rows[index] = rows[index].replacingOccurrences(of: "要求退还履约保证金", with: "请求返还质保金") }
            let second = try await submit(rows)
            #expect(second.counts.updated == 3)
            #expect(second.counts.unchanged == 3)
            #expect(try await count(client, "SELECT count(*) FROM case_versions") == 3)
            #expect(try await count(client, "SELECT count(*) FROM case_versions WHERE data->>'claim' LIKE '要求退还履约保证金%'") == 3)
            #expect(try await count(client, "SELECT count(*) FROM cases WHERE version = 2 AND claim LIKE '请求返还质保金%'") == 3)
            // Deadlines start with a case, not with a correction: still the two replies of each of the 6.
            #expect(try await count(client, "SELECT count(*) FROM case_deadlines") == 12)
            #expect(try await count(client, "SELECT count(DISTINCT case_id) FROM case_deadlines") == 6)
        }
    }

    @Test("a GB18030 file and its UTF-8 twin give identical cases")
    func gb18030Twin() async throws {
        let text = String(decoding: BatchSamples.csv(BatchSamples.validRows(8)), as: UTF8.self)
        func load(_ bytes: [UInt8]) async throws -> [String] {
            try await TestDatabase.withClient { client in
                let fixture = try await IdentityFixture.make(client: client)
                let summary = try await BatchIntake(client: client).submit(BatchSubmission(
                    partnerID: fixture.partnerA.id, batchNumber: 1, uploader: IdentityFixture.setupActor, payload: bytes, idempotencyKey: nil, dryRun: false))
                #expect(summary.counts.accepted == 8)
                return try await client.query("""
                    SELECT row_to_json(t)::text FROM (SELECT external_ref, enterprise_name, credit_code, unit_code, reporter_name,
                      reporter_id_number, phone, respondent, matter_type, claim, petitioned_before, handed_over_on FROM cases ORDER BY external_ref) t
                    """).map { try $0.decode(String.self, at: 0) }
            }
        }
        let utf8 = try await load(Array(text.utf8))
        let gb = try await load(try #require(TextDecoding.encodeGB18030(text)))
        #expect(utf8.count == 8)
        #expect(utf8 == gb)
    }

    @Test("rows normalized on several tasks (blocks of 512) are all stored, each case from its own row; a bad row keeps its number")
    func rowsAcrossBlocks() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            var rows = BatchSamples.validRows(2_000)
            rows[1_699] = rows[1_699].replacingOccurrences(of: "91110000600037341L", with: "91110000600037341M")
            let summary = try await submit(rows, partner: fixture.partnerA.id, client: client)
            #expect(summary.counts.total == 2_000)
            #expect(summary.counts.accepted == 1_999)
            #expect(summary.counts.rejected == 1)
            #expect(try await count(client, "SELECT count(DISTINCT row_number) FROM batch_rows WHERE row_number BETWEEN 2 AND 2001") == 2_000)
            #expect(try await count(client, "SELECT row_number::bigint FROM batch_rows WHERE outcome = 'rejected'") == 1_701)
            #expect(try await count(client, """
                SELECT count(*) FROM cases c JOIN batch_rows r ON r.case_id = c.id
                WHERE r.row_number = c.seq + 1 AND c.external_ref = 'LN-' || lpad(c.seq::text, 4, '0')
                  AND c.enterprise_name = '企业' || c.seq || '有限公司' AND c.respondent = '某局' || c.seq
                """) == 1_999)
            #expect(try await count(client, """
                SELECT count(*) FROM (SELECT case_id FROM case_deadlines GROUP BY case_id
                                      HAVING array_agg(kind ORDER BY kind) = '{procedural_reply,result_reply}') d
                """) == 1_999)
        }
    }

    @Test("only partners upload; another partner's batch is 404; a bad batch_no, or one the file contradicts, is 422; an oversize body is 413")
    func refusals() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            var dependencies = ServerDependencies(
                database: client, migrator: Migrator(migrations: try Migration.load(from: TestDatabase.migrationsDirectory), logger: TestDatabase.logger),
                metrics: sharedRegistry, passwords: PasswordHasher(cost: 4))
            dependencies.maximumUploadBytes = 2_000
            let app = Application(router: buildRouter(dependencies), logger: TestDatabase.logger)
            try await app.test(.router) { http in
                let body = ByteBuffer(bytes: BatchSamples.csv(BatchSamples.validRows(2)))
                let prosecutor = try await http.execute(uri: "/api/v1/batches", method: .post,
                                                        headers: [.authorization: "Bearer \(fixture.tokens["pros.lh"]!.plaintext)"], body: body)
                #expect(prosecutor.status == .forbidden)
                let created = try await http.execute(uri: "/api/v1/batches", method: .post,
                                                     headers: [.authorization: "Bearer \(fixture.keyA.plaintext)"], body: body)
                let id = try json(created)["batch_id"] as! Int
                let foreign = try await http.execute(uri: "/api/v1/batches/\(id)", method: .get, headers: [.authorization: "Bearer \(fixture.keyB.plaintext)"])
                #expect(foreign.status == .notFound)
                let foreignErrors = try await http.execute(uri: "/api/v1/batches/\(id)/errors", method: .get, headers: [.authorization: "Bearer \(fixture.keyB.plaintext)"])
                #expect(foreignErrors.status == .notFound)
                let own = try await http.execute(uri: "/api/v1/batches/\(id)", method: .get, headers: [.authorization: "Bearer \(fixture.tokens["uploader.a"]!.plaintext)"])
                #expect(own.status == .ok, "the partner's uploader sees the partner's batches")
                let badNumber = try await http.execute(uri: "/api/v1/batches?batch_no=zero", method: .post,
                                                       headers: [.authorization: "Bearer \(fixture.keyA.plaintext)"], body: body)
                #expect(badNumber.status == .unprocessableContent)
                // The file says batch 4, the request batch 3: refused, nothing written; agreeing numbers are stored.
                let numbered = ByteBuffer(string: #"{"batch_no": 4, "cases": [{"external_ref": "J-1", "enterprise_name": "甲公司", "credit_code": "91110000600037341L", "region": "210781", "claim": "诉求"}]}"#)
                let before = try await client.query("SELECT count(*) FROM batches")[0].decode(Int.self, at: 0)
                let conflict = try await http.execute(uri: "/api/v1/batches?batch_no=3", method: .post,
                                                      headers: [.authorization: "Bearer \(fixture.keyA.plaintext)"], body: numbered)
                #expect(conflict.status == .unprocessableContent)
                let conflictProblem = try JSONDecoder().decode(Problem.self, from: Data(buffer: conflict.body))
                #expect(conflictProblem.code == "batch_no.conflict")
                #expect(conflictProblem.title.contains("第 3 批") && conflictProblem.title.contains("第 4 批"), "\(conflictProblem.title)")
                #expect(try await client.query("SELECT count(*) FROM batches")[0].decode(Int.self, at: 0) == before)
                let agreeing = try await http.execute(uri: "/api/v1/batches?batch_no=4", method: .post,
                                                      headers: [.authorization: "Bearer \(fixture.keyA.plaintext)"], body: numbered)
                #expect(agreeing.status == .created)
                #expect(try json(agreeing)["batch_no"] as? Int == 4)
                let big = try await http.execute(uri: "/api/v1/batches", method: .post, headers: [.authorization: "Bearer \(fixture.keyA.plaintext)"],
                                                 body: ByteBuffer(bytes: BatchSamples.csv(BatchSamples.validRows(40))))
                #expect(big.status == .contentTooLarge)
                let problem = try JSONDecoder().decode(Problem.self, from: Data(buffer: big.body))
                #expect(problem.code == "upload.too_large")
            }
        }
    }
}
