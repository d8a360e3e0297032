import Domain
import Postgres

/// Holds (等待材料): a hold pauses the case's clock; resuming moves every open due date later
/// by the working days the hold lasted. Both are events and audited.
public enum CaseHolds {
    /// Puts a case on hold from today.
    public static func hold(caseID: Int64, reason: String, by principal: Principal, address: String, using client: PostgresClient) async throws {
        let reason = try CaseActionError.requiredText(reason, limit: 500, field: "reason", code: "hold.reason_missing", message: "请填写暂停原因（如等待哪些材料，不超过 500 字）。")
        try await client.withTransaction { connection in
            let (locked, clock) = try await LockedCase.lockWithClock(caseID, for: principal, on: connection)
            try locked.requireWorker(principal)
            try locked.requireOpen()
            guard locked.onHoldSince == nil else {
                throw CaseActionError(.conflict, code: "hold.already", message: "案件已处于暂停状态。")
            }
            try await connection.query("UPDATE cases SET on_hold_since = \(clock.today), hold_reason = \(reason) WHERE id = \(caseID)")
            try await CaseEvents.record("hold", caseID: caseID, by: principal, note: reason, payload: ["since": clock.today.description], on: connection)
            try await CaseEvents.renewLease(caseID: caseID, principal: principal, on: connection)
            try await AuditLog.append(AuditEvent(by: principal, action: "case.hold", entity: "case", entityID: String(caseID), address: address,
                                                 summary: ["reason": reason]), on: connection)
        }
    }

    /// Resumes a held case; returns the working days paused (added to every open due date).
    @discardableResult
    public static func resume(caseID: Int64, by principal: Principal, address: String, using client: PostgresClient) async throws -> Int {
        try await client.withTransaction { connection in
            let (locked, clock) = try await LockedCase.lockWithClock(caseID, for: principal, on: connection)
            try locked.requireWorker(principal)
            guard let since = locked.onHoldSince else {
                throw CaseActionError(.conflict, code: "hold.not_held", message: "案件没有处于暂停状态。")
            }
            let paused = clock.calendar.workingDays(from: since, until: clock.today)
            if paused > 0 {
                for row in try await connection.query("""
                    SELECT id, due_on FROM case_deadlines WHERE case_id = \(caseID) AND closed_on IS NULL FOR UPDATE
                    """) {
                    let (id, due) = try row.decode((Int64, CalendarDate).self)
                    let moved = clock.calendar.adding(workingDays: paused, to: due)
                    try await connection.query("""
                        UPDATE case_deadlines SET due_on = \(moved), paused_days = paused_days + \(paused) WHERE id = \(id)
                        """)
                }
            }
            try await connection.query("UPDATE cases SET on_hold_since = NULL, hold_reason = NULL WHERE id = \(caseID)")
            try await connection.query("SELECT refresh_next_due(ARRAY[\(caseID)]::bigint[])")
            try await CaseEvents.record("resume", caseID: caseID, by: principal,
                                        payload: ["since": since.description, "paused_working_days": String(paused)], on: connection)
            try await CaseEvents.renewLease(caseID: caseID, principal: principal, on: connection)
            try await AuditLog.append(AuditEvent(by: principal, action: "case.resume", entity: "case", entityID: String(caseID), address: address,
                                                 summary: ["paused_working_days": String(paused)]), on: connection)
            return paused
        }
    }
}
