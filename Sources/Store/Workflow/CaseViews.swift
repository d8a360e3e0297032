import Domain
import Foundation

/// One deadline of a case as lists and the case page show it.
public struct DeadlineView: Sendable, Codable, Equatable {
    public var id: Int64
    public var kind: String
    public var name: String
    public var seq: Int
    public var dueOn: CalendarDate
    public var originalDueOn: CalendarDate
    public var state: DeadlineState
    public var stateName: String
    public var provisional: Bool
    public var dayMode: String
    public var pausedDays: Int
    public var extendedDays: Int
    public var closedOn: CalendarDate?

    enum CodingKeys: String, CodingKey {
        case id, kind, name, seq, dueOn = "due_on", originalDueOn = "original_due_on", state, stateName = "state_name", provisional,
             dayMode = "day_mode", pausedDays = "paused_days", extendedDays = "extended_days", closedOn = "closed_on"
    }
}

/// A case as the case list shows it (`GET /api/v1/cases`). Other tools rely on `id`,
/// `external_ref`, `partner`, `unit`, `stage`, `petition_related`, `triage_reasons`, `deadlines`.
public struct CaseSummary: Sendable, Codable, Equatable {
    public var id: Int64
    public var externalRef: String
    /// The partner's code.
    public var partner: String
    public var batchID: Int64
    /// The unit's division code.
    public var unit: String
    public var unitName: String
    public var enterpriseName: String
    public var creditCode: String?
    public var matterType: String?
    public var stage: Stage
    public var stageName: String
    public var petitionRelated: Bool?
    public var triageReasons: [String]
    public var triageOverridden: Bool
    public var assigneeID: Int?
    public var assigneeName: String?
    /// Set while the case is held through a claim (a lease); nil for a leader's assignment.
    public var leaseUntil: Date?
    public var onHold: Bool
    public var acceptedOn: CalendarDate
    public var nextDueOn: CalendarDate?
    public var overdue: Bool
    public var nearDue: Bool
    public var leadLeaderName: String?
    public var typical: Bool
    /// The procuratorate a leader moved the case from (移送), the last time; nil when never moved
    /// by a leader (a corrected region in triage is no 移送).
    public var transferredFrom: String?
    public var transferredFromName: String?
    /// Intake flagged the case as a possible duplicate and nobody has checked it yet (核对疑似重复);
    /// always false for partners.
    public var duplicatePending: Bool
    public var deadlines: [DeadlineView]

    enum CodingKeys: String, CodingKey {
        case id, externalRef = "external_ref", partner, batchID = "batch_id", unit, unitName = "unit_name",
             enterpriseName = "enterprise_name", creditCode = "credit_code", matterType = "matter_type", stage, stageName = "stage_name",
             petitionRelated = "petition_related", triageReasons = "triage_reasons", triageOverridden = "triage_overridden",
             assigneeID = "assignee_id", assigneeName = "assignee_name", leaseUntil = "lease_until", onHold = "on_hold",
             acceptedOn = "accepted_on", nextDueOn = "next_due_on", overdue, nearDue = "near_due",
             leadLeaderName = "lead_leader_name", typical, transferredFrom = "transferred_from",
             transferredFromName = "transferred_from_name", duplicatePending = "duplicate_pending", deadlines
    }
}

/// One entry of a case's timeline.
public struct CaseEventView: Sendable, Codable, Equatable {
    public var id: Int64
    public var kind: String
    public var fromStage: String?
    public var toStage: String?
    public var actor: String
    /// Who acted, in Chinese: a person's name, `辽宁省工商联（接口上传）` for a partner's API key,
    /// `命令行（root）` for a command, `系统` for the scheduler; nil for any other actor.
    public var actorName: String?
    public var occurredAt: Date
    public var note: String
    public var payload: [String: JSONValue]
    public var deadlineID: Int64?

    enum CodingKeys: String, CodingKey {
        case id, kind, fromStage = "from_stage", toStage = "to_stage", actor, actorName = "actor_name", occurredAt = "occurred_at",
             note, payload, deadlineID = "deadline_id"
    }
}

/// A supervision clue on the case page.
public struct ClueView: Sendable, Codable, Equatable {
    public var id: Int64
    public var summary: String
    public var department: String?
    public var transferredAt: Date?
    public var result: String?
    public var resultNote: String?

    enum CodingKeys: String, CodingKey {
        case id, summary, department, transferredAt = "transferred_at", result, resultNote = "result_note"
    }
}

/// A stage change the viewer may make now.
public struct AvailableTransition: Sendable, Codable, Equatable {
    public var to: Stage
    public var name: String
}

/// The case page (`GET /api/v1/cases/{id}`): the summary plus the enterprise and claim, the
/// triage explanation, the timeline, deadlines, clues and what the viewer may do next.
/// Personal ID numbers and phones are masked.
public struct CaseDetail: Sendable, Codable, Equatable {
    public var summary: CaseSummary
    public var respondent: String?
    public var claim: String
    public var remarks: String?
    public var reporterName: String?
    public var reporterIDNumberMasked: String?
    public var phoneMasked: String?
    public var regionCode: String
    public var handedOverOn: CalendarDate
    public var amountWan: String?
    public var petitionedBefore: Bool?
    public var petitionCount: Int?
    public var triageRuleVersion: Int?
    public var triageAuto: Bool?
    public var overrideReason: String?
    public var holdReason: String?
    public var leadTargetDate: CalendarDate?
    public var typicalSummary: String?
    public var possibleDuplicateOf: Int64?
    /// What a person found when they checked that flag: `confirmed` or `dismissed` (nil: not checked yet).
    public var duplicateReview: String?
    public var events: [CaseEventView]
    public var clues: [ClueView]
    public var availableTransitions: [AvailableTransition]

    enum CodingKeys: String, CodingKey {
        case respondent, claim, remarks, reporterName = "reporter_name", reporterIDNumberMasked = "reporter_id_number",
             phoneMasked = "phone", regionCode = "region_code", handedOverOn = "handed_over_on", amountWan = "amount_wan",
             petitionedBefore = "petitioned_before", petitionCount = "petition_count", triageRuleVersion = "triage_rule_version",
             triageAuto = "triage_auto", overrideReason = "override_reason", holdReason = "hold_reason",
             leadTargetDate = "lead_target_date", typicalSummary = "typical_summary", possibleDuplicateOf = "possible_duplicate_of",
             duplicateReview = "duplicate_review", events, clues, availableTransitions = "available_transitions"
    }
}

extension CaseDetail {
    /// The summary's fields appear at the top level of the JSON, beside the detail's.
    public func encode(to encoder: any Encoder) throws {
        try summary.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(respondent, forKey: .respondent)
        try container.encode(claim, forKey: .claim)
        try container.encodeIfPresent(remarks, forKey: .remarks)
        try container.encodeIfPresent(reporterName, forKey: .reporterName)
        try container.encodeIfPresent(reporterIDNumberMasked, forKey: .reporterIDNumberMasked)
        try container.encodeIfPresent(phoneMasked, forKey: .phoneMasked)
        try container.encode(regionCode, forKey: .regionCode)
        try container.encode(handedOverOn, forKey: .handedOverOn)
        try container.encodeIfPresent(amountWan, forKey: .amountWan)
        try container.encodeIfPresent(petitionedBefore, forKey: .petitionedBefore)
        try container.encodeIfPresent(petitionCount, forKey: .petitionCount)
        try container.encodeIfPresent(triageRuleVersion, forKey: .triageRuleVersion)
        try container.encodeIfPresent(triageAuto, forKey: .triageAuto)
        try container.encodeIfPresent(overrideReason, forKey: .overrideReason)
        try container.encodeIfPresent(holdReason, forKey: .holdReason)
        try container.encodeIfPresent(leadTargetDate, forKey: .leadTargetDate)
        try container.encodeIfPresent(typicalSummary, forKey: .typicalSummary)
        try container.encodeIfPresent(possibleDuplicateOf, forKey: .possibleDuplicateOf)
        try container.encodeIfPresent(duplicateReview, forKey: .duplicateReview)
        try container.encode(events, forKey: .events)
        try container.encode(clues, forKey: .clues)
        try container.encode(availableTransitions, forKey: .availableTransitions)
    }

    public init(from decoder: any Decoder) throws {
        summary = try CaseSummary(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        respondent = try container.decodeIfPresent(String.self, forKey: .respondent)
        claim = try container.decode(String.self, forKey: .claim)
        remarks = try container.decodeIfPresent(String.self, forKey: .remarks)
        reporterName = try container.decodeIfPresent(String.self, forKey: .reporterName)
        reporterIDNumberMasked = try container.decodeIfPresent(String.self, forKey: .reporterIDNumberMasked)
        phoneMasked = try container.decodeIfPresent(String.self, forKey: .phoneMasked)
        regionCode = try container.decode(String.self, forKey: .regionCode)
        handedOverOn = try container.decode(CalendarDate.self, forKey: .handedOverOn)
        amountWan = try container.decodeIfPresent(String.self, forKey: .amountWan)
        petitionedBefore = try container.decodeIfPresent(Bool.self, forKey: .petitionedBefore)
        petitionCount = try container.decodeIfPresent(Int.self, forKey: .petitionCount)
        triageRuleVersion = try container.decodeIfPresent(Int.self, forKey: .triageRuleVersion)
        triageAuto = try container.decodeIfPresent(Bool.self, forKey: .triageAuto)
        overrideReason = try container.decodeIfPresent(String.self, forKey: .overrideReason)
        holdReason = try container.decodeIfPresent(String.self, forKey: .holdReason)
        leadTargetDate = try container.decodeIfPresent(CalendarDate.self, forKey: .leadTargetDate)
        typicalSummary = try container.decodeIfPresent(String.self, forKey: .typicalSummary)
        possibleDuplicateOf = try container.decodeIfPresent(Int64.self, forKey: .possibleDuplicateOf)
        duplicateReview = try container.decodeIfPresent(String.self, forKey: .duplicateReview)
        events = try container.decode([CaseEventView].self, forKey: .events)
        clues = try container.decode([ClueView].self, forKey: .clues)
        availableTransitions = try container.decode([AvailableTransition].self, forKey: .availableTransitions)
    }
}
