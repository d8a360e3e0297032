import Domain
import Foundation
import Testing

@Suite("cell values")
struct ValueParsingTests {
    @Test("full-width characters, ideographic spaces and NBSP are normalized; （） kept in names")
    func text() {
        #expect(TextNormalizer.normalize("\u{3000}锦州ＡＢＣ　有限\u{00A0}\u{00A0}公司（分公司） ") == "锦州ABC 有限 公司(分公司)")
        #expect(TextNormalizer.normalize("锦州  宏达（集团）", keepingFullWidthParentheses: true) == "锦州 宏达（集团）")
        #expect(TextNormalizer.compact("０４１６　２３４５６７８") == "04162345678")
    }

    @Test("free text keeps the punctuation of Chinese prose and its paragraphs; full-width letters and digits fold")
    func prose() {
        #expect(TextNormalizer.prose("纠纷一案，法院判决认定事实错误：判令赔偿２６８０万元；请求抗诉！是否合法？（附判决书）")
                == "纠纷一案，法院判决认定事实错误：判令赔偿2680万元；请求抗诉！是否合法？（附判决书）")
        #expect(TextNormalizer.prose("ＡＢＣ公司＆ＸＹＺ／合同％") == "ABC公司&XYZ/合同%")
        // Alt+Enter paragraphs survive (CRLF, CR, LF, U+2028), each line trimmed, blank runs collapsed.
        #expect(TextNormalizer.prose("　一、事实经过 \r\n二、\u{3000}\u{3000}诉求\r三、附件\u{2028}四") == "一、事实经过\n二、 诉求\n三、附件\n四")
        // At most one empty line between paragraphs; blank lines and spaces at the ends dropped.
        #expect(TextNormalizer.prose("\n\n 第一段\n \n\n\n\t第二段 \n\n") == "第一段\n\n第二段")
        #expect(TextNormalizer.prose("   ") == "")
        // The same text in a one-line column still folds everything onto one line.
        #expect(TextNormalizer.normalize("一案，判决\n赔偿", as: .plain) == "一案,判决 赔偿")
        #expect(TextNormalizer.normalize("锦州（集团），有限", as: .name) == "锦州（集团）,有限")
        #expect(CanonicalField.named("claim")?.form == .prose && CanonicalField.named("remarks")?.form == .prose)
        #expect(CanonicalField.named("enterprise_name")?.form == .name && CanonicalField.named("external_ref")?.form == .plain)
    }

    @Test("every date form of the handover form parses to the same day", arguments: [
        "2024-07-25", "2024/7/25", "2024.7.25", "2024年7月25日", "20240725", "２０２４－０７－２５", " 2024/07/25 ",
    ])
    func dates(text: String) throws {
        #expect(try DateParser.parse(text, field: "handed_over_on") == CalendarDate(year: 2024, month: 7, day: 25))
    }

    @Test("impossible or unrecognised dates are errors, never guesses", arguments: [
        ("2024-02-30", "date.invalid"), ("25/07/2024", "date.unparseable"), ("2024-7", "date.unparseable"),
        ("昨天", "date.unparseable"), ("2024年7-25", "date.unparseable"), ("1800-01-01", "date.invalid"),
    ])
    func badDates(text: String, code: String) {
        #expect((#expect(throws: FieldIssue.self) { try DateParser.parse(text, field: "d") })?.code == code)
    }

    @Test("Excel serial numbers follow the 1900 system with its 1900-02-29 quirk")
    func excelSerials() throws {
        #expect(try DateParser.fromExcelSerial(1, field: "d") == CalendarDate(year: 1900, month: 1, day: 1))
        #expect(try DateParser.fromExcelSerial(59, field: "d") == CalendarDate(year: 1900, month: 2, day: 28))
        #expect(try DateParser.fromExcelSerial(61, field: "d") == CalendarDate(year: 1900, month: 3, day: 1))
        #expect(try DateParser.fromExcelSerial(45498, field: "d") == CalendarDate(year: 2024, month: 7, day: 25))
        #expect(throws: FieldIssue.self) { try DateParser.fromExcelSerial(60, field: "d") }
        // Found by ops/fuzz: these trapped in Int(_:) instead of being a coded error.
        for serial in [2.0255052025505491e33, .nan, .infinity, -.infinity, -1e300, 0.5] {
            #expect(throws: FieldIssue.self) { try DateParser.fromExcelSerial(serial, field: "d") }
        }
    }

    @Test("phones: +86, spaces and dashes stripped; landlines get area-code-dash form; masked for lists")
    func phones() throws {
        #expect(try Phone(parsing: "+86 138-0416-5678").value == "13804165678")
        #expect(try Phone(parsing: "0416 2345678").value == "0416-2345678")
        #expect(try Phone(parsing: "024-23456789").value == "024-23456789")
        #expect(try Phone(parsing: "13804165678").masked == "138****5678")
        #expect(try Phone(parsing: "１３８０４１６５６７８").value == "13804165678", "full-width digits")
        #expect(try Phone(parsing: "0086 138 0416 5678").value == "13804165678")
        #expect(try Phone(parsing: "（0416）2345678").value == "0416-2345678")
        #expect(try Phone(parsing: "(010)12345678").value == "010-12345678")
        #expect(try Phone(parsing: "\u{3000}13804165678\u{00A0}").value == "13804165678", "blanks from spreadsheets")
        for bad in ["12345678901", "2345678", "0416-23456", "电话", "13804165678/电话", "", "+86", "1380416567８x", "-\u{301}13804165678", "12804165678"] {
            #expect((#expect(throws: FieldIssue.self) { try Phone(parsing: bad) })?.code == "phone.invalid")
        }
        for two in ["13804165678/13912345678", "0416-2345678、13804165678", "13804165678；13912345678", "13804165678，13912345678", "13804165678,0416-2345678"] {
            let issue = #expect(throws: FieldIssue.self) { try Phone(parsing: two) }
            #expect(issue?.code == "phone.multiple" && issue?.message.contains("只能填一个号码") == true, "\(two)")
        }
        // A message quotes the cell (to find it) without repeating the numbers: lists of problems are lists too.
        let two = #expect(throws: FieldIssue.self) { try Phone(parsing: "13804165678/13912345678") }
        #expect(two?.message.contains("“138****5678/139****5678”") == true, "\(two?.message ?? "")")
        let bad = #expect(throws: FieldIssue.self) { try Phone(parsing: "１３８0416567８9") }
        #expect(bad?.message.contains("“１３８*****67８9”") == true && bad?.message.contains("0416567") == false, "\(bad?.message ?? "")")
        #expect(Masking.digitRuns(in: "电话 0416-2345678 转 123") == "电话 0416-23***78 转 123")
    }

    @Test("amounts in 万元 accept thousands separators and the 万 suffix; negatives and words are refused")
    func amounts() throws {
        #expect(try Amount.parse("1,234.5") == Decimal(string: "1234.5"))
        #expect(try Amount.parse("1234.5万") == Decimal(string: "1234.5"))
        #expect(try Amount.parse("１２３４．５万元") == Decimal(string: "1234.5"))
        #expect((#expect(throws: FieldIssue.self) { try Amount.parse("-3") })?.code == "amount.negative")
        #expect((#expect(throws: FieldIssue.self) { try Amount.parse("约五十万") })?.code == "amount.invalid")
    }

    @Test("yes/no answers in every accepted spelling")
    func booleans() throws {
        for yes in ["是", "Y", "yes", "TRUE", "1", "已", "√", "✔"] { #expect(try YesNo.parse(yes, field: "petitioned_before")) }
        for no in ["否", "n", "No", "false", "0", "未", "×", "✘"] { #expect(try !YesNo.parse(no, field: "petitioned_before")) }
        #expect((#expect(throws: FieldIssue.self) { try YesNo.parse("也许", field: "petitioned_before") })?.code == "boolean.invalid")
    }

    @Test("closed lists accept the Chinese term or its English name and list the choices otherwise")
    func vocabularies() throws {
        #expect(try MatterType.parse("申诉", field: "matter_type") == .appeal)
        #expect(try EnterpriseKind.parse(" 民营 ", field: "enterprise_kind") == .privateOwned)
        #expect(try LitigationStage.parse("enforcement", field: "litigation_stage") == .enforcement)
        let issue = #expect(throws: FieldIssue.self) { try MatterType.parse("投诉", field: "matter_type") }
        #expect(issue?.code == "matter_type.unknown")
        #expect(issue?.message.contains("控告、申诉、举报") == true)
    }
}

@Suite("regions")
struct RegionTests {
    let resolver = RegionResolver(divisions: ReferenceData.divisions)

    @Test("codes, full names, short names and city + county forms resolve", arguments: [
        ("210781", "210781"), ("凌海市", "210781"), ("凌海", "210781"), ("锦州", "210700"), ("锦州市", "210700"),
        ("沈阳市铁西区", "210106"), ("鞍山铁西区", "210303"), ("辽宁省锦州市凌海市", "210781"), ("朝阳市", "211300"),
        ("朝阳县", "211321"), ("沈阳", "210100"), ("喀左", nil), ("喀喇沁左翼蒙古族自治县", "211324"),
    ] as [(String, String?)])
    func resolves(text: String, code: String?) throws {
        if let code {
            #expect(try resolver.resolve(text).code == code)
        } else {
            #expect(throws: FieldIssue.self) { try resolver.resolve(text) }
        }
    }

    @Test("铁西区 alone is ambiguous and the message names both cities")
    func tiexi() {
        let issue = #expect(throws: FieldIssue.self) { try resolver.resolve("铁西区") }
        #expect(issue?.code == "region.ambiguous")
        #expect(issue?.message == "铁西区在沈阳市和鞍山市都有，请写明所属市（如“沈阳市铁西区”）。")
    }

    @Test("朝阳 alone is ambiguous between 朝阳市 and 朝阳县")
    func chaoyang() {
        let issue = #expect(throws: FieldIssue.self) { try resolver.resolve("朝阳") }
        #expect(issue?.code == "region.ambiguous")
        #expect(issue?.message.contains("朝阳市") == true)
        #expect(issue?.message.contains("朝阳县") == true)
    }

    @Test("unknown names and codes outside Liaoning are refused")
    func unknown() {
        #expect((#expect(throws: FieldIssue.self) { try resolver.resolve("北京市") })?.code == "region.unknown")
        #expect((#expect(throws: FieldIssue.self) { try resolver.resolve("110105") })?.code == "region.unknown")
        #expect((#expect(throws: FieldIssue.self) { try resolver.resolve("  ") })?.code == "region.missing")
    }

    @Test("only the province, by name or by code, is refused as too broad (no unit takes a case for the whole province)",
          arguments: ["辽宁省", "辽宁", "210000", "２１００００"])
    func provinceOnly(text: String) {
        let issue = #expect(throws: FieldIssue.self) { try resolver.resolve(text) }
        #expect(issue?.code == "region.too_broad")
        #expect(issue?.message.contains("请写明企业所在的市或县（区）") == true)
    }
}

@Suite("literal search")
struct LiteralSearchTests {
    @Test("finds the first occurrence by bytes, at the start, middle and end, and nothing when absent or empty")
    func literalRange() {
        let text = "多次到市信访局反映，信访无果"
        let range = text.literalRange(of: "信访")
        #expect(range.map { String(text[..<$0.lowerBound]) } == "多次到市")
        #expect(range.map { String(text[$0]) } == "信访")
        #expect("信访局".literalRange(of: "信访").map { $0.lowerBound == "信访局".startIndex } == true)
        #expect("要求上访".literalRange(of: "上访").map { String("要求上访"[$0.upperBound...]) } == "")
        #expect("ABC信访".literalRange(of: "C信") != nil)
        #expect("未向有关部门反映".literalRange(of: "信访") == nil)
        #expect("信".literalRange(of: "信访") == nil)
        #expect("信访".literalRange(of: "") == nil)
    }
}
