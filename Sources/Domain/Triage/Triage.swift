/// The facts triage looks at, taken from a case.
public struct TriageInput: Sendable {
    public var petitionedBefore: Bool?
    public var petitionCount: Int?
    public var firstPetitionDate: CalendarDate?
    public var claim: String
    public var remarks: String?

    /// Creates the input.
    public init(petitionedBefore: Bool?, petitionCount: Int?, firstPetitionDate: CalendarDate?, claim: String, remarks: String?) {
        self.petitionedBefore = petitionedBefore
        self.petitionCount = petitionCount
        self.firstPetitionDate = firstPetitionDate
        self.claim = claim
        self.remarks = remarks
    }

    /// The input of a normalized case.
    public init(_ record: CaseRecord) {
        self.init(petitionedBefore: record.petitionedBefore, petitionCount: record.petitionCount,
                  firstPetitionDate: record.firstPetitionDate, claim: record.claim, remarks: record.remarks)
    }
}

/// A triage decision and why, in Chinese, for the case page.
public struct TriageDecision: Sendable, Equatable {
    /// 涉信访事项 or not.
    public var petitionRelated: Bool
    /// The reasons that fired, e.g. `是否已信访=是`, `诉求内容提到“多次到市信访局反映”`.
    public var reasons: [String]
    /// The rule set that decided.
    public var ruleSetVersion: Int
}

/// Decides whether a case is a petition-related matter (涉信访事项).
///
/// Structured signals first: 是否已信访=是, 信访次数 ≥ 1 or a 首次信访日期 make it petition-related;
/// 是否已信访=否 without those makes it not (a contrary text is noted, not obeyed). Only when the
/// form says nothing does the text of 诉求内容 and 备注 decide, and then only a mention that is
/// not denied (尚未信访), not a plan or threat (如不解决将上访), and not a place (信访局对面).
public enum Triage {
    /// The decision for one case under a rule set.
    public static func decide(_ input: TriageInput, rules: TriageRuleSet = .standard) -> TriageDecision {
        var reasons: [String] = []
        if input.petitionedBefore == true { reasons.append("是否已信访=是") }
        if let count = input.petitionCount, count > 0 { reasons.append("信访次数=\(count)") }
        if let date = input.firstPetitionDate { reasons.append("首次信访日期=\(date)") }
        let mentions = TextSignals(rules: rules).mentions(in: [input.claim, input.remarks ?? ""].joined(separator: "。"))
        let affirmed = mentions.filter { $0.kind == .affirmed }
        if !reasons.isEmpty {
            return TriageDecision(petitionRelated: true, reasons: reasons, ruleSetVersion: rules.version)
        }
        if input.petitionedBefore == false {
            reasons.append("是否已信访=否")
            if let first = affirmed.first {
                reasons.append("诉求内容提到“\(first.clause)”，与“是否已信访=否”不一致，以填报字段为准，可人工改判")
            }
            return TriageDecision(petitionRelated: false, reasons: reasons, ruleSetVersion: rules.version)
        }
        if let first = affirmed.first {
            return TriageDecision(petitionRelated: true, reasons: ["诉求内容提到“\(first.clause)”"], ruleSetVersion: rules.version)
        }
        reasons = mentions.map { "诉求内容提到“\($0.clause)”，但\($0.kind.chineseName)" }
        if reasons.isEmpty { reasons = ["未发现已信访的信号"] }
        return TriageDecision(petitionRelated: false, reasons: reasons, ruleSetVersion: rules.version)
    }
}
