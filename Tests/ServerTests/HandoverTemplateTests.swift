import Domain
import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Postgres
import Reporting
import Server
import Store
import Testing
import TestSupport

/// The blank handover form partners download (`GET /api/v1/batches/template`): the header row
/// huqi reads, the columns Excel must keep as text, drop-downs for the closed lists, and a sheet
/// saying how to fill in each column — whose examples make a row huqi accepts.
@Suite("handover template")
struct HandoverTemplateTests: BatchUploadSuite {
    @Test("the Excel template has the form's header, text columns for digit identifiers, drop-downs and an instructions sheet; the CSV is the header")
    func template() async throws {
        #expect(Set(HandoverTemplate.guidance.keys) == Set(CanonicalField.all.map(\.name)), "every column has guidance")
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            try await ServerHarness.application(client: client).test(.router) { http in
                let auth: HTTPFields = [.authorization: "Bearer \(fixture.keyA.plaintext)"]
                let xlsx = try await http.execute(uri: "/api/v1/batches/template", method: .get, headers: auth)
                #expect(xlsx.status == .ok)
                #expect(xlsx.headers[.contentType] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
                let parts = try SpreadsheetTests.parts(xlsx.body)
                let workbook = try #require(parts["xl/workbook.xml"])
                #expect(workbook.contains("name=\"移交表\"") && workbook.contains("name=\"填写说明\""))
                let form = try #require(parts["xl/worksheets/sheet1.xml"])
                let headers = CanonicalField.all.map(\.header)
                let positions = headers.map { form.range(of: ">\($0)</t>")?.lowerBound }
                #expect(positions.allSatisfy { $0 != nil } && positions.map { $0! } == positions.map { $0! }.sorted(), "every header, in the form's order")
                #expect(!form.contains("<row r=\"2\""), "no example row anyone could upload by mistake")
                // 案件编号 B, 统一社会信用代码 D, 反映人身份证号 H, 联系电话 I: text (`@`, style 3).
                let textColumns = form.components(separatedBy: "<col ").dropFirst().filter { $0.contains("style=\"3\"") }.map { $0.prefix(16) }
                #expect(textColumns == ["min=\"2\" max=\"2\" ", "min=\"4\" max=\"4\" ", "min=\"8\" max=\"8\" ", "min=\"9\" max=\"9\" "])
                #expect(parts["xl/styles.xml"]?.contains("<xf numFmtId=\"49\" applyNumberFormat=\"1\"/>") == true)
                #expect(form.contains("sqref=\"F2:F1001\"><formula1>&quot;民营,国有,外资,个体,其他&quot;</formula1>"))
                #expect(form.contains("sqref=\"M2:M1001\"><formula1>&quot;是,否&quot;</formula1>"))
                #expect(form.components(separatedBy: "<dataValidation ").count - 1 == 4, "企业类型, 案件类别, 是否已信访, 诉讼阶段")
                let instructions = try #require(parts["xl/worksheets/sheet2.xml"])
                for field in CanonicalField.all {
                    let note = try #require(HandoverTemplate.guidance[field.name])
                    #expect(instructions.contains(">\(field.header)</t>") && instructions.contains(">\(note.rule)</t>"), "\(field.name)")
                }

                let csv = try await http.execute(uri: "/api/v1/batches/template?format=csv", method: .get, headers: auth)
                #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
                #expect(Array(Data(buffer: csv.body)) == [0xEF, 0xBB, 0xBF] + Array((headers.joined(separator: ",") + "\r\n").utf8))

                let wrong = try await http.execute(uri: "/api/v1/batches/template?format=pdf", method: .get, headers: auth)
                #expect(wrong.status == .unprocessableContent)
                #expect(try JSONDecoder().decode(Problem.self, from: Data(buffer: wrong.body)).code == "template.format_invalid")
                #expect(try await http.execute(uri: "/api/v1/batches/template", method: .get).status == .unauthorized)

                // Uploaded blank by mistake, it is read (its own header recognised) and refused for having no rows.
                let blank = try await http.execute(uri: "/api/v1/batches", method: .post, headers: auth, body: xlsx.body)
                #expect(blank.status == .unprocessableContent)
                #expect(try JSONDecoder().decode(Problem.self, from: Data(buffer: blank.body)).code == "batch.no_rows")
            }
        }
    }

    @Test("the instructions' examples, filled in under the template's header, make a case huqi accepts without a warning")
    func examplesAreValid() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            let header = String(decoding: HandoverTemplate.csv().dropFirst(3), as: UTF8.self).trimmingCharacters(in: .newlines)
            let row = CanonicalField.all.map { "\"" + HandoverTemplate.guidance[$0.name]!.example + "\"" }.joined(separator: ",")
            let summary = try await BatchIntake(client: client).submit(BatchSubmission(
                partnerID: fixture.partnerA.id, batchNumber: 1, uploader: IdentityFixture.setupActor,
                payload: BatchSamples.csv([row], header: header), idempotencyKey: nil, dryRun: false))
            #expect(summary.counts.accepted == 1 && summary.counts.warnings == 0 && summary.counts.rejected == 0, "\(summary.counts)")
            let stored = try await client.query("""
                SELECT enterprise_name, unit_code, petition_related, amount_wan::float8::text, handed_over_on::text FROM cases
                """)[0].decode((String, String, Bool, String, String).self)
            #expect(stored.0 == "锦州宏达（集团）有限公司" && stored.1 == "210781" && stored.2 && stored.3 == "120" && stored.4 == "2026-03-11",
                    "\(stored)")
        }
    }
}
