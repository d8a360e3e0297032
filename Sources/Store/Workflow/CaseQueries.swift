import Domain
import Foundation
import Postgres

/// Reads cases within a principal's scope: the list (one case's page: `CaseQueries+Detail.swift`).
public enum CaseQueries {
    static func scope(_ principal: Principal) -> PostgresQuery {
        AccessPolicy.scope(of: principal, over: .caseRecord).condition(unitColumn: "c.unit_code", partnerColumn: "c.partner_id")
    }

    static let summaryColumns = """
        c.id, c.external_ref, p.code AS partner, c.batch_id, c.unit_code, un.name AS unit_name, c.enterprise_name, c.credit_code,
        c.matter_type, c.stage, c.petition_related, c.triage_reasons, c.triage_override IS NOT NULL AS overridden, c.assignee_id,
        au.display_name AS assignee_name, c.lease_until, c.on_hold_since IS NOT NULL AS on_hold, c.accepted_on, c.next_due_on,
        ll.display_name AS lead_name, c.typical_summary IS NOT NULL AS typical, tf.from_unit AS transferred_from,
        tf.name AS transferred_from_name, c.possible_duplicate_of IS NOT NULL AND c.duplicate_review IS NULL AS duplicate_pending
        """
    static let summaryJoins = """
        FROM cases c JOIN partners p ON p.id = c.partner_id JOIN units un ON un.code = c.unit_code
        LEFT JOIN users au ON au.id = c.assignee_id LEFT JOIN users ll ON ll.id = c.lead_leader_id
        LEFT JOIN LATERAL (SELECT m.from_unit, fu.name FROM case_unit_moves m JOIN units fu ON fu.code = m.from_unit
                           WHERE c.unit_transferred_at IS NOT NULL AND m.case_id = c.id
                           ORDER BY m.moved_at DESC, m.id DESC LIMIT 1) tf ON true
        """

    /// The cases matching `filter` that the principal may see.
    public static func list(_ filter: CaseFilter, for principal: Principal, using client: PostgresClient) async throws -> [CaseSummary] {
        try await client.withConnection { connection in
            let clock = try await WorkflowClock.read(on: connection)
            let rows = try await connection.query("""
                SELECT \(unescaped: summaryColumns) \(unescaped: summaryJoins)
                WHERE \(scope(principal)) AND \(filter.conditions(today: clock.today, nearDueUntil: clock.nearDueUntil))
                ORDER BY \(unescaped: filter.orderBy) LIMIT \(filter.limit) OFFSET \(filter.offset)
                """)
            var summaries = try rows.map { try decodeSummary($0, clock: clock) }
            let deadlines = try await Self.deadlines(of: summaries.map(\.id), clock: clock, on: connection)
            let internals = AccessPolicy.seesCaseInternals(principal)
            for index in summaries.indices {
                summaries[index].deadlines = deadlines[summaries[index].id] ?? []
                summaries[index].duplicatePending = summaries[index].duplicatePending && internals
            }
            return summaries
        }
    }

    /// How many cases match `filter` that the principal may see (its paging ignored), counting
    /// at most `limit + 1`: a page needs "more than 10 000", not a scan of every case.
    public static func count(_ filter: CaseFilter, for principal: Principal, upTo limit: Int = 10_000,
                             using client: PostgresClient) async throws -> Int {
        try await counts([filter], for: principal, upTo: limit, using: client)[0]
    }

    /// `count` for several filters at once: one connection, one reading of the clock, one
    /// statement (the queue page's 期限提醒 asks five).
    public static func counts(_ filters: [CaseFilter], for principal: Principal, upTo limit: Int = 10_000,
                              using client: PostgresClient) async throws -> [Int] {
        guard !filters.isEmpty else { return [] }
        return try await client.withConnection { connection in
            let clock = try await WorkflowClock.read(on: connection)
            let columns = filters.map { filter -> PostgresQuery in
                """
                (SELECT count(*) FROM (SELECT 1 FROM cases c JOIN partners p ON p.id = c.partner_id
                 WHERE \(scope(principal)) AND \(filter.conditions(today: clock.today, nearDueUntil: clock.nearDueUntil))
                 LIMIT \(limit + 1)) matching)
                """
            }
            let row = try await connection.query("SELECT " + PostgresQuery.joined(columns, separator: ", "))[0]
            return try (0..<filters.count).map { try row.decode(Int.self, at: $0) }
        }
    }

    /// The 案件编号 of those of `ids` the principal may see, by case id: what a message names
    /// a case by (people know a case by its number, not by huqi's row id).
    public static func references(_ ids: [Int64], for principal: Principal, using client: PostgresClient) async throws -> [Int64: String] {
        guard !ids.isEmpty else { return [:] }
        var references: [Int64: String] = [:]
        for row in try await client.query("""
            SELECT c.id, c.external_ref FROM cases c WHERE c.id = ANY(\(ids)::bigint[]) AND \(scope(principal))
            """) {
            let (id, reference) = try row.decode((Int64, String).self)
            references[id] = reference
        }
        return references
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
            leadLeaderName: try row.decode(String?.self, "lead_name"), typical: try row.decode(Bool.self, "typical"),
            transferredFrom: try row.decode(String?.self, "transferred_from"),
            transferredFromName: try row.decode(String?.self, "transferred_from_name"),
            duplicatePending: try row.decode(Bool.self, "duplicate_pending"), deadlines: [])
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
            let fields = DeadlineFields(id: id, kind: kind, seq: seq, dueOn: due, originalDueOn: original, provisional: provisional,
                                        dayMode: mode, pausedDays: paused, extendedDays: extended, closedOn: closed)
            result[caseID, default: []].append(fields.view(held: held, clock: clock))
        }
        return result
    }
}
