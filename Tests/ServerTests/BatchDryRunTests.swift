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

/// `dry_run=true` answers what the upload would — counts and each row's coded problems — and
/// keeps nothing.
@Suite("batch upload: dry runs")
struct BatchDryRunTests: BatchUploadSuite {
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
}
