/// The triage rules as data: which words signal a petition already made, and which words around
/// them cancel it. Versioned; the workflow stores the version with every decision. Changing the
/// rules is a data change (a new version), not a code change.
public struct TriageRuleSet: Sendable, Codable, Equatable {
    /// Increases with every change.
    public var version: Int
    /// Words that name a petition or its channels (信访, 上访, 12309, …).
    public var petitionTerms: [String]
    /// Words before a term, in the same clause, that deny it (尚未, 没有, 未, …).
    public var negations: [String]
    /// Words before a term, in the same clause, that make it a plan or a threat (如不, 将, 拟, …).
    public var hypotheticals: [String]
    /// Words before a term that mark it as done, overriding a hypothetical (已将材料递交信访局).
    public var affirmations: [String]
    /// Words right after a term that make it a place, not an act (对面, 旁边, …: 信访局对面的商务楼).
    public var placeAfter: [String]
    /// Words before a term that introduce an address (位于, 地址, …).
    public var placeBefore: [String]
    /// Characters that end a clause.
    public var clauseBreaks: String

    /// Creates a rule set.
    public init(version: Int, petitionTerms: [String], negations: [String], hypotheticals: [String], affirmations: [String],
                placeAfter: [String], placeBefore: [String], clauseBreaks: String) {
        self.version = version
        self.petitionTerms = petitionTerms
        self.negations = negations
        self.hypotheticals = hypotheticals
        self.affirmations = affirmations
        self.placeAfter = placeAfter
        self.placeBefore = placeBefore
        self.clauseBreaks = clauseBreaks
    }

    /// The rules huqi ships with (version 1).
    public static let standard = TriageRuleSet(
        version: 1,
        petitionTerms: ["信访", "上访", "进京访", "12309", "来访"],
        negations: ["尚未", "没有", "没", "未曾", "未", "从未", "不曾", "无"],
        hypotheticals: ["如不", "如果", "若", "否则", "将会", "将", "拟", "准备", "打算", "考虑", "可能"],
        affirmations: ["已", "曾", "多次", "先后", "反复", "屡次"],
        placeAfter: ["对面", "旁边", "旁", "附近", "隔壁", "楼下", "楼上", "门口"],
        placeBefore: ["位于", "地址", "地处", "坐落"],
        clauseBreaks: "。；;，,！!？?\n"
    )
}
