import Domain
import Foundation
import Postgres

extension CaseQueries {
    /// One case's page, or nil when unknown or out of scope.
    ///
    /// One statement: the case, the workflow clock, and the deadlines, timeline and clues as
    /// JSON arrays. The page is the most read thing of the working day; five round trips made it
    /// five statements' worth of server work and thread hops.
    ///
    /// A partner (`AccessPolicy.seesCaseInternals` false) gets the timeline without what each
    /// step recorded (notes, findings) and without clues or their events: left out by the
    /// query, not by the page.
    public static func detail(id: Int64, for principal: Principal, using client: PostgresClient) async throws -> CaseDetail? {
        let internals = AccessPolicy.seesCaseInternals(principal)
        return try await client.withConnection { connection -> CaseDetail? in
            guard let row = try await connection.query("""
                SELECT \(unescaped: summaryColumns), c.respondent, c.claim, c.remarks, c.reporter_name, c.reporter_id_number, c.phone,
                       c.region_code, c.handed_over_on, c.amount_wan::text, c.petitioned_before, c.petition_count, c.triage_rule_version,
                       c.triage_auto, c.triage_override_reason, c.hold_reason, c.lead_target_date, c.typical_summary, c.possible_duplicate_of,
                       c.duplicate_review,
                       \(unescaped: WorkflowClock.columns),
                       (SELECT coalesce(json_agg(json_build_object(
                                   'id', d.id, 'kind', d.kind, 'seq', d.seq, 'due_on', d.due_on, 'original_due_on', d.original_due_on,
                                   'provisional', d.provisional, 'day_mode', d.day_mode, 'paused_days', d.paused_days,
                                   'extended_days', d.extended_days, 'closed_on', d.closed_on) ORDER BY d.due_on, d.id), '[]')
                        FROM case_deadlines d WHERE d.case_id = c.id) AS deadlines,
                       (SELECT coalesce(json_agg(json_build_object(
                                   'id', e.id, 'kind', e.kind, 'from_stage', e.from_stage, 'to_stage', e.to_stage, 'actor', e.actor,
                                   'actor_name', actor_name(e.actor), 'occurred_at', extract(epoch FROM e.occurred_at),
                                   'note', CASE WHEN \(internals)::boolean THEN e.note ELSE '' END,
                                   'payload', CASE WHEN \(internals)::boolean THEN e.payload ELSE '{}'::jsonb END,
                                   'deadline_id', e.deadline_id) ORDER BY e.id), '[]')
                        FROM case_events e WHERE e.case_id = c.id AND (\(internals)::boolean OR e.kind NOT IN ('clue_created', 'clue_transferred', 'clue_result'))) AS events,
                       (SELECT coalesce(json_agg(json_build_object(
                                   'id', k.id, 'summary', k.summary, 'department', k.department,
                                   'transferred_at', extract(epoch FROM k.transferred_at), 'result', k.result, 'result_note', k.result_note)
                                   ORDER BY k.id), '[]')
                        FROM supervision_clues k WHERE k.case_id = c.id AND \(internals)::boolean) AS clues
                \(unescaped: summaryJoins) CROSS JOIN workflow_settings s
                WHERE c.id = \(id) AND \(scope(principal))
                """).first else { return nil }
            let clock = try await WorkflowClock.decode(row, on: connection)
            var summary = try decodeSummary(row, clock: clock)
            summary.duplicatePending = summary.duplicatePending && internals
            summary.deadlines = try row.decode(PostgresJSON<[DeadlineFields]>.self, "deadlines").value
                .map { $0.view(held: summary.onHold, clock: clock) }
            let idNumber = try row.decode(String?.self, "reporter_id_number")
            let phone = try row.decode(String?.self, "phone")
            return CaseDetail(
                summary: summary, respondent: try row.decode(String?.self, "respondent"), claim: try row.decode(String.self, "claim"),
                remarks: try row.decode(String?.self, "remarks"), reporterName: try row.decode(String?.self, "reporter_name"),
                reporterIDNumberMasked: idNumber.map { Masking.keep($0, first: 6, last: 4) },
                phoneMasked: phone.map { Masking.keep($0, first: 3, last: 4) },
                regionCode: try row.decode(String.self, "region_code"), handedOverOn: try row.decode(CalendarDate.self, "handed_over_on"),
                amountWan: try row.decode(String?.self, "amount_wan"), petitionedBefore: try row.decode(Bool?.self, "petitioned_before"),
                petitionCount: try row.decode(Int?.self, "petition_count"), triageRuleVersion: try row.decode(Int?.self, "triage_rule_version"),
                triageAuto: try row.decode(Bool?.self, "triage_auto"), overrideReason: try row.decode(String?.self, "triage_override_reason"),
                holdReason: try row.decode(String?.self, "hold_reason"), leadTargetDate: try row.decode(CalendarDate?.self, "lead_target_date"),
                typicalSummary: try row.decode(String?.self, "typical_summary"),
                // Partners are not told about other cases (the other may be another partner's).
                possibleDuplicateOf: internals ? try row.decode(Int64?.self, "possible_duplicate_of") : nil,
                duplicateReview: internals ? try row.decode(String?.self, "duplicate_review") : nil,
                events: try row.decode(PostgresJSON<[EventFields]>.self, "events").value.map(\.view),
                clues: try row.decode(PostgresJSON<[ClueFields]>.self, "clues").value.map(\.view),
                availableTransitions: available(summary, for: principal))
        }
    }
}

/// A deadline row as stored; its state depends on today and on the case's hold.
struct DeadlineFields: Codable {
    var id: Int64
    var kind: String
    var seq: Int
    var dueOn: CalendarDate
    var originalDueOn: CalendarDate
    var provisional: Bool
    var dayMode: String
    var pausedDays: Int
    var extendedDays: Int
    var closedOn: CalendarDate?

    enum CodingKeys: String, CodingKey {
        case id, kind, seq, dueOn = "due_on", originalDueOn = "original_due_on", provisional, dayMode = "day_mode",
             pausedDays = "paused_days", extendedDays = "extended_days", closedOn = "closed_on"
    }

    /// The deadline as lists and pages show it; `held`: the case is on hold, which pauses the clock.
    func view(held: Bool, clock: WorkflowClock) -> DeadlineView {
        var state = DeadlineState.of(due: dueOn, closedOn: closedOn, today: clock.today, nearDueUntil: clock.nearDueUntil)
        if held, closedOn == nil { state = .open }
        return DeadlineView(
            id: id, kind: kind, name: DeadlineKind(rawValue: kind)?.chineseName ?? kind, seq: seq, dueOn: dueOn, originalDueOn: originalDueOn,
            state: state, stateName: state.chineseName, provisional: provisional, dayMode: dayMode, pausedDays: pausedDays,
            extendedDays: extendedDays, closedOn: closedOn)
    }
}

/// A timeline entry from the page's JSON (`occurred_at` in seconds since 1970).
private struct EventFields: Codable {
    var id: Int64
    var kind: String
    var fromStage: String?
    var toStage: String?
    var actor: String
    var actorName: String?
    var occurredAt: Double
    var note: String
    var payload: [String: JSONValue]
    var deadlineID: Int64?

    enum CodingKeys: String, CodingKey {
        case id, kind, fromStage = "from_stage", toStage = "to_stage", actor, actorName = "actor_name", occurredAt = "occurred_at",
             note, payload, deadlineID = "deadline_id"
    }

    var view: CaseEventView {
        CaseEventView(id: id, kind: kind, fromStage: fromStage, toStage: toStage, actor: actor, actorName: actorName,
                      occurredAt: Date(timeIntervalSince1970: occurredAt), note: note, payload: payload, deadlineID: deadlineID)
    }
}

/// A supervision clue from the page's JSON (`transferred_at` in seconds since 1970).
private struct ClueFields: Codable {
    var id: Int64
    var summary: String
    var department: String?
    var transferredAt: Double?
    var result: String?
    var resultNote: String?

    enum CodingKeys: String, CodingKey {
        case id, summary, department, transferredAt = "transferred_at", result, resultNote = "result_note"
    }

    var view: ClueView {
        ClueView(id: id, summary: summary, department: department, transferredAt: transferredAt.map(Date.init(timeIntervalSince1970:)),
                 result: result, resultNote: resultNote)
    }
}
