/// Where a case is in the pipeline (DESIGN.md §8). Petition-related matters go
/// triage → evaluation → review → follow_up → resolved | unresolved → closed; other cases
/// triage → referred → closed.
public enum Stage: String, Sendable, Codable, CaseIterable {
    case triage
    case evaluation
    case review
    case followUp = "follow_up"
    case resolved
    case unresolved
    case referred
    case closed

    /// The name shown to people.
    public var chineseName: String {
        switch self {
        case .triage: "分流"
        case .evaluation: "评估"
        case .review: "评查"
        case .followUp: "接续办案"
        case .resolved: "已化解"
        case .unresolved: "未化解"
        case .referred: "转办"
        case .closed: "办结"
        }
    }

    /// Stages that form work queues (a case waiting there needs someone to act).
    public static let queueStages: [Stage] = [.triage, .evaluation, .review, .followUp, .resolved, .unresolved, .referred]
}

/// One allowed stage change and who may make it.
public struct StageTransition: Sendable, Equatable {
    public var from: Stage
    public var to: Stage
    /// Roles allowed to make the change.
    public var roles: Set<Role>
    /// For the triage exits: the triage decision the case must carry.
    public var requiresPetitionRelated: Bool?
    /// The action's name on buttons and in the timeline.
    public var actionName: String
}

/// The transition table. `sql/0005_workflow.sql` holds the same rows in `stage_transitions`,
/// where a trigger rejects any other stage change, even from raw SQL (a test checks they agree).
public enum StageTransitions {
    /// Every allowed transition.
    public static let all: [StageTransition] = [
        .init(from: .triage, to: .evaluation, roles: [.prosecutor, .leader], requiresPetitionRelated: true, actionName: "受理评估"),
        .init(from: .triage, to: .referred, roles: [.prosecutor, .leader], requiresPetitionRelated: false, actionName: "转办"),
        .init(from: .evaluation, to: .review, roles: [.prosecutor, .leader], actionName: "完成评估"),
        .init(from: .review, to: .followUp, roles: [.prosecutor, .leader], actionName: "完成评查"),
        .init(from: .followUp, to: .resolved, roles: [.prosecutor, .leader], actionName: "已化解"),
        .init(from: .followUp, to: .unresolved, roles: [.leader], actionName: "认定未化解"),
        .init(from: .resolved, to: .closed, roles: [.prosecutor, .leader], actionName: "办结"),
        .init(from: .unresolved, to: .closed, roles: [.prosecutor, .leader], actionName: "办结"),
        .init(from: .referred, to: .closed, roles: [.prosecutor, .leader], actionName: "办结"),
    ]

    /// The transition from `from` to `to`, if listed.
    public static func find(from: Stage, to: Stage) -> StageTransition? {
        all.first { $0.from == from && $0.to == to }
    }

    /// The transitions a principal may make from a stage, given the case's triage decision.
    public static func available(from stage: Stage, petitionRelated: Bool?, for principal: Principal) -> [StageTransition] {
        all.filter { transition in
            transition.from == stage && !transition.roles.isDisjoint(with: principal.roles)
                && (transition.requiresPetitionRelated == nil || transition.requiresPetitionRelated == petitionRelated)
        }
    }
}
