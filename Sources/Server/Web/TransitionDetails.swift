import Store

/// What a stage change recorded (the evaluation's risk level and findings, the review's grade,
/// how a matter was resolved, …), as a person reads it on the case's timeline. The payload keys
/// are `TransitionRequest`'s; the labels are the forms' (`TransitionForms`).
enum TransitionDetails {
    /// Payload keys in the order the stages record them, with their labels.
    static let labels: [(key: String, label: String)] = [
        ("risk_level", "风险等级"), ("merits", "评估意见"), ("jurisdiction", "管辖意见"),
        ("regulation_track", "走《信访工作条例》程序"), ("grade", "评查等级"), ("flaws", "发现的问题"),
        ("clues", "监督线索"), ("actions", "化解措施"), ("how", "化解方式"), ("why", "未化解原因"),
        ("reply", "答复内容"), ("referred_to", "转办对象"), ("referred_on", "转办日期"),
    ]

    /// The details of one event as a definition list, or nothing when it recorded none.
    static func markup(_ payload: [String: JSONValue]) -> Markup {
        let rows: [Markup] = labels.compactMap { key, label in
            guard let value = payload[key].flatMap(text), !value.isEmpty else { return nil }
            return "<dt>\(label)</dt><dd>\(value)</dd>"
        }
        return rows.isEmpty ? .empty : "<dl class=\"details\">\(rows)</dl>"
    }

    /// A payload value as text: yes/no in Chinese, lists one item after another.
    private static func text(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): text
        case .bool(let flag): flag ? "是" : "否"
        case .number(let number): number == number.rounded() ? String(Int(number)) : String(number)
        case .array(let items): items.compactMap(text).joined(separator: "；")
        case .object, .null: nil
        }
    }
}
