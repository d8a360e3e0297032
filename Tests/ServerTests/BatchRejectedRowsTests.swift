import Domain
import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Postgres
import Server
import Store
import Testing
import TestSupport
import ZIPFoundation

/// A batch's rejected rows handed back as they came (`GET /api/v1/batches/{id}/rejected`), to
/// be fixed in Excel and uploaded again.
@Suite("batch upload: rejected rows to fix")
struct BatchRejectedRowsTests: BatchUploadSuite {
    /// `parts` zipped again as a workbook (what Excel does on save, near enough for our reader).
    static func workbook(_ parts: [String: String]) throws -> ByteBuffer {
        let archive = try Archive(accessMode: .create)
        for (path, text) in parts.sorted(by: { $0.key < $1.key }) {
            let data = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count)) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return ByteBuffer(bytes: try #require(archive.data))
    }

    @Test("rejected rows come back as written, with their row number and problems; fixed, the same workbook uploads cleanly")
    func fixAndUploadAgain() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            var rows = BatchSamples.validRows(3, prefix: "R").map { $0 + ",经理" }
            rows[1] = rows[1].replacingOccurrences(of: "91110000600037341L", with: "91110000600037341X")
            rows[2] = rows[2].replacingOccurrences(of: ",210781,", with: ",铁西区,").replacingOccurrences(of: "13804165678", with: "+86 138 0416 5678")
            let file = BatchSamples.csv(rows, header: BatchSamples.header + ",联系人职务")
            try await ServerHarness.application(client: client).test(.router) { http in
                let auth: HTTPFields = [.authorization: "Bearer \(fixture.keyA.plaintext)"]
                let first = try await http.execute(uri: "/api/v1/batches", method: .post, headers: auth, body: ByteBuffer(bytes: file))
                #expect(try counts(first)["rejected"] == 2)
                let id = try #require(try json(first)["batch_id"] as? Int)

                let rejected = try await http.execute(uri: "/api/v1/batches/\(id)/rejected", method: .get, headers: auth)
                #expect(rejected.status == .ok)
                #expect(rejected.headers[.contentDisposition] == "attachment; filename=\"batch-\(id)-rejected.xlsx\"")
                var parts = try SpreadsheetTests.parts(rejected.body)
                let sheet = try #require(parts["xl/worksheets/sheet1.xml"])
                let header = CanonicalField.all.map(\.header) + ["联系人职务", "原行号", "问题说明"]
                let positions = header.compactMap { sheet.range(of: ">\($0)</t>")?.lowerBound }
                #expect(positions.count == header.count && positions == positions.sorted(), "the form's header, the file's own column, then huqi's two")
                #expect(sheet.contains("<row r=\"3\"") && !sheet.contains("<row r=\"4\""), "two rejected rows, nothing else")
                #expect(!sheet.contains(">R-0001</t>"), "the accepted row is not handed back")
                // As written (the phone with its +86 and spaces), with the file's row number and problems.
                #expect(sheet.contains(">+86 138 0416 5678</t>") && sheet.contains(">经理</t>"))
                #expect(sheet.contains("<v>3</v>") && sheet.contains("<v>4</v>"), "原行号 3 and 4")
                #expect(sheet.contains(">统一社会信用代码：") && sheet.contains("校验位应为"))
                #expect(sheet.contains(">所在地区：") && sheet.contains("铁西区在"))
                #expect(sheet.contains("style=\"3\""), "the digit columns are text, as in the template")

                // Uploaded again unchanged: the same rows are refused, and huqi's own columns raise no warning.
                let again = try await http.execute(uri: "/api/v1/batches", method: .post, headers: auth, body: rejected.body)
                let answer = try json(again)
                #expect(try counts(again)["rejected"] == 2 && counts(again)["total"] == 2)
                let warnings = (answer["file_warnings"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }.joined()
                #expect(warnings.contains("联系人职务") && !warnings.contains("原行号") && !warnings.contains("问题说明"), "\(warnings)")

                // Fixed in the workbook: both rows become cases.
                parts["xl/worksheets/sheet1.xml"] = sheet.replacingOccurrences(of: ">91110000600037341X</t>", with: ">91110000600037341L</t>")
                    .replacingOccurrences(of: ">铁西区</t>", with: ">沈阳市铁西区</t>")
                let fixed = try await http.execute(uri: "/api/v1/batches", method: .post, headers: auth, body: try Self.workbook(parts))
                #expect(try counts(fixed)["accepted"] == 2 && counts(fixed)["rejected"] == 0, "\(String(buffer: fixed.body))")
                let phone = try await client.query("SELECT phone FROM cases WHERE external_ref = 'R-0003'")[0].decode(String.self, at: 0)
                #expect(phone == "13804165678")

                // Another partner's batch is not there; without a caller, nothing is.
                let other = try await http.execute(uri: "/api/v1/batches/\(id)/rejected", method: .get,
                                                   headers: [.authorization: "Bearer \(fixture.keyB.plaintext)"])
                #expect(other.status == .notFound)
                #expect(try await http.execute(uri: "/api/v1/batches/\(id)/rejected", method: .get).status == .unauthorized)
            }
        }
    }
}
