import Domain
import Postgres

/// Leaders' assignments: one case to a named prosecutor, or every open case of a person to
/// another (with a dry run that lists exactly what the real run would move).
public enum CaseAssignment {
    /// One case of a bulk reassignment and whether it can move.
    public struct Move: Sendable, Codable, Equatable {
        public var caseID: Int64
        public var externalRef: String
        public var unit: String
        public var stage: String
        /// Nil when the case moves; otherwise why it stays (the new holder works in another unit).
        public var skippedBecause: String?

        enum CodingKeys: String, CodingKey {
            case caseID = "case_id", externalRef = "external_ref", unit, stage, skippedBecause = "skipped_because"
        }
    }

    /// Assigns a case to a prosecutor or leader of the case's unit (no lease: it stays until
    /// reassigned, released or closed).
    public static func assign(caseID: Int64, to assigneeID: Int, by principal: Principal, address: String, using client: PostgresClient) async throws {
        try await client.withTransaction { connection in
            let locked = try await LockedCase.lock(caseID, for: principal, on: connection)
            guard AccessPolicy.canLeadCases(principal) else { throw CaseActionError.leadersOnly }
            try locked.requireOpen()
            guard try await worksIn(unit: locked.unitCode, userID: assigneeID, on: connection) else {
                throw CaseActionError(.invalid, code: "assign.user_invalid",
                                      message: "只能分派给本案所属检察院在职的承办检察官或院领导。", field: "assignee_id")
            }
            try await connection.query("UPDATE cases SET assignee_id = \(assigneeID), lease_until = NULL WHERE id = \(caseID)")
            try await CaseEvents.record("assign", caseID: caseID, by: principal,
                                        payload: ["from": locked.assigneeID.map(String.init) ?? "", "to": String(assigneeID)], on: connection)
            try await AuditLog.append(AuditEvent(by: principal, action: "case.assign", entity: "case", entityID: String(caseID), address: address,
                                                 summary: ["to": String(assigneeID)]), on: connection)
        }
    }

    /// Moves every open case held by `fromUser` (within the leader's scope) to `toUser`.
    /// With `dryRun`, nothing changes and the same list is returned.
    public static func bulkReassign(from fromUser: Int, to toUser: Int, dryRun: Bool, by principal: Principal, address: String,
                                    using client: PostgresClient) async throws -> [Move] {
        guard AccessPolicy.canLeadCases(principal) else { throw CaseActionError.leadersOnly }
        let scope = AccessPolicy.scope(of: principal, over: .caseRecord).condition(unitColumn: "c.unit_code", partnerColumn: "c.partner_id")
        return try await client.withTransaction { connection in
            await connection.planEveryExecution()  // one person's open cases: none or thousands
            var moves: [Move] = []
            for row in try await connection.query("""
                SELECT c.id, c.external_ref, c.unit_code, c.stage,
                       EXISTS (SELECT 1 FROM users u JOIN user_roles r ON r.user_id = u.id
                               WHERE u.id = \(toUser)::bigint AND u.disabled_at IS NULL AND u.unit_code = c.unit_code
                                 AND r.role IN ('prosecutor', 'leader')) AS movable
                FROM cases c
                WHERE c.assignee_id = \(fromUser)::bigint AND c.stage <> 'closed' AND \(scope)
                ORDER BY c.id FOR UPDATE OF c
                """) {
                let (id, ref, unit, stage, movable) = try row.decode((Int64, String, String, String, Bool).self)
                moves.append(Move(caseID: id, externalRef: ref, unit: unit, stage: stage,
                                  skippedBecause: movable ? nil : "接收人不在该案所属检察院，或不是在职的承办检察官/院领导"))
            }
            guard !dryRun else { return moves }
            let moving = moves.filter { $0.skippedBecause == nil }.map(\.caseID)
            if !moving.isEmpty {
                try await connection.query("""
                    UPDATE cases SET assignee_id = \(toUser), lease_until = NULL WHERE id = ANY(\(moving)::bigint[])
                    """)
                try await connection.query("""
                    INSERT INTO case_events (case_id, kind, actor_id, actor, note, payload)
                    SELECT id, 'assign', \(principal.userID), \(principal.auditActor), '批量改派',
                           jsonb_build_object('from', \(String(fromUser))::text, 'to', \(String(toUser))::text)
                    FROM unnest(\(moving)::bigint[]) AS id
                    """)
            }
            try await AuditLog.append(AuditEvent(by: principal, action: "case.bulk_reassign", entity: "user", entityID: String(fromUser),
                                                 address: address, summary: ["to": String(toUser), "moved": String(moving.count),
                                                                             "skipped": String(moves.count - moving.count)]),
                                      on: connection)
            return moves
        }
    }

    static func worksIn(unit: String, userID: Int, on connection: PostgresConnection) async throws -> Bool {
        try await !connection.query("""
            SELECT 1 FROM users u JOIN user_roles r ON r.user_id = u.id
            WHERE u.id = \(userID)::bigint AND u.disabled_at IS NULL AND u.unit_code = \(unit) AND r.role IN ('prosecutor', 'leader')
            """).isEmpty
    }
}
