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

/// Excel out: the weekly summary, a case list and a batch's problem rows as `.xlsx`. (LibreOffice
/// and openpyxl read the weekly workbook back in ops/e2e/xlsx_check.py.)
@Suite("spreadsheets out")
struct SpreadsheetTests {
    /// The parts of a workbook by path.
    static func parts(_ body: ByteBuffer) throws -> [String: String] {
        let archive = try Archive(data: Data(buffer: body), accessMode: .read)
        var parts: [String: String] = [:]
        for entry in archive {
            var data = Data()
            _ = try archive.extract(entry) { data.append($0) }
            parts[entry.path] = String(decoding: data, as: UTF8.self)
        }
        return parts
    }

    @Test("the weekly summary as XLSX: a sheet per table with Chinese names, frozen bold header, numbers as numbers, rates as percentages")
    func weekly() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            try await world.upload(WorkflowWorld.rows(3, prefix: "W", petition: true))
            let week = ISOWeek(containing: CalendarDate.today())
            try await ServerHarness.application(client: client).test(.router) { http in
                let response = try await http.execute(uri: "/api/v1/reports/weekly/\(week)?format=xlsx", method: .get,
                                                      headers: [.authorization: "Bearer \(world.token("office"))"])
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
                #expect(response.headers[.contentDisposition]?.contains("xlsx") == true)
                let parts = try Self.parts(response.body)
                let workbook = try #require(parts["xl/workbook.xml"])
                #expect(workbook.contains("name=\"说明\"") && workbook.contains("name=\"各阶段进出与周末存量\"") && workbook.contains("name=\"化解情况\""))
                let stages = try #require(parts.first { $0.value.contains(">阶段<") && $0.value.contains(">周末存量<") }?.value)
                #expect(stages.contains("state=\"frozen\"") && stages.contains("<c r=\"A1\" t=\"inlineStr\" s=\"1\">"))
                #expect(stages.contains("<c r=\"B2\"><v>3</v></c>"), "3 cases entered triage this week, as a number")
                #expect(parts["xl/styles.xml"]?.contains("formatCode=\"0.0%\"") == true)
                #expect(!parts.values.contains { $0.contains("<f>") }, "no formulas anywhere")
            }
        }
    }

    @Test("a case list and a batch's problem rows as XLSX; a cell starting with = stays text")
    func lists() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            var rows = WorkflowWorld.rows(2, prefix: "F", petition: false)
            rows[0] = rows[0].replacingOccurrences(of: "F企业1有限公司", with: "=SUM(1+2)企业")
            rows.append(rows[1].replacingOccurrences(of: "F-2,", with: "F-3,").replacingOccurrences(of: "91110000600037341L", with: "91110000600037341X"))
            let summary = try await world.upload(rows)
            try await ServerHarness.application(client: client).test(.router) { http in
                let cases = try await http.execute(uri: "/api/v1/cases?format=xlsx", method: .get,
                                                   headers: [.authorization: "Bearer \(world.token("leader.jz"))"])
                #expect(cases.status == .ok)
                let sheet = try #require(try Self.parts(cases.body)["xl/worksheets/sheet1.xml"])
                #expect(sheet.contains("F-1") && sheet.contains("F-2") && !sheet.contains("F-3"), "the rejected row is no case")
                #expect(sheet.contains("t=\"inlineStr\"><is><t xml:space=\"preserve\">=SUM(1+2)企业</t>") && !sheet.contains("<f>"))
                let denied = try await http.execute(uri: "/api/v1/cases?format=xlsx", method: .get,
                                                    headers: [.authorization: "Bearer \(world.token("pros.sy"))"])
                #expect(!(try Self.parts(denied.body)["xl/worksheets/sheet1.xml"] ?? "").contains("F-1"), "another unit's export has none of them")
                let errors = try await http.execute(uri: "/api/v1/batches/\(summary.batchID ?? 0)/errors?format=xlsx", method: .get,
                                                    headers: [.authorization: "Bearer \(world.identity.keyA.plaintext)"])
                #expect(errors.status == .ok)
                let problems = try #require(try Self.parts(errors.body)["xl/worksheets/sheet1.xml"])
                #expect(problems.contains("credit_code.checksum") && problems.contains("<c r=\"A2\"><v>4</v></c>"))
            }
        }
    }
}
