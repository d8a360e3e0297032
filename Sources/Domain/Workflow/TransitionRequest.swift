/// A request to move a case to another stage with the details that stage records, as the API
/// receives it. `validated` checks the details the target stage needs and returns what is stored
/// in the event's payload.
public struct TransitionRequest: Sendable, Codable, Equatable {
    /// The target stage (`review`, `resolved`, …).
    public var to: String
    public var note: String?
    /// 评估: 风险等级 低/中/高/重大, 诉求是否有理, 管辖, 是否走信访条例程序.
    public var riskLevel: String?
    public var merits: String?
    public var jurisdiction: String?
    public var regulationTrack: Bool?
    /// 评查: 等级 (from the configured list), 发现的问题, 监督线索.
    public var grade: String?
    public var flaws: String?
    public var clues: [String]?
    /// 接续办案 / 化解: 采取的措施, 化解方式, 未化解原因.
    public var actions: String?
    public var how: String?
    public var why: String?
    /// 办结: 答复内容.
    public var reply: String?
    /// 转办: 转办对象, 转办日期.
    public var referredTo: String?
    public var referredOn: String?

    enum CodingKeys: String, CodingKey {
        case to, note, riskLevel = "risk_level", merits, jurisdiction, regulationTrack = "regulation_track", grade, flaws,
             clues, actions, how, why, reply, referredTo = "referred_to", referredOn = "referred_on"
    }

    public init(to: Stage, note: String? = nil) {
        self.to = to.rawValue
        self.note = note
    }

    /// 低 / 中 / 高 / 重大.
    public static let riskLevels = ["低", "中", "高", "重大"]
    /// How a matter was resolved.
    public static let resolutionKinds = ["息诉罢访", "和解", "纠错", "司法救助", "释法说理", "其他"]

    /// The target as a stage, or a coded problem.
    public func targetStage() throws(WorkflowProblem) -> Stage {
        guard let stage = Stage(rawValue: to) else {
            throw WorkflowProblem(code: "transition.unknown_stage", message: "未知的目标阶段“\(to)”。", field: "to")
        }
        return stage
    }

    /// Checks the details for `target`; `grades` is the configured review grade list.
    /// Returns the trimmed details to store (nil fields left out).
    public func validated(for target: Stage, grades: [String], today: CalendarDate) throws(WorkflowProblem) -> TransitionRequest {
        var clean = TransitionRequest(to: target, note: Self.trimmed(note))
        func required(_ value: String?, _ field: String, _ label: String) throws(WorkflowProblem) -> String {
            guard let text = Self.trimmed(value) else {
                throw WorkflowProblem(code: "transition.\(field).missing", message: "请填写\(label)。", field: field)
            }
            guard text.count <= 2000 else {
                throw WorkflowProblem(code: "transition.\(field).too_long", message: "\(label)不能超过 2000 字。", field: field)
            }
            return text
        }
        func oneOf(_ value: String?, _ list: [String], _ field: String, _ label: String) throws(WorkflowProblem) -> String {
            let text = try required(value, field, label)
            guard list.contains(text) else {
                throw WorkflowProblem(code: "transition.\(field).invalid", message: "\(label)应为：\(list.joined(separator: "、"))。", field: field)
            }
            return text
        }
        switch target {
        case .triage, .evaluation:
            break
        case .review:
            clean.riskLevel = try oneOf(riskLevel, Self.riskLevels, "risk_level", "风险等级")
            clean.merits = try required(merits, "merits", "诉求是否有理的评估意见")
            clean.jurisdiction = try required(jurisdiction, "jurisdiction", "管辖意见")
            clean.regulationTrack = regulationTrack ?? false
        case .followUp:
            clean.grade = try oneOf(grade, grades, "grade", "评查等级")
            clean.flaws = Self.trimmed(flaws)
            let list = (clues ?? []).compactMap { Self.trimmed($0) }
            guard list.allSatisfy({ $0.count <= 500 }) else {
                throw WorkflowProblem(code: "transition.clues.too_long", message: "每条监督线索不能超过 500 字。", field: "clues")
            }
            clean.clues = list.isEmpty ? nil : list
        case .resolved:
            clean.actions = try required(actions, "actions", "采取的化解措施")
            clean.how = try oneOf(how, Self.resolutionKinds, "how", "化解方式")
        case .unresolved:
            clean.actions = try required(actions, "actions", "采取的化解措施")
            clean.why = try required(why, "why", "未化解的原因")
        case .closed:
            clean.reply = try required(reply, "reply", "答复内容")
        case .referred:
            clean.referredTo = try required(referredTo, "referred_to", "转办对象")
            if let text = Self.trimmed(referredOn) {
                guard let date = CalendarDate(iso: text), date <= today else {
                    throw WorkflowProblem(code: "transition.referred_on.invalid", message: "转办日期应为不晚于今天的日期，如 2026-11-26。", field: "referred_on")
                }
                clean.referredOn = date.description
            } else {
                clean.referredOn = today.description
            }
        }
        return clean
    }

    /// Free text trimmed at both ends; nil when nothing is left.
    public static func trimmed(_ value: String?) -> String? {
        guard let value else { return nil }
        // Free text keeps its line breaks; only the ends are trimmed.
        let scalars = value.unicodeScalars
        guard let first = scalars.firstIndex(where: { !TextNormalizer.isBlank($0) }),
              let last = scalars.lastIndex(where: { !TextNormalizer.isBlank($0) }) else { return nil }
        return String(scalars[first...last])
    }
}

/// A workflow request that cannot be carried out as asked, with a stable code and a Chinese
/// message. `field` names the offending input field when there is one.
public struct WorkflowProblem: Error, Sendable, Equatable {
    public var code: String
    public var message: String
    public var field: String?

    public init(code: String, message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }
}
