/// What a person found when they checked intake's possible-duplicate flag on a case
/// (核对疑似重复, sql/0027): the same matter as the other case, or a different one.
public enum DuplicateFinding: String, Sendable, CaseIterable {
    /// The same matter: handled together with the other case.
    case confirmed
    /// A different matter that only looks alike (same enterprise and respondent).
    case dismissed

    /// As the case page, the timeline and the audit log say it.
    public var chineseName: String {
        switch self {
        case .confirmed: "确认重复（同一事项）"
        case .dismissed: "不是重复（不同事项）"
        }
    }
}
