import Domain
import Postgres

/// Work queues: one per unit and stage. A claim takes the oldest-due unheld case with
/// `FOR UPDATE SKIP LOCKED` and holds it as a lease; leaders assign without a lease.
public enum CaseQueue {
    /// Claims the next case of a queue for the caller, or returns nil when the queue is empty.
    /// `unit` defaults to the caller's own unit; a leader may name a unit below theirs.
    public static func claimNext(unit: String?, stage: Stage, by principal: Principal, address: String,
                                 using client: PostgresClient) async throws -> Int64? {
        guard AccessPolicy.canWorkCases(principal), let userID = principal.userID else { throw CaseActionError.mayNotWork }
        guard stage != .closed else {
            throw CaseActionError(.invalid, code: "queue.stage_invalid", message: "“办结”不是工作队列。", field: "stage")
        }
        guard let unit = unit ?? principal.unitCode else {
            throw CaseActionError(.invalid, code: "queue.unit_missing", message: "请指定单位。", field: "unit")
        }
        let scope = AccessPolicy.scope(of: principal, over: .caseRecord).condition(unitColumn: "c.unit_code", partnerColumn: "c.partner_id")
        // One statement, so one round trip and no explicit transaction: take the case, write its
        // event and its audit row together (a claim is the busiest write of the day).
        return try await client.query("""
            WITH next AS (
                SELECT c.id FROM cases c
                WHERE c.unit_code = \(unit) AND c.stage = \(stage.rawValue) AND c.assignee_id IS NULL AND c.on_hold_since IS NULL
                  AND \(scope)
                ORDER BY c.next_due_on NULLS LAST, c.id
                LIMIT 1 FOR UPDATE SKIP LOCKED
            ), claimed AS (
                UPDATE cases c SET assignee_id = \(userID),
                       lease_until = now() + make_interval(mins => (SELECT lease_minutes FROM workflow_settings))
                FROM next WHERE c.id = next.id
                RETURNING c.id
            ), event AS (
                INSERT INTO case_events (case_id, kind, actor_id, actor, payload)
                SELECT id, 'claim', \(userID), \(principal.auditActor), jsonb_build_object('stage', \(stage.rawValue)::text) FROM claimed
            ), audit AS (
                INSERT INTO audit_events (actor, actor_label, action, entity, entity_id, address, summary)
                SELECT \(principal.auditActor)::text, \(principal.label)::text, 'case.claim', 'case', id::text, \(address)::text, '{}'::jsonb
                FROM claimed
            )
            SELECT id FROM claimed
            """).first?.decode(Int64.self, at: 0)
    }

    /// Gives a held case back to its queue (the holder, or a leader).
    public static func release(caseID: Int64, by principal: Principal, address: String, using client: PostgresClient) async throws {
        try await client.withTransaction { connection in
            let locked = try await LockedCase.lock(caseID, for: principal, on: connection)
            try locked.requireWorker(principal)
            guard let holder = locked.assigneeID else {
                throw CaseActionError(.conflict, code: "case.not_held", message: "该案件当前无人领取。")
            }
            try await connection.query("UPDATE cases SET assignee_id = NULL, lease_until = NULL WHERE id = \(caseID)")
            try await CaseEvents.record("release", caseID: caseID, by: principal, payload: ["user": String(holder)], on: connection)
            try await AuditLog.append(AuditEvent(by: principal, action: "case.release", entity: "case", entityID: String(caseID), address: address),
                                      on: connection)
        }
    }

    /// Renews the caller's lease on a case they claimed. Returns false when they no longer hold it.
    public static func renew(caseID: Int64, by principal: Principal, using client: PostgresClient) async throws -> Bool {
        guard let userID = principal.userID else { return false }
        let scope = AccessPolicy.scope(of: principal, over: .caseRecord).condition(unitColumn: "c.unit_code", partnerColumn: "c.partner_id")
        return try await !client.query("""
            UPDATE cases c SET lease_until = now() + make_interval(mins => (SELECT lease_minutes FROM workflow_settings))
            WHERE c.id = \(caseID) AND c.assignee_id = \(userID) AND c.lease_until IS NOT NULL AND \(scope)
            RETURNING c.id
            """).isEmpty
    }

    /// Returns expired claims to their queues, one `lease_expired` event each. Safe to run from
    /// several instances at once (`SKIP LOCKED`).
    public static func expireLeases(using client: PostgresClient) async throws -> Int {
        try await client.withTransaction { connection in
            let rows = try await connection.query("""
                WITH expired AS (
                    SELECT id, assignee_id FROM cases WHERE lease_until < now() FOR UPDATE SKIP LOCKED
                ), released AS (
                    UPDATE cases c SET assignee_id = NULL, lease_until = NULL FROM expired e WHERE c.id = e.id RETURNING c.id, e.assignee_id
                )
                INSERT INTO case_events (case_id, kind, actor, note, payload)
                SELECT id, 'lease_expired', 'system', '领取超时，已退回队列', jsonb_build_object('user', assignee_id) FROM released
                RETURNING case_id
                """)
            if !rows.isEmpty {
                try await AuditLog.append(AuditEvent(actor: "system", action: "case.lease_expire", summary: ["count": String(rows.count)]),
                                          on: connection)
            }
            return rows.count
        }
    }
}
