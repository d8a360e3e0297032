import Domain
import Foundation
import Postgres

/// Reads cases within a principal's scope: the list, one case's page, queue counts.
public enum CaseQueries {
    static func scope(_ principal: Principal) -> PostgresQuery {
        AccessPolicy.scope(of: principal, over: .caseRecord).condition(unitColumn: "c.unit_code", partnerColumn: "c.partner_id")
    }

    private static let summaryColumns = """
        c.id, c.external_ref, p.code AS partner, c.batch_id, c.unit_code, un.name AS unit_name, c.enterprise_name, c.credit_code,
        c.matter_type, c.stage, c.petition_related, c.triage_reasons, c.triage_override IS NOT NULL AS overridden, c.assignee_id,
        au.display_name AS assignee_name, c.lease_until, c.on_hold_since IS NOT NULL AS on_hold, c.accepted_on, c.next_due_on,
        ll.display_name AS lead_name, c.typical_summary IS NOT NULL AS typical
        """
    private static let summaryJoins = """
        FROM cases c JOIN partners p ON p.id = c.partner_id JOIN units un ON un.code = c.unit_code
        LEFT JOIN users au ON au.id = c.assignee_id LEFT JOIN users ll ON ll.id = c.lead_leader_id
        """

    /// The cases matching `filter` that the principal may see.
    public static func list(_ filter: CaseFilter, for principal: Principal, using client: PostgresClient) async throws -> [CaseSummary] {
        try await client.withConnection { connection in
            let clock = try await WorkflowClock.read(on: connection)
            let rows = try await connection.query("""
                SELECT \(unescaped: summaryColumns) \(unescaped: summaryJoins)
                WHERE \(scope(principal)) AND \(filter.conditions(today: clock.today))
                ORDER BY \(unescaped: filter.orderBy) LIMIT \(filter.limit) OFFSET \(filter.offset)
                """)
            var summaries = try rows.map { try decodeSummary($0, clock: clock) }
            let deadlines = try await Self.deadlines(of: summaries.map(\.id), clock: clock, on: connection)
            for index in summaries.indices { summaries[index].deadlines = deadlines[summaries[index].id] ?? [] }
            return summaries
        }
    }

    /// One case's page, or nil when unknown or out of scope.
    public static func detail(id: Int64, for principal: Principal, using client: PostgresClient) async throws -> CaseDetail? {
        try await client.withConnection { connection -> CaseDetail? in
            let clock = try await WorkflowClock.read(on: connection)
            guard let row = try await connection.query("""
                SELECT \(unescaped: summaryColumns), c.respondent, c.claim, c.remarks, c.reporter_name, c.reporter_id_number, c.phone,
                       c.region_code, c.handed_over_on, c.amount_wan::text, c.petitioned_before, c.petition_count, c.triage_rule_version,
                       c.triage_auto, c.triage_override_reason, c.hold_reason, c.lead_target_date, c.typical_summary, c.possible_duplicate_of
                \(unescaped: summaryJoins)
                WHERE c.id = \(id) AND \(scope(principal))
                """).first else { return nil }
            var summary = try decodeSummary(row, clock: clock)
            summary.deadlines = try await deadlines(of: [id], clock: clock, on: connection)[id] ?? []
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
                possibleDuplicateOf: try row.decode(Int64?.self, "possible_duplicate_of"),
                events: try await events(of: id, on: connection), clues: try await clues(of: id, on: connection),
                availableTransitions: available(summary, for: principal))
        }
    }

    /// The stage changes the principal may make now (none when they may not act on it).
    static func available(_ summary: CaseSummary, for principal: Principal) -> [AvailableTransition] {
        guard AccessPolicy.canWorkCases(principal), !summary.onHold,
              AccessPolicy.canLeadCases(principal) || summary.assigneeID == principal.userID else { return [] }
        return StageTransitions.available(from: summary.stage, petitionRelated: summary.petitionRelated, for: principal)
            .map { AvailableTransition(to: $0.to, name: $0.actionName) }
    }

    static func decodeSummary(_ row: PostgresRow, clock: WorkflowClock) throws -> CaseSummary {
        let stage = Stage(rawValue: try row.decode(String.self, "stage")) ?? .closed
        let onHold = try row.decode(Bool.self, "on_hold")
        let nextDue = try row.decode(CalendarDate?.self, "next_due_on")
        let open = stage != .closed && !onHold
        return CaseSummary(
            id: try row.decode(Int64.self, "id"), externalRef: try row.decode(String.self, "external_ref"),
            partner: try row.decode(String.self, "partner"), batchID: try row.decode(Int64.self, "batch_id"),
            unit: try row.decode(String.self, "unit_code"), unitName: try row.decode(String.self, "unit_name"),
            enterpriseName: try row.decode(String.self, "enterprise_name"), creditCode: try row.decode(String?.self, "credit_code"),
            matterType: try row.decode(String?.self, "matter_type"), stage: stage, stageName: stage.chineseName,
            petitionRelated: try row.decode(Bool?.self, "petition_related"), triageReasons: try row.decode([String].self, "triage_reasons"),
            triageOverridden: try row.decode(Bool.self, "overridden"), assigneeID: try row.decode(Int?.self, "assignee_id"),
            assigneeName: try row.decode(String?.self, "assignee_name"), leaseUntil: try row.decode(Date?.self, "lease_until"),
            onHold: onHold, acceptedOn: try row.decode(CalendarDate.self, "accepted_on"), nextDueOn: nextDue,
            overdue: open && nextDue.map { $0 < clock.today } == true,
            nearDue: open && nextDue.map { $0 >= clock.today && $0 <= clock.nearDueUntil } == true,
            leadLeaderName: try row.decode(String?.self, "lead_name"), typical: try row.decode(Bool.self, "typical"), deadlines: [])
    }

    static func deadlines(of ids: [Int64], clock: WorkflowClock, on connection: PostgresConnection) async throws -> [Int64: [DeadlineView]] {
        guard !ids.isEmpty else { return [:] }
        var result: [Int64: [DeadlineView]] = [:]
        for row in try await connection.query("""
            SELECT d.case_id, d.id, d.kind, d.seq, d.due_on, d.original_due_on, d.provisional, d.day_mode, d.paused_days, d.extended_days,
                   d.closed_on, c.on_hold_since IS NOT NULL
            FROM case_deadlines d JOIN cases c ON c.id = d.case_id
            WHERE d.case_id = ANY(\(ids)::bigint[]) ORDER BY d.case_id, d.due_on, d.id
            """) {
            let (caseID, id, kind, seq, due, original, provisional, mode, paused, extended, closed, held) =
                try row.decode((Int64, Int64, String, Int, CalendarDate, CalendarDate, Bool, String, Int, Int, CalendarDate?, Bool).self)
            var state = DeadlineState.of(due: due, closedOn: closed, today: clock.today, nearDueUntil: clock.nearDueUntil)
            if held, closed == nil { state = .open }  // a hold pauses the clock
            result[caseID, default: []].append(DeadlineView(
                id: id, kind: kind, name: DeadlineKind(rawValue: kind)?.chineseName ?? kind, seq: seq, dueOn: due, originalDueOn: original,
                state: state, stateName: state.chineseName, provisional: provisional, dayMode: mode, pausedDays: paused,
                extendedDays: extended, closedOn: closed))
        }
        return result
    }

    static func events(of id: Int64, on connection: PostgresConnection) async throws -> [CaseEventView] {
        try await connection.query("""
            SELECT e.id, e.kind, e.from_stage, e.to_stage, e.actor, u.display_name, e.occurred_at, e.note, e.payload, e.deadline_id
            FROM case_events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.case_id = \(id) ORDER BY e.id
            """).map { row in
            let (eventID, kind, from, to, actor, name, at, note, payload, deadline) =
                try row.decode((Int64, String, String?, String?, String, String?, Date, String, PostgresJSON<[String: JSONValue]>, Int64?).self)
            return CaseEventView(id: eventID, kind: kind, fromStage: from, toStage: to, actor: actor, actorName: name, occurredAt: at,
                                 note: note, payload: payload.value, deadlineID: deadline)
        }
    }

    static func clues(of id: Int64, on connection: PostgresConnection) async throws -> [ClueView] {
        try await connection.query("""
            SELECT id, summary, department, transferred_at, result, result_note FROM supervision_clues WHERE case_id = \(id) ORDER BY id
            """).map { row in
            let (clueID, summary, department, transferred, result, note) = try row.decode((Int64, String, String?, Date?, String?, String?).self)
            return ClueView(id: clueID, summary: summary, department: department, transferredAt: transferred, result: result, resultNote: note)
        }
    }
}
