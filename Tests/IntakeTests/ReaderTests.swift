import Domain
import Foundation
import Intake
import Testing

@Suite("batch readers")
struct ReaderTests {
    static let header = "序号,案件编号,企业名称,统一社会信用代码,所在地区,企业类型,反映人,联系电话,被反映单位,案件类别,诉求内容,是否已信访"
    static let row = #"1,LN-2026-001,锦州宏达机械有限公司,91210700MADR9L8F50,凌海市,民营,王某,13804165678,某区市场监管局,申诉,"要求退还保证金50万元，""已多次反映""，未果",是"#

    @Test("UTF-8 with BOM, CRLF line ends, quoted commas, doubled quotes and embedded newlines")
    func excelCSV() throws {
        let text = Self.header + "\r\n" + Self.row + "\r\n" + #"2,LN-2026-002,"大连""新""港口, 有限公司",91210231550644863P,大连,国有,,,,控告,"第一行"# + "\r\n" + #"第二行",否"# + "\r\n"
        let batch = try BatchReader.read([0xEF, 0xBB, 0xBF] + Array(text.utf8))
        let rows = try batch.rows.all()
        #expect(batch.encoding == .utf8BOM)
        #expect(rows.count == 2)
        #expect(rows[0].cells["claim"] == #"要求退还保证金50万元，"已多次反映"，未果"#)
        #expect(rows[1].cells["enterprise_name"] == #"大连"新"港口, 有限公司"#)
        #expect(rows[1].cells["claim"] == "第一行\r\n第二行")
        #expect(rows[1].number == 3)
        #expect(rows.allSatisfy { $0.cellCountIssue == nil })
    }

    @Test("rows of empty cells (Excel's ',,,,' below the data) and blank lines are skipped, and row numbers stay Excel's")
    func emptyRowsSkipped() throws {
        let empty = ",,,,,,,,,,,"
        let second = Self.row.replacingOccurrences(of: "LN-2026-001", with: "LN-2026-002")
        let text = [Self.header, empty, Self.row, "", " ,\u{3000},,,,,,,,,,\u{A0}", second, empty, empty, ""].joined(separator: "\r\n")
        let rows = try BatchReader.read(Array(text.utf8)).rows.all()
        #expect(rows.map(\.number) == [3, 6], "as Excel numbers them: header 1, empty 2, blank line 4, blanks 5")
        #expect(rows.map { $0.cells["external_ref"] } == ["LN-2026-001", "LN-2026-002"])
        let onlyEmpty = [Self.header, empty, empty].joined(separator: "\r\n")
        #expect((#expect(throws: BatchReadError.self) { try BatchReader.read(Array(onlyEmpty.utf8)) })?.code == "batch.no_rows")
    }

    @Test("a header repeated inside the data, or a JSON entry that is no object, is one rejected row with one issue, its cells kept")
    func notACase() throws {
        let normalizer = RowNormalizer(regions: RegionResolver(divisions: RowNormalizerTests.divisions),
                                       uploadDate: CalendarDate(year: 2026, month: 11, day: 26)!)
        let pasted = [Self.header, Self.row, Self.header, Self.row.replacingOccurrences(of: "LN-2026-001", with: "LN-2026-002")]
        let rows = try BatchReader.read(Array(pasted.joined(separator: "\r\n").utf8)).rows.all().map(normalizer.normalize)
        #expect(rows.map(\.isRejected) == [false, true, false])
        #expect(rows[1].issues.map(\.code) == ["row.header_repeated"], "not one 'required' error per field")
        #expect(rows[1].raw.number == 3 && rows[1].raw.cells["external_ref"] == "案件编号", "the row is kept as written")
        let json = #"{"cases": [5, {"external_ref": "J1", "enterprise_name": "甲", "credit_code": "91110000600037341L", "region": "沈阳", "claim": "诉求"}]}"#
        let entries = try BatchReader.read(Array(json.utf8)).rows.all().map(normalizer.normalize)
        #expect(entries.map { $0.issues.map(\.code) } == [["json.case_shape"], []])
    }

    @Test("two JSON keys for one field (claim and 诉求内容) with different values reject the row, both values kept; equal values are fine; a nested value is an error of its field")
    func jsonKeysOfOneField() throws {
        let normalizer = RowNormalizer(regions: RegionResolver(divisions: RowNormalizerTests.divisions),
                                       uploadDate: CalendarDate(year: 2026, month: 11, day: 26)!)
        let base = #""external_ref": "J1", "enterprise_name": "甲", "credit_code": "91110000600037341L", "region": "沈阳""#
        let json = #"{"cases": ["#
            + "{\(base), \"claim\": \"请求返还保证金\", \"诉求内容\": \"请求支付货款\"},"
            + "{\(base.replacingOccurrences(of: "J1", with: "J2")), \"claim\": \"请求支付货款\", \"诉求内容\": \"请求支付货款\"},"
            + "{\(base.replacingOccurrences(of: "J1", with: "J3")), \"claim\": {\"text\": \"请求\"}, \"phone\": [1, 2]}"
            + "]}"
        // Dictionaries hold keys in a per-process random order: read the batch several times.
        for _ in 0..<5 {
            let rows = try BatchReader.read(Array(json.utf8)).rows.all().map(normalizer.normalize)
            #expect(rows.map { $0.issues.filter { $0.severity == .error }.map { "\($0.field) \($0.code)" } }
                        == [["claim json.duplicate_field"], [], ["claim json.value_shape", "phone json.value_shape"]])
            #expect(rows[0].issues.first?.message == "字段 claim 和 诉求内容 都是“诉求内容”，值却不同；请只保留一个。")
            #expect(rows[0].raw.cells["claim"] == "请求返还保证金" && rows[0].raw.extra["诉求内容"] == "请求支付货款",
                    "both values are kept with the rejected row")
            #expect(rows[1].record?.claim == "请求支付货款")
        }
    }

    @Test("a JSON batch number may come as a number or a string of digits; anything else is json.batch_no")
    func jsonBatchNumber() throws {
        func read(_ value: String) throws -> Int? {
            try BatchReader.read(Array("{\"batch_no\": \(value), \"cases\": [{\"external_ref\": \"J1\"}]}".utf8)).batchNumber
        }
        for written in ["3", "3.0", #""3""#, #"" 3 ""#] { #expect(try read(written) == 3, "\(written)") }
        #expect(try read("null") == nil)
        for written in ["3.5", #""三""#, #""3批""#, "true", "[3]", "0", "100000", #""""#] {
            #expect((#expect(throws: BatchReadError.self, "\(written)") { try read(written) })?.code == "json.batch_no")
        }
    }

    @Test("a number Excel exported in scientific notation (1.10105E+17) is an error of its cell: its digits are gone")
    func scientificNotation() throws {
        let normalizer = RowNormalizer(regions: RegionResolver(divisions: RowNormalizerTests.divisions),
                                       uploadDate: CalendarDate(year: 2026, month: 11, day: 26)!)
        let text = "案件编号,企业名称,统一社会信用代码,所在地区,诉求内容,反映人身份证号,联系电话\n"
            + "E-1,甲公司,9.12107E+17,凌海,诉求, 1.10105E+17 ,1.38042e10\n"
            + "2.02611E+11,乙公司,91210700MADR9L8F50,凌海,诉求,11010519491231002X,13804165678\n"
            + "E-3,丙公司,91210700MADR9L8F50,凌海,诉求E+17,11010519491231002X,0416-2345678\n"
        let rows = try BatchReader.read(Array(text.utf8)).rows.all().map(normalizer.normalize)
        #expect(Set(rows[0].issues.map { "\($0.field) \($0.code)" })
                == ["credit_code csv.scientific_notation", "reporter_id_number csv.scientific_notation", "phone csv.scientific_notation"])
        #expect(rows[0].issues.first { $0.field == "reporter_id_number" }?.message.contains("“1.10105E+17”") == true)
        #expect(rows[1].issues.map(\.code) == ["csv.scientific_notation"] && rows[1].issues.first?.field == "external_ref")
        #expect(rows[2].issues.isEmpty, "text that merely contains E+ is not a number")
    }

    @Test("a GB18030 file reads exactly like its UTF-8 twin and reports its encoding")
    func gb18030Twin() throws {
        let text = Self.header + "\n" + Self.row + "\n"
        let gb = try #require(TextDecoding.encodeGB18030(text))
        #expect(gb != Array(text.utf8))
        let fromGB = try BatchReader.read(gb)
        let fromUTF8 = try BatchReader.read(Array(text.utf8))
        #expect(fromGB.encoding == .gb18030)
        #expect(fromUTF8.encoding == .utf8)
        #expect(try fromGB.rows.all() == fromUTF8.rows.all())
    }

    @Test("English field names are accepted as headers, full-width headers too")
    func headerSpellings() throws {
        let text = "external_ref,ENTERPRISE_NAME,credit_code,region,claim,涉案金额（万元）\nA1,甲公司,91110000600037341L,沈阳,诉求,12\n"
        let batch = try BatchReader.read(Array(text.utf8))
        let rows = try batch.rows.all()
        #expect(rows[0].cells["enterprise_name"] == "甲公司")
        #expect(rows[0].cells["amount_wan"] == "12")
    }

    @Test("headers marked as required or optional by a template are still recognized", arguments: [
        "*案件编号,*企业名称,统一社会信用代码*,所在地区（必填）,诉求内容(必填),涉案金额（万元）（选填）",
        "＊案件编号,企业名称 （必填）,统一社会信用代码,所在地区,诉求内容 *,涉案金额(万元)",
    ])
    func requirementMarks(header: String) throws {
        let text = header + "\nA1,甲公司,91110000600037341L,沈阳,诉求,12\n"
        let batch = try BatchReader.read(Array(text.utf8))
        let row = try #require(try batch.rows.all().first)
        #expect(batch.warnings.isEmpty, "no column is unknown")
        #expect(row.cells["external_ref"] == "A1" && row.cells["region"] == "沈阳" && row.cells["claim"] == "诉求")
        #expect(row.cells["credit_code"] == "91110000600037341L" && row.cells["amount_wan"] == "12")
    }

    @Test("unknown columns are kept and reported once as a warning; short rows are flagged per row")
    func unknownColumnsAndCounts() throws {
        let text = "案件编号,企业名称,统一社会信用代码,所在地区,诉求内容,经办人\nA1,甲,91110000600037341L,沈阳,诉求,张三\nA2,乙,91110000600037341L,沈阳\n"
        let batch = try BatchReader.read(Array(text.utf8))
        let rows = try batch.rows.all()
        #expect(batch.warnings.map(\.code) == ["header.unknown_columns"])
        #expect(rows[0].extra == ["经办人": "张三"])
        #expect(rows[1].cellCountIssue?.code == "row.column_count")
    }

    @Test("unusable files get file-level codes", arguments: [
        ("", "file.empty"),
        ("案件编号,企业名称,统一社会信用代码,所在地区,诉求内容\n", "batch.no_rows"),
        ("只有一列\n值\n", "header.missing_columns"),
        ("案件编号,企业名称,统一社会信用代码,所在地区,诉求内容\nA1,\"未闭合,x,y,z\n", "csv.unterminated_quote"),
        ("{\"cases\": 3}", "json.shape"),
        ("{\"cases\": [", "json.invalid"),
        ("  [{\"external_ref\": \"J1\"}]", "json.shape"),  // was read as CSV: "missing columns"
        ("案件编号\t企业名称\t统一社会信用代码\t所在地区\t诉求内容\nA1\t甲\t91110000600037341L\t沈阳\t诉求\n", "csv.tab_separated"),
        ("案件编号,企业名称,统一社会信用代码,所在地区,诉求内容\n,,,,\n\n,,,,\n", "batch.no_rows"),
        ("PK\u{3}\u{4}rest", "xlsx.not_a_zip"),
    ])
    func unusable(text: String, code: String) {
        // (Text only; an .xls file is bytes: see `legacyExcel`.)
        let error = #expect(throws: BatchReadError.self) { try BatchReader.read(Array(text.utf8)) }
        #expect(error?.code == code)
    }

    @Test("an Excel 97–2003 file (.xls, as WPS saves) is refused as file.xls, saying what to save as")
    func legacyExcel() {
        let bytes = BatchReader.legacyExcelMagic + [UInt8](repeating: 0, count: 504) + Array("Workbook".utf16.flatMap { [UInt8($0), 0] })
        let error = #expect(throws: BatchReadError.self) { try BatchReader.read(bytes) }
        #expect(error?.code == "file.xls" && error?.message.contains("（.xlsx）") == true)
    }

    @Test("bytes that are neither UTF-8 nor GB18030 are refused as encoding.invalid")
    func invalidEncoding() {
        let bytes: [UInt8] = Array("案件编号,企业名称\n".utf8) + [0xFF, 0xFF, 0x80, 0x0A]
        #expect((#expect(throws: BatchReadError.self) { try BatchReader.read(bytes) })?.code == "encoding.invalid")
    }

    @Test("a UTF-16 file (Excel's Unicode text) is refused as encoding.utf16, with the format to choose instead",
          arguments: [[UInt8]([0xFF, 0xFE]), [0xFE, 0xFF]])
    func utf16(bom: [UInt8]) {
        let units = Array("案件编号,企业名称\r\n".utf16)
        let bytes = bom + units.flatMap { bom == [0xFF, 0xFE] ? [UInt8($0 & 0xFF), UInt8($0 >> 8)] : [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        let error = #expect(throws: BatchReadError.self) { try BatchReader.read(bytes) }
        #expect(error?.code == "encoding.utf16")
        #expect(error?.message.contains("CSV UTF-8（逗号分隔）") == true)
    }

    @Test("a JSON batch reads its number and cases; numbers and booleans become text; unknown keys kept")
    func json() throws {
        let text = #"{"batch_no": 4, "cases": [{"external_ref": "J-1", "enterprise_name": "甲", "credit_code": "91110000600037341L", "region": "210781", "claim": "诉求", "petitioned_before": true, "petition_count": 3, "note": "x"}]}"#
        let batch = try BatchReader.read(Array(text.utf8))
        let rows = try batch.rows.all()
        #expect(batch.format == "json")
        #expect(batch.batchNumber == 4)
        #expect(rows[0].cells["petitioned_before"] == "是")
        #expect(rows[0].cells["petition_count"] == "3")
        #expect(rows[0].extra == ["note": "x"])
    }
}
