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

@Suite("batch upload API")
struct BatchUploadTests {
    func json(_ response: TestResponse) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as! [String: Any]
    }

    func counts(_ response: TestResponse) throws -> [String: Int] {
        try json(response)["counts"] as! [String: Int]
    }

    func count(_ client: PostgresClient, _ sql: PostgresQuery) async throws -> Int {
        try await client.query(sql)[0].decode(Int.self, at: 0)
    }

    /// Submits `rows` (with the standard header, as CSV) through the intake as `partner`'s batch:
    /// no Idempotency-Key, uploaded by the fixture's setup actor.
    func submit(_ rows: [String], partner: Int, batchNumber: Int? = 1, dryRun: Bool = false,
                client: PostgresClient) async throws -> BatchSummary {
        try await BatchIntake(client: client).submit(BatchSubmission(
            partnerID: partner, batchNumber: batchNumber, uploader: IdentityFixture.setupActor,
            payload: BatchSamples.csv(rows), idempotencyKey: nil, dryRun: dryRun))
    }

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

    @Test("the same Idempotency-Key replays the answer and writes nothing; with other bytes it is 422; without a key the same file replays too")
    func idempotency() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            let app = try ServerHarness.application(client: client)
            let first = BatchSamples.csv(BatchSamples.validRows(3))
            try await app.test(.router) { http in
                var headers: HTTPFields = [.authorization: "Bearer \(fixture.keyA.plaintext)", HeaderNames.idempotencyKey: "batch-2026-4"]
                let original = try await http.execute(uri: "/api/v1/batches", method: .post, headers: headers, body: ByteBuffer(bytes: first))
                #expect(original.status == .created)
                let again = try await http.execute(uri: "/api/v1/batches", method: .post, headers: headers, body: ByteBuffer(bytes: first))
                #expect(again.status == .ok)
                #expect(try json(again)["replayed"] as? Bool == true)
                #expect(try json(again)["batch_id"] as? Int == json(original)["batch_id"] as? Int)
                let other = try await http.execute(uri: "/api/v1/batches", method: .post, headers: headers,
                                                   body: ByteBuffer(bytes: BatchSamples.csv(BatchSamples.validRows(4))))
                #expect(other.status == .unprocessableContent)
                headers[HeaderNames.idempotencyKey] = nil
                let unkeyed = try await http.execute(uri: "/api/v1/batches", method: .post, headers: headers, body: ByteBuffer(bytes: first))
                #expect(try json(unkeyed)["replayed"] as? Bool == true)
            }
            #expect(try await count(client, "SELECT count(*) FROM batches") == 1)
            #expect(try await count(client, "SELECT count(*) FROM cases") == 3)
        }
    }

    @Test("a request while the same key is being applied gets 409")
    func inProgress() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            let app = try ServerHarness.application(client: client)
            let holder = try await PostgresConnection.connect(configuration: client.configuration, logger: TestDatabase.logger)
            try await holder.query("SELECT pg_advisory_lock(hashtextextended(\("\(fixture.partnerA.id):busy-key"), 7))")
            try await app.test(.router) { http in
                let response = try await http.execute(uri: "/api/v1/batches", method: .post,
                                                      headers: [.authorization: "Bearer \(fixture.keyA.plaintext)", HeaderNames.idempotencyKey: "busy-key"],
                                                      body: ByteBuffer(bytes: BatchSamples.csv(BatchSamples.validRows(2))))
                #expect(response.status == .conflict)
            }
            await holder.close()
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

    @Test("a dry run reports the counts and each bad row's coded problems, and writes nothing at all")
    func dryRun() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            let bad = "99,LN-BAD1,某公司,91350100M000100Y4Z,铁西区,民营,,,1380416567,,申诉,诉求,否,2026-11-20"
            let app = try ServerHarness.application(client: client)
            try await app.test(.router) { http in
                let response = try await http.execute(uri: "/api/v1/batches?dry_run=true", method: .post,
                                                      headers: [.authorization: "Bearer \(fixture.keyA.plaintext)"],
                                                      body: ByteBuffer(bytes: BatchSamples.csv(BatchSamples.validRows(4) + [bad])))
                #expect(response.status == .ok)
                let answer = try json(response)
                #expect(answer["status"] as? String == "dry_run")
                #expect(answer["batch_id"] == nil && answer["errors_url"] == nil, "nothing is kept to fetch")
                #expect(try counts(response)["accepted"] == 4 && counts(response)["rejected"] == 1)
                // The dry run's whole point: what is wrong where, without a stored batch to ask.
                let problems = try #require(answer["problems"] as? [[String: Any]])
                #expect(Set(problems.map { "\($0["row"]!) \($0["column"]!) \($0["code"]!)" })
                        == ["6 统一社会信用代码 credit_code.checksum", "6 所在地区 region.ambiguous", "6 联系电话 phone.invalid"])
                #expect(answer["problem_count"] as? Int == 3)
                // A list of problems is a list: the bad phone is named by its cell, not repeated.
                #expect(!String(buffer: response.body).contains("1380416567"))
                #expect(String(buffer: response.body).contains("“13******67”"))
            }
            for table in ["batches", "cases", "payloads", "batch_rows"] {
                #expect(try await count(client, "SELECT count(*) FROM \(unescaped: table)") == 0, "\(table)")
            }
        }
    }

    @Test("a dry run lists at most 1 000 problems and says how many there are")
    func dryRunProblemsCut() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            let bad = (0..<1_200).map { "\($0),LN-B\($0),某公司,91350100M000100Y4Z,凌海,民营,,,,,申诉,诉求,否,2026-11-20" }
            let summary = try await submit(bad, partner: fixture.partnerA.id, dryRun: true, client: client)
            #expect(summary.counts.rejected == 1_200)
            #expect(summary.problems?.count == BatchSummary.dryRunProblemLimit)
            #expect(summary.problems?.first?.row == 2 && summary.problemCount == 1_200)
        }
    }

    @Test("a dry run of an unreadable file answers 422 with the file's code, like the upload would, and keeps nothing")
    func dryRunUnreadable() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            let app = try ServerHarness.application(client: client)
            // Excel's "Unicode 文本": UTF-16 with a byte-order mark. Before, a dry run answered
            // 200 "dry_run" with 0 rows, and `huqi import --dry-run` printed no reason at all.
            let text = String(decoding: BatchSamples.csv(BatchSamples.validRows(2)), as: UTF8.self)
            let utf16: [UInt8] = [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
            try await app.test(.router) { http in
                for (dryRun, uri) in [(true, "/api/v1/batches?dry_run=true"), (false, "/api/v1/batches")] {
                    let response = try await http.execute(uri: uri, method: .post, headers: [.authorization: "Bearer \(fixture.keyA.plaintext)"],
                                                          body: ByteBuffer(bytes: utf16))
                    #expect(response.status == .unprocessableContent)
                    let problem = try json(response)
                    #expect(problem["code"] as? String == "encoding.utf16")
                    #expect((problem["title"] as? String)?.contains("CSV UTF-8") == true)
                    #expect((problem["batch_id"] == nil) == dryRun, "only the real upload keeps the file")
                }
                // An Excel 97–2003 file (.xls) is kept too, as a rejected batch of format "unknown".
                let xls = try await http.execute(uri: "/api/v1/batches", method: .post, headers: [.authorization: "Bearer \(fixture.keyA.plaintext)"],
                                                 body: ByteBuffer(bytes: BatchReader.legacyExcelMagic + [UInt8](repeating: 0, count: 600)))
                #expect(xls.status == .unprocessableContent)
                #expect(try json(xls)["code"] as? String == "file.xls")
            }
            #expect(try await count(client, "SELECT count(*) FROM batches") == 2)
            #expect(try await count(client, "SELECT count(*) FROM batches WHERE format = 'unknown' AND error_code = 'file.xls'") == 1)
        }
    }

    @Test("a dry run under the Idempotency-Key of a stored batch checks the file and leaves the batch alone")
    func dryRunUnderUsedKey() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            let app = try ServerHarness.application(client: client)
            let headers: HTTPFields = [.authorization: "Bearer \(fixture.keyA.plaintext)", HTTPField.Name("Idempotency-Key")!: "batch-7"]
            try await app.test(.router) { http in
                let stored = try await http.execute(uri: "/api/v1/batches", method: .post, headers: headers,
                                                    body: ByteBuffer(bytes: BatchSamples.csv(BatchSamples.validRows(3))))
                #expect(stored.status == .created)
                // Found by ops/check-api: this was a 500 (the dry run inserted the key a second time).
                let corrected = try await http.execute(uri: "/api/v1/batches?dry_run=true", method: .post, headers: headers,
                                                       body: ByteBuffer(bytes: BatchSamples.csv(BatchSamples.validRows(5))))
                #expect(corrected.status == .ok)
                #expect(try json(corrected)["status"] as? String == "dry_run")
                #expect(try counts(corrected)["accepted"] == 2 && counts(corrected)["unchanged"] == 3)
            }
            #expect(try await count(client, "SELECT count(*) FROM batches") == 1)
            #expect(try await count(client, "SELECT count(*) FROM cases") == 3)
        }
    }

    @Test("an unreadable file is 422 with a code, yet stored with its bytes as a rejected batch")
    func unreadableKept() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            let app = try ServerHarness.application(client: client)
            try await app.test(.router) { http in
                let response = try await http.execute(uri: "/api/v1/batches", method: .post,
                                                      headers: [.authorization: "Bearer \(fixture.keyA.plaintext)"],
                                                      body: ByteBuffer(string: "只有一列\n值\n"))
                #expect(response.status == .unprocessableContent)
                let problem = try JSONDecoder().decode(Problem.self, from: Data(buffer: response.body))
                #expect(problem.code == "header.missing_columns")
                #expect(problem.title.contains("案件编号"))
                #expect(problem.batchID != nil)
            }
            let stored = try await client.query("SELECT b.status, convert_from(p.bytes, 'UTF8') FROM batches b JOIN payloads p ON p.sha256 = b.payload_sha256")[0]
            #expect(try stored.decode(String.self, at: 0) == "rejected")
            #expect(try stored.decode(String.self, at: 1) == "只有一列\n值\n")
        }
    }

    @Test("the bytes of an upload are kept exactly as they came, once per content, however large and whatever bytes they hold")
    func payloadKeptExactly() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            // 3 MiB that is no readable file: every byte value, in a pattern that crosses the
            // 256 KiB chunks the bytes are sent in.
            let payload = (0..<(3 << 20) + 17).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 9) }
            for (partner, key) in [(fixture.partnerA.id, "first"), (fixture.partnerA.id, "second"), (fixture.partnerB.id, "third")] {
                let summary = try await BatchIntake(client: client).submit(BatchSubmission(
                    partnerID: partner, batchNumber: 1, uploader: IdentityFixture.setupActor, payload: payload, idempotencyKey: key, dryRun: false))
                #expect(summary.status == "rejected")
            }
            let rows = try await client.query("""
                SELECT p.bytes, p.sha256 = sha256(p.bytes), (SELECT count(DISTINCT b.id) FROM batches b WHERE b.payload_sha256 = p.sha256)
                FROM payloads p
                """)
            #expect(rows.count == 1, "one stored payload for one content")
            let (bytes, digestMatches, batches) = try rows[0].decode((Data, Bool, Int).self)
            #expect(bytes == Data(payload))
            #expect(digestMatches)
            #expect(batches == 3, "three rejected batches (two keys of one partner, another partner) share it")
        }
    }

    @Test("an unclosed quote found only after good rows were streamed rolls everything back and keeps the file as rejected")
    func lateFileError() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            let rows = BatchSamples.validRows(5) + [#"6,LN-9,"未闭合的引号,91210700MADR9L8F50,凌海市"#]
            let summary = try await submit(rows, partner: fixture.partnerA.id, client: client)
            #expect(summary.status == "rejected")
            #expect(summary.errorCode == "csv.unterminated_quote")
            #expect(try await count(client, "SELECT count(*) FROM cases") == 0)
            #expect(try await count(client, "SELECT count(*) FROM batch_rows") == 0)
            #expect(try await count(client, "SELECT count(*) FROM batches WHERE status = 'rejected'") == 1)
        }
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

    @Test("a mapped file (huqi import) is stored byte for byte; one written to during its import leaves nothing (file.changed)")
    func mappedFileChanged() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("huqi-import-\(UUID().uuidString).csv")
            defer { try? FileManager.default.removeItem(at: url) }
            func submission(_ key: String) throws -> BatchSubmission {
                BatchSubmission(partnerID: fixture.partnerA.id, batchNumber: 1, uploader: IdentityFixture.setupActor,
                                payload: try #require(MappedFile.open(atPath: url.path)), idempotencyKey: key, dryRun: false)
            }
            let original = BatchSamples.csv(BatchSamples.validRows(40))
            try Data(original).write(to: url)
            let stored = try await BatchIntake(client: client).submit(try submission("whole"))
            #expect(stored.counts.accepted == 40)
            #expect(try await client.query("SELECT bytes FROM payloads")[0].decode(Data.self, at: 0) == Data(original))

            try Data(BatchSamples.csv(BatchSamples.validRows(60))).write(to: url)
            let changing = try submission("changing")  // the digest is taken here
            let handle = try FileHandle(forWritingTo: url)
            try handle.seekToEnd()
            try handle.write(contentsOf: Data("61,LN-LATE,后来写入的一行\r\n".utf8))
            try handle.close()
            let error = await #expect(throws: PayloadChanged.self) { try await BatchIntake(client: client).submit(changing) }
            #expect(error?.code == "file.changed")
            #expect(try await count(client, "SELECT count(*) FROM batches") == 1)
            #expect(try await count(client, "SELECT count(*) FROM cases") == 40)
            #expect(try await count(client, "SELECT count(*) FROM payloads") == 1)
        }
    }

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

    @Test("only partners upload; another partner's batch is 404; a bad batch_no is 422; an oversize body is 413")
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
                let big = try await http.execute(uri: "/api/v1/batches", method: .post, headers: [.authorization: "Bearer \(fixture.keyA.plaintext)"],
                                                 body: ByteBuffer(bytes: BatchSamples.csv(BatchSamples.validRows(40))))
                #expect(big.status == .contentTooLarge)
                let problem = try JSONDecoder().decode(Problem.self, from: Data(buffer: big.body))
                #expect(problem.code == "upload.too_large")
            }
        }
    }

    @Test("an XLSX body is recognised by its content; `sheet` picks a worksheet and an unknown one is a coded 422 with the batch kept")
    func xlsxUpload() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            let body = try Data(contentsOf: TestDatabase.repositoryRoot.appendingPathComponent("fixtures/batches/batch4.xlsx"))
            try await ServerHarness.application(client: client).test(.router) { http in
                let auth: HTTPFields = [.authorization: "Bearer \(fixture.keyA.plaintext)", .contentType: "application/octet-stream"]
                let wrong = try await http.execute(uri: "/api/v1/batches?sheet=%E7%AC%AC%E4%BA%94%E6%89%B9", method: .post, headers: auth,
                                                   body: ByteBuffer(bytes: Array(body)))
                #expect(wrong.status == .unprocessableContent)
                #expect(try json(wrong)["code"] as? String == "xlsx.sheet_not_found")
                let named = try await http.execute(uri: "/api/v1/batches?sheet=%E7%AC%AC%E5%9B%9B%E6%89%B9", method: .post, headers: auth,
                                                   body: ByteBuffer(bytes: Array(body)))
                #expect(named.status == .created)
                #expect(try counts(named)["accepted"] == 22)
                #expect(try await count(client, "SELECT count(*) FROM batches WHERE format = 'xlsx'") == 2, "the refused upload is kept too")
            }
        }
    }
}
