import Domain
import Foundation
import Intake
import Testing

/// The XLSX reader: the openpyxl-written twin of batch 4 gives exactly the CSV's cases; each
/// quirk of real sheets on a small sheet; each protection refuses with its code.
@Suite("XLSX batches")
struct XLSXReaderTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let normalizer = RowNormalizer(regions: RegionResolver(divisions: RowNormalizerTests.divisions),
                                   uploadDate: CalendarDate(year: 2026, month: 11, day: 26)!)

    func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: Self.root.appendingPathComponent(path))) }

    @Test("batch 4 written by openpyxl (title row, merged cells, real dates, a hidden column) gives the CSV twin's cases")
    func fixtureTwin() throws {
        let xlsx = try BatchReader.read(try bytes("fixtures/batches/batch4.xlsx"))
        let csv = try BatchReader.read(try bytes("fixtures/batches/batch4-utf8.csv"))
        #expect(xlsx.format == "xlsx")
        let (fromXLSX, fromCSV) = (try xlsx.rows.all().map(normalizer.normalize), try csv.rows.all().map(normalizer.normalize))
        #expect(fromXLSX.count == 22 && fromXLSX.count == fromCSV.count, "batch 4 has 22 cases (fixtures/batches/labels.csv)")
        #expect(fromXLSX.map(\.record) == fromCSV.map(\.record), "every case is the same")
        #expect(fromXLSX.map { $0.issues.map(\.code) } == fromCSV.map { $0.issues.map(\.code) }, "and so is every issue")
        #expect(fromXLSX.first?.raw.number == 4, "rows are numbered as Excel shows them (title, empty row, header above)")
    }

    @Test("sparse cells stay in their columns; shared, rich and inline strings; booleans; formulas give their cached value")
    func cells() throws {
        let rows = XLSXSample.headerRow(1) + """
            <row r="2"><c r="A2"><v>1</v></c><c r="B2" t="s"><v>0</v></c><c r="C2" t="s"><v>1</v></c>\
            <c r="D2" t="inlineStr"><is><t>91210700MADR9L8F50</t></is></c><c r="E2" t="str"><f>"凌海"&amp;"市"</f><v>凌海市</v></c>\
            <c r="H2" t="inlineStr"><is><t>要求退还保证金</t></is></c><c r="I2" t="b"><v>1</v></c></row>
            """
        let file = try XLSXSample.make(rows: rows, sharedStrings: ["LN-X-1", "<r><t>锦州</t></r><r><t>宏达有限公司</t></r>"])
        let row = try #require(try BatchReader.read(file).rows.all().first)
        #expect(row.cells["external_ref"] == "LN-X-1")
        #expect(row.cells["enterprise_name"] == "锦州宏达有限公司")
        #expect(row.cells["region"] == "凌海市", "the formula's cached value")
        #expect((row.cells["enterprise_kind"] ?? "") == "" && (row.cells["reporter_id_number"] ?? "") == "", "missing cells F2, G2 are empty, not shifted")
        #expect(row.cells["claim"] == "要求退还保证金")
        #expect(row.cells["petitioned_before"] == "是")
    }

    @Test("the shared strings are found through the workbook's relationships, whatever their part is named")
    func sharedStringsByRelationship() throws {
        let rows = XLSXSample.headerRow(1) + """
            <row r="2"><c r="B2" t="s"><v>0</v></c><c r="C2" t="s"><v>1</v></c></row>
            """
        let file = try XLSXSample.make(rows: rows, sharedStrings: ["LN-S-1", "锦州宏达有限公司"], sharedStringsPart: "xl/SharedStrings.xml")
        let row = try #require(try BatchReader.read(file).rows.all().first)
        #expect(row.cells["external_ref"] == "LN-S-1" && row.cells["enterprise_name"] == "锦州宏达有限公司")
        // A reference past the strings (a damaged file) is an error, never a cell silently emptied.
        let damaged = try XLSXSample.make(rows: XLSXSample.headerRow(1) + #"<row r="2"><c r="B2" t="s"><v>7</v></c></row>"#,
                                          sharedStrings: ["LN-S-1"])
        let error = #expect(throws: BatchReadError.self) { try BatchReader.read(damaged) }
        #expect(error?.code == "xlsx.shared_string_missing" && error?.message.contains("第 2 行第 2 列") == true)
    }

    @Test("dates: serials with a built-in or custom date format (1900 system and its 1900-02-29), the 1904 system, text dates")
    func dates() throws {
        func handedOver(_ cell: String, date1904: Bool = false) throws -> String? {
            let rows = XLSXSample.headerRow(1) + "<row r=\"2\">\(XLSXSample.text("B2", "R-1"))\(cell)</row>"
            return try BatchReader.read(try XLSXSample.make(rows: rows, date1904: date1904)).rows.all().first?.cells["handed_over_on"]
        }
        #expect(try handedOver("<c r=\"J2\" s=\"1\"><v>46350</v></c>") == "2026-11-24")
        #expect(try handedOver("<c r=\"J2\" s=\"2\"><v>46350.75</v></c>") == "2026-11-24", "a custom 年月日 format; the time is dropped")
        #expect(try handedOver("<c r=\"J2\" s=\"1\"><v>59</v></c>") == "1900-02-28")
        #expect(try handedOver("<c r=\"J2\" s=\"1\"><v>61</v></c>") == "1900-03-01", "serial 60 is the 1900-02-29 that never was")
        #expect(try handedOver("<c r=\"J2\" s=\"1\"><v>0</v></c>", date1904: true) == "1904-01-01")
        #expect(try handedOver("<c r=\"J2\"><v>46350</v></c>") == "46350", "a number without a date format stays a number")
        #expect(try handedOver(XLSXSample.text("J2", "2026年11月24日")) == "2026年11月24日")
    }

    @Test("an ID number or credit code that Excel stored as a number is a coded error in that cell, not a wrong value")
    func numbersForText() throws {
        let rows = XLSXSample.headerRow(1) + """
            <row r="2">\(XLSXSample.text("B2", "N-1"))\(XLSXSample.text("C2", "某公司"))<c r="D2"><v>9.12107E+17</v></c>\
            \(XLSXSample.text("E2", "凌海市"))<c r="G2"><v>1.10105194912310E+17</v></c>\(XLSXSample.text("H2", "诉求"))</row>
            """
        let raw = try #require(try BatchReader.read(try XLSXSample.make(rows: rows)).rows.all().first)
        let row = normalizer.normalize(raw)
        #expect(row.record == nil)
        let codes = row.issues.map { "\($0.field):\($0.code)" }
        #expect(codes.contains("credit_code:xlsx.number_for_text") && codes.contains("reporter_id_number:xlsx.number_for_text"))
        #expect(!codes.contains("credit_code:credit_code.checksum") && !codes.contains("credit_code:required.missing"), "one message per cell")
        #expect(row.issues.first { $0.field == "credit_code" }?.message.contains("被Excel存成了数字") == true)
        #expect(row.issues.first { $0.field == "credit_code" }?.message.contains("D2") == true)
    }

    @Test("the header is found below a title and empty rows; empty rows are skipped; a named sheet is read, an unknown name refused")
    func layout() throws {
        let rows = "<row r=\"1\">\(XLSXSample.text("A1", "2026年第三批移交清单"))</row>" + XLSXSample.headerRow(4) + """
            <row r="5"/><row r="6">\(XLSXSample.text("B6", "T-1"))\(XLSXSample.text("H6", "诉求"))</row><row r="9"><c r="C9" t="inlineStr"><is><t> </t></is></c></row>
            """
        let file = try XLSXSample.make(rows: rows, sheets: ["说明", "案件"], rowsIn: 1)
        #expect((#expect(throws: BatchReadError.self) { try BatchReader.read(file) })?.code == "xlsx.sheet_empty", "the first sheet is empty")
        let rowsRead = try BatchReader.read(file, sheet: "案件").rows.all()
        #expect(rowsRead.count == 1 && rowsRead[0].number == 6)
        let missing = #expect(throws: BatchReadError.self) { try BatchReader.read(file, sheet: "第五批") }
        #expect(missing?.code == "xlsx.sheet_not_found" && missing?.message.contains("说明、案件") == true)
    }

    @Test("protections: ZIP bomb, path traversal, DTD (entity expansion), too many columns, not a ZIP — each coded")
    func protections() throws {
        func code(_ file: [UInt8]) -> String? { (#expect(throws: BatchReadError.self) { try BatchReader.read(file) })?.code }
        let padding = String(repeating: " ", count: 20_000_000)
        #expect(code(try XLSXSample.make(rows: XLSXSample.headerRow(1) + padding)) == "xlsx.too_large")
        #expect(code(try XLSXSample.make(rows: XLSXSample.headerRow(1), extraParts: [("../../etc/evil.xml", Data("x".utf8))])) == "xlsx.unsafe_path")
        let dtd = "<?xml version=\"1.0\"?><!DOCTYPE lol [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
        #expect(code(try XLSXSample.make(rows: XLSXSample.headerRow(1), sheetPrefix: dtd)) == "xlsx.dtd_refused")
        #expect(code(try XLSXSample.make(rows: XLSXSample.headerRow(1) + "<row r=\"2\">\(XLSXSample.text("ZZ2", "x"))</row>")) == "xlsx.too_many_columns")
        #expect(code(Array("PK\u{3}\u{4}not really a zip".utf8)) == "xlsx.not_a_zip")
        let twoRows = XLSXSample.headerRow(1) + (2...3).map { "<row r=\"\($0)\">\(XLSXSample.text("B\($0)", "R-\($0)"))</row>" }.joined()
        let tooMany = #expect(throws: BatchReadError.self) { try BatchReader.read(try XLSXSample.make(rows: twoRows), limits: .init(maximumRows: 1)) }
        #expect(tooMany?.code == "batch.too_many_rows")
    }

    @Test("a damaged archive whose offsets point past its end is a coded error, not a crash, and leaves no temporary file")
    func offsetsPastTheEnd() throws {
        // Found by ops/fuzz: ZIPFoundation's in-memory archive trapped on this file.
        let url = FuzzCorpusTests.corpus.appendingPathComponent("xlsx/crash-zip-offset-past-end.bin")
        func leftovers() throws -> Set<String> {
            Set(try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()).filter { $0.hasPrefix("huqi-xlsx-") })
        }
        let before = try leftovers()
        let error = #expect(throws: BatchReadError.self) { try BatchReader.read([UInt8](try Data(contentsOf: url))) }
        #expect(error?.code.hasPrefix("xlsx.") == true)
        // Other tests read XLSX in parallel; their files live for milliseconds. A leftover stays.
        let appeared = try leftovers().subtracting(before)
        Thread.sleep(forTimeInterval: 1)
        #expect(try leftovers().intersection(appeared).isEmpty)
    }

    @Test("a sheet whose XML names are not UTF-8 is a coded error, not a crash of XMLParser")
    func namesNotUTF8() throws {
        // Found by ops/fuzz: FoundationXML trapped on the element name <t\xe9\x99\x88\x98…>.
        let url = FuzzCorpusTests.corpus.appendingPathComponent("xlsx/crash-xml-name-not-utf8.bin")
        let error = #expect(throws: BatchReadError.self) { try BatchReader.read([UInt8](try Data(contentsOf: url))) }
        #expect(error?.code == "xlsx.not_utf8" || error?.code == "xlsx.corrupt")
    }
}
