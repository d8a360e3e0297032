/// The columns of the handover form (DESIGN.md §6.1), as a table: field name, Chinese header,
/// whether it is required, and the longest text accepted. Headers match after trimming,
/// full-width → half-width and case folding; the English field name is accepted too.
public struct CanonicalField: Sendable, Hashable {
    public let name: String
    public let header: String
    public let required: Bool
    public let maximumLength: Int
    /// Other spellings seen in partners' sheets.
    public let aliases: [String]
    /// How the cell's text is cleaned (`TextNormalizer.normalize(_:as:)`).
    public private(set) var form: TextForm = .plain

    /// Every column, in the form's order.
    public static let all: [CanonicalField] = [
        .init(name: "seq", header: "序号", required: false, maximumLength: 10, aliases: []),
        .init(name: "external_ref", header: "案件编号", required: true, maximumLength: 64, aliases: ["编号"]),
        .init(name: "enterprise_name", header: "企业名称", required: true, maximumLength: 200, aliases: [], form: .name),
        .init(name: "credit_code", header: "统一社会信用代码", required: false, maximumLength: 40, aliases: ["信用代码"]),
        .init(name: "region", header: "所在地区", required: true, maximumLength: 60, aliases: ["地区"]),
        .init(name: "enterprise_kind", header: "企业类型", required: false, maximumLength: 20, aliases: []),
        .init(name: "reporter_name", header: "反映人", required: false, maximumLength: 50, aliases: []),
        .init(name: "reporter_id_number", header: "反映人身份证号", required: false, maximumLength: 30, aliases: ["身份证号"]),
        .init(name: "phone", header: "联系电话", required: false, maximumLength: 40, aliases: ["电话"]),
        .init(name: "respondent", header: "被反映单位", required: false, maximumLength: 200, aliases: [], form: .name),
        .init(name: "matter_type", header: "案件类别", required: false, maximumLength: 20, aliases: []),
        .init(name: "claim", header: "诉求内容", required: true, maximumLength: 10_000, aliases: ["诉求"], form: .prose),
        .init(name: "petitioned_before", header: "是否已信访", required: false, maximumLength: 10, aliases: []),
        .init(name: "first_petition_date", header: "首次信访日期", required: false, maximumLength: 20, aliases: []),
        .init(name: "petition_count", header: "信访次数", required: false, maximumLength: 10, aliases: []),
        .init(name: "amount_wan", header: "涉案金额（万元）", required: false, maximumLength: 30, aliases: ["涉案金额"]),
        .init(name: "litigation_stage", header: "诉讼阶段", required: false, maximumLength: 20, aliases: []),
        .init(name: "handed_over_on", header: "移交日期", required: false, maximumLength: 20, aliases: []),
        .init(name: "remarks", header: "备注", required: false, maximumLength: 5_000, aliases: [], form: .prose),
    ]

    static let byKey: [String: CanonicalField] = {
        var table: [String: CanonicalField] = [:]
        for field in all {
            for key in [field.name, field.header] + field.aliases { table[headerKey(key)] = field }
        }
        return table
    }()

    /// The field a header cell names, or nil for an unknown column.
    public static func matching(header: String) -> CanonicalField? { byKey[headerKey(header)] }

    /// Fields whose every digit matters: Excel shows a long number in one as `1.10105E+17` unless
    /// the column is formatted as text.
    public static let digitFields: Set<String> = ["external_ref", "credit_code", "reporter_id_number", "phone"]

    /// Columns huqi adds to the rows it hands back to be fixed (`GET /api/v1/batches/{id}/rejected`):
    /// read back without a warning and not used.
    public static let annotationHeaders: Set<String> = ["原行号", "问题说明"]

    static let byName = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    /// The field with this name.
    public static func named(_ name: String) -> CanonicalField? { byName[name] }

    /// A header cell as a lookup key: no spaces or underscores, lower case, and without the marks
    /// templates put on columns (`*案件编号`, `案件编号*`, `案件编号（必填）`, `备注（选填）`).
    static func headerKey(_ text: String) -> String {
        var key = Substring(TextNormalizer.compact(text).lowercased().replacingOccurrences(of: "_", with: ""))
        for mark in requirementMarks where key.hasSuffix(mark) && key.count > mark.count { key = key.dropLast(mark.count) }
        while key.count > 1, key.first == "*" { key = key.dropFirst() }
        while key.count > 1, key.last == "*" { key = key.dropLast() }
        return String(key)
    }

    /// What a template may add after a column's name to say whether it must be filled in
    /// (full-width brackets are half-width after normalization).
    static let requirementMarks = ["(必填)", "(选填)", "(非必填)", "(可选)", "(可不填)", "[必填]", "[选填]"]
}
