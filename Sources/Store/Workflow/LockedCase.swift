import Domain
import Postgres

/// A case row locked for an action inside a transaction, after the scope check. Every workflow
/// action starts here: the scope is part of the `SELECT … FOR UPDATE`, so a case outside the
/// caller's scope is never even locked. (Optimistic actions read the same facts unlocked and
/// write under `unchangedCondition`.)
struct LockedCase: Sendable {
    var id: Int64
    var stage: Stage
    var petitionRelated: Bool?
    var unitCode: String
    var assigneeID: Int?
    var leaseUntilSet: Bool
    var onHoldSince: CalendarDate?
    var acceptedOn: CalendarDate

    private static let columns = """
        c.id, c.stage, c.petition_related, c.unit_code, c.assignee_id, c.lease_until IS NOT NULL, c.on_hold_since, c.accepted_on
        """

    /// Locks the case when it is visible to `principal`.
    static func lock(_ id: Int64, for principal: Principal, on connection: PostgresConnection) async throws -> LockedCase {
        guard let row = try await connection.query("""
            SELECT \(unescaped: columns) FROM cases c WHERE c.id = \(id) AND \(scope(principal)) FOR UPDATE
            """).first else { throw CaseActionError.caseNotFound }
        return try decode(row)
    }

    /// Locks the case when it is visible to `principal` and reads the workflow clock, in one round trip.
    static func lockWithClock(_ id: Int64, for principal: Principal,
                              on connection: PostgresConnection) async throws -> (LockedCase, WorkflowClock) {
        try await withClock(id, for: principal, locking: true, on: connection)
    }

    /// The same facts and the clock without locking, for an optimistic action: its write must
    /// carry `unchangedCondition`, so it changes nothing when the case moved on meanwhile.
    static func readWithClock(_ id: Int64, for principal: Principal,
                              on connection: PostgresConnection) async throws -> (LockedCase, WorkflowClock) {
        try await withClock(id, for: principal, locking: false, on: connection)
    }

    private static func withClock(_ id: Int64, for principal: Principal, locking: Bool,
                                  on connection: PostgresConnection) async throws -> (LockedCase, WorkflowClock) {
        guard let row = try await connection.query("""
            SELECT \(unescaped: columns), \(unescaped: WorkflowClock.columns)
            FROM cases c CROSS JOIN workflow_settings s WHERE c.id = \(id) AND \(scope(principal)) \(unescaped: locking ? "FOR UPDATE OF c" : "")
            """).first else { throw CaseActionError.caseNotFound }
        return (try decode(row), try await WorkflowClock.decode(row, on: connection))
    }

    /// A condition over `cases c` that holds while the row still has every fact read here
    /// (stage, triage, unit, holder, lease, hold).
    var unchangedCondition: PostgresQuery {
        """
        c.stage = \(stage.rawValue) AND c.petition_related IS NOT DISTINCT FROM \(petitionRelated) AND c.unit_code = \(unitCode)
        AND c.assignee_id IS NOT DISTINCT FROM \(assigneeID) AND (c.lease_until IS NOT NULL) = \(leaseUntilSet)
        AND c.on_hold_since IS NOT DISTINCT FROM \(onHoldSince)
        """
    }

    private static func scope(_ principal: Principal) -> PostgresQuery { CaseQueries.scope(principal) }

    private static func decode(_ row: PostgresRow) throws -> LockedCase {
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
