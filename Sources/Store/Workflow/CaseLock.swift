import Domain
import Postgres

/// A case row locked for an action inside a transaction, after the scope check. Every workflow
/// action starts here: the scope is part of the `SELECT … FOR UPDATE`, so a case outside the
/// caller's scope is never even locked.
struct LockedCase: Sendable {
    var id: Int64
    var stage: Stage
    var petitionRelated: Bool?
    var unitCode: String
    var assigneeID: Int?
    var leaseUntilSet: Bool
    var onHoldSince: CalendarDate?
    var acceptedOn: CalendarDate

    /// Locks the case when it is visible to `principal`.
    static func lock(_ id: Int64, for principal: Principal, on connection: PostgresConnection) async throws -> LockedCase {
        let scope = AccessPolicy.scope(of: principal, over: .caseRecord).condition(unitColumn: "c.unit_code", partnerColumn: "c.partner_id")
        guard let row = try await connection.query("""
            SELECT c.id, c.stage, c.petition_related, c.unit_code, c.assignee_id, c.lease_until IS NOT NULL, c.on_hold_since, c.accepted_on
            FROM cases c WHERE c.id = \(id) AND \(scope) FOR UPDATE
            """).first else { throw CaseActionError.caseNotFound }
        let (caseID, stage, petition, unit, assignee, leased, hold, accepted) =
            try row.decode((Int64, String, Bool?, String, Int?, Bool, CalendarDate?, CalendarDate).self)
        return LockedCase(id: caseID, stage: Stage(rawValue: stage) ?? .closed, petitionRelated: petition, unitCode: unit,
                          assigneeID: assignee, leaseUntilSet: leased, onHoldSince: hold, acceptedOn: accepted)
    }

    /// Refuses callers who may not work cases, and prosecutors who do not hold this one.
    /// Leaders may act on any case in their scope.
    func requireWorker(_ principal: Principal) throws(CaseActionError) {
        guard AccessPolicy.canWorkCases(principal) else { throw .mayNotWork }
        if !AccessPolicy.canLeadCases(principal), assigneeID != principal.userID { throw .notHolder }
    }

    /// Refuses actions on closed cases.
    func requireOpen() throws(CaseActionError) {
        if stage == .closed { throw .closed }
    }
}

/// Writes a case event row (the timeline) for an action.
enum CaseEvents {
    @discardableResult
    static func record(_ kind: String, caseID: Int64, by principal: Principal, from: Stage? = nil, to: Stage? = nil, note: String? = nil,
                       payload: [String: String] = [:], deadlineID: Int64? = nil, on connection: PostgresConnection) async throws -> Int64 {
        try await record(kind, caseID: caseID, by: principal, from: from, to: to, note: note, details: payload,
                         deadlineID: deadlineID, on: connection)
    }

    /// Records an event whose payload is any encodable value (a transition's details).
    @discardableResult
    static func record<Details: Codable & Sendable>(_ kind: String, caseID: Int64, by principal: Principal, from: Stage? = nil, to: Stage? = nil,
                                                    note: String? = nil, details: Details, deadlineID: Int64? = nil,
                                                    on connection: PostgresConnection) async throws -> Int64 {
        try await connection.query("""
            INSERT INTO case_events (case_id, kind, from_stage, to_stage, actor_id, actor, note, payload, deadline_id)
            VALUES (\(caseID), \(kind), \(from?.rawValue), \(to?.rawValue), \(principal.userID), \(principal.auditActor),
                    \(note ?? ""), \(PostgresJSON(details)), \(deadlineID))
            RETURNING id
            """)[0].decode(Int64.self, at: 0)
    }

    /// Renews the holder's lease when the holder acts (a leader's assignment has no lease).
    static func renewLease(caseID: Int64, principal: Principal, on connection: PostgresConnection) async throws {
        try await connection.query("""
            UPDATE cases SET lease_until = now() + make_interval(mins => (SELECT lease_minutes FROM workflow_settings))
            WHERE id = \(caseID) AND assignee_id = \(principal.userID) AND lease_until IS NOT NULL
            """)
    }
}
