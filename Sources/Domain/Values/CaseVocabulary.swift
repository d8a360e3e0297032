/// The closed lists of the handover form (DESIGN.md §6.1). Each reads the Chinese term (or its
/// English name) and refuses anything else with a message listing the allowed values.
public enum EnterpriseKind: String, Sendable, CaseIterable, Codable {
    case privateOwned = "民营", stateOwned = "国有", foreign = "外资", individual = "个体", other = "其他"
    static let aliases: [String: EnterpriseKind] = ["个人": .individual, "private": .privateOwned, "state": .stateOwned,
                                                     "foreign": .foreign, "individual": .individual, "other": .other]
}

/// 案件类别.
public enum MatterType: String, Sendable, CaseIterable, Codable {
    case accusation = "控告", appeal = "申诉", report = "举报", stateCompensation = "国家赔偿"
    case judicialAid = "国家司法救助", suggestion = "建议意见", other = "其他"
    static let aliases: [String: MatterType] = ["accusation": .accusation, "appeal": .appeal, "report": .report,
                                                 "state_compensation": .stateCompensation, "judicial_aid": .judicialAid,
                                                 "suggestion": .suggestion, "other": .other, "司法救助": .judicialAid]
}

/// 诉讼阶段.
public enum LitigationStage: String, Sendable, CaseIterable, Codable {
    case none = "未涉诉", investigation = "侦查", prosecutionReview = "审查起诉", trial = "审判"
    case enforcement = "执行", concluded = "已结案"
    static let aliases: [String: LitigationStage] = ["none": .none, "investigation": .investigation,
                                                      "prosecution_review": .prosecutionReview, "trial": .trial,
                                                      "enforcement": .enforcement, "concluded": .concluded]
}

/// Parsing shared by the vocabularies above.
public protocol Vocabulary: RawRepresentable<String>, CaseIterable {
    /// English names and synonyms accepted besides the Chinese term.
    static var synonyms: [String: Self] { get }
    /// The field's Chinese header, for messages.
    static var header: String { get }
}

extension Vocabulary {
    /// The term, or `vocabulary.unknown` listing the allowed values.
    public static func parse(_ text: String, field: String) throws -> Self {
        let value = TextNormalizer.compact(text)
        if let term = Self(rawValue: value) ?? synonyms[value.lowercased()] { return term }
        let allowed = allCases.map(\.rawValue).joined(separator: "、")
        throw FieldIssue.error(field, "\(field).unknown", "\(header)“\(text)”不在可选范围内，请填写：\(allowed)。")
    }
}

extension EnterpriseKind: Vocabulary {
    public static var synonyms: [String: EnterpriseKind] { aliases }
    public static var header: String { "企业类型" }
}

extension MatterType: Vocabulary {
    public static var synonyms: [String: MatterType] { aliases }
    public static var header: String { "案件类别" }
}

extension LitigationStage: Vocabulary {
    public static var synonyms: [String: LitigationStage] { aliases }
    public static var header: String { "诉讼阶段" }
}
