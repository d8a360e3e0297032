import Domain

/// The handover form (移交表) as a blank template for partners: the header row huqi reads,
/// and, in the Excel version, a sheet that says how to fill in each column, drop-downs for
/// the closed lists, and text format where Excel would otherwise mangle digits (18-digit ID
/// numbers turned into `1.10105E+17`, leading zeros of phone numbers dropped).
///
/// The columns come from `CanonicalField.all`, so the template and the reader cannot drift
/// apart; a column without guidance here is a test failure.
public enum HandoverTemplate {
    /// What the instructions sheet says about one column.
    public struct Guidance: Sendable {
        /// 是, 否, or a condition.
        public let required: String
        /// How to fill it in, in Chinese.
        public let rule: String
        /// A value that passes; together the examples make one valid row.
        public let example: String
    }

    /// Guidance by field name (`CanonicalField.name`).
    public static let guidance: [String: Guidance] = [
        "seq": .init(required: "否", rule: "整数，便于核对", example: "1"),
        "external_ref": .init(required: "是", rule: "本单位自编的案件编号，本单位内不重复；以后上传同一编号即为对该案的更正", example: "LNFIC-2026-1-001"),
        "enterprise_name": .init(required: "是", rule: "按营业执照填写，括号用全角（）", example: "锦州宏达（集团）有限公司"),
        "credit_code": .init(required: "是（个体可不填）", rule: "18 位统一社会信用代码，系统按国家标准校验末位校验码", example: "91210700MADR9L8F50"),
        "region": .init(required: "是", rule: "企业所在市或县（区），如“锦州市凌海市”“凌海市”，或 6 位行政区划代码；各市都有的区名（如铁西区）须写明所属市", example: "锦州市凌海市"),
        "enterprise_kind": .init(required: "否", rule: choices(of: "enterprise_kind"), example: "民营"),
        "reporter_name": .init(required: "否", rule: "反映问题的人的姓名", example: "王某某"),
        "reporter_id_number": .init(required: "否", rule: "18 位（或旧 15 位）居民身份证号码，系统校验末位；页面和报表中遮蔽显示", example: "11010519491231002X"),
        "phone": .init(required: "否", rule: "手机号（11 位）或固定电话（如 0416-1234567）", example: "13804165678"),
        "respondent": .init(required: "否", rule: "被反映的机关或单位的全称", example: "凌海市某某局"),
        "matter_type": .init(required: "否", rule: choices(of: "matter_type"), example: "申诉"),
        "claim": .init(required: "是", rule: "企业的诉求与经过，可分段（单元格内按 Alt+Enter 换行）", example: "要求退还履约保证金120万元，多次催要未果。"),
        "petitioned_before": .init(required: "否", rule: "是 或 否", example: "是"),
        "first_petition_date": .init(required: "否", rule: "日期，如 2025-06-18、2025/6/18、2025年6月18日", example: "2025-06-18"),
        "petition_count": .init(required: "否", rule: "不小于 0 的整数", example: "2"),
        "amount_wan": .init(required: "否", rule: "以万元计的数字，如 1234.5 或 1,234.5", example: "120"),
        "litigation_stage": .init(required: "否", rule: choices(of: "litigation_stage"), example: "执行"),
        "handed_over_on": .init(required: "否", rule: "日期；不填则为上传当天", example: "2026-03-11"),
        "remarks": .init(required: "否", rule: "其他需要说明的情况", example: "附判决书复印件"),
    ]

    /// Closed lists offered as drop-downs, by field name.
    static let choiceLists: [String: [String]] = [
        "enterprise_kind": EnterpriseKind.allCases.map(\.rawValue),
        "matter_type": MatterType.allCases.map(\.rawValue),
        "petitioned_before": ["是", "否"],
        "litigation_stage": LitigationStage.allCases.map(\.rawValue),
    ]

    /// The Excel template: sheet 移交表 (the header row; fill in from row 2) and 填写说明.
    public static func xlsx() throws -> [UInt8] {
        try XLSXWriter.write([formSheet(), instructionsSheet()])
    }

    /// Sheet 移交表: the form's header, then `extraHeaders`; the digit identifiers as text
    /// columns, drop-downs for the closed lists; `rows` below the header (none in the template).
    public static func formSheet(extraHeaders: [String] = [], rows: [[XLSXWriter.Cell]] = []) -> XLSXWriter.Sheet {
        let fields = CanonicalField.all
        var form = XLSXWriter.Sheet(name: "移交表", header: fields.map(\.header) + extraHeaders, rows: rows)
        form.textColumns = Set(fields.indices.filter { CanonicalField.digitFields.contains(fields[$0].name) })
        form.choices = Dictionary(uniqueKeysWithValues: fields.indices.compactMap { index in
            choiceLists[fields[index].name].map { (index, $0) }
        })
        return form
    }

    /// Sheet 填写说明: each column's header, field name, whether required, rule and example.
    public static func instructionsSheet() -> XLSXWriter.Sheet {
        let rows: [[XLSXWriter.Cell]] = CanonicalField.all.map { field in
            let note = guidance[field.name]
            return [.text(field.header), .text(field.name), .text(note?.required ?? ""), .text(note?.rule ?? ""), .text(note?.example ?? "")]
        }
        return XLSXWriter.Sheet(name: "填写说明", header: ["列名（表头）", "字段名（接口）", "必填", "填写要求", "示例"], rows: rows)
    }

    /// The CSV template: UTF-8 with a BOM (Excel then opens it in Chinese), the header row only.
    public static func csv() -> [UInt8] {
        [0xEF, 0xBB, 0xBF] + Array((CanonicalField.all.map(\.header).joined(separator: ",") + "\r\n").utf8)
    }

    /// A closed list's rule: the values its drop-down offers.
    private static func choices(of field: String) -> String {
        "从下拉列表中选择：" + (choiceLists[field] ?? []).joined(separator: "、")
    }
}
