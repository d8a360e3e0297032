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

/// The file itself: kept byte for byte, kept as a rejected batch when unreadable (also when the
/// fault is found late), a mapped file changed under its import, XLSX recognised by content.
@Suite("batch upload: files as they came")
struct BatchFileTests: BatchUploadSuite {
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
