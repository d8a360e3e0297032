import Domain
import Postgres

/// Deadline rows: created at intake (procedural and result reply), on the 信访条例 track, and
/// after each reply while a case is open (monthly follow-up); closed by recording the reply;
/// extended once by a leader; escalated once when overdue.
public enum CaseDeadlines {
    /// Inserts one deadline starting after `startsOn`, computed on the calendar in the configured mode.
    @discardableResult
    static func create(_ kind: DeadlineKind, seq: Int = 1, caseID: Int64, startsOn: CalendarDate, clock: WorkflowClock,
                       on connection: PostgresConnection) async throws -> Int64 {
        let due = clock.calendar.dueDate(startingAfter: startsOn, period: kind.period, mode: clock.settings.dayMode)
        return try await connection.query("""
            INSERT INTO case_deadlines (case_id, kind, seq, starts_on, original_due_on, due_on, day_mode, provisional)
            VALUES (\(caseID), \(kind.rawValue), \(seq), \(startsOn), \(due.date), \(due.date), \(clock.settings.dayMode.rawValue), \(due.provisional))
            RETURNING id
            """)[0].decode(Int64.self, at: 0)
    }

    /// The two reply deadlines of every case a batch created, in one set-based insert over
    /// `batch_cases` (see `WorkflowIntake`): all cases of one batch are accepted on the same
    /// day, so their due dates are the same (the cases' `next_due_on` was written with them,
    /// see `WorkflowIntake.firstDueOn`). They start on the cases' `accepted_on`, the
    /// transaction's date in Beijing.
    static func createForNewCases(clock: WorkflowClock, on connection: PostgresConnection) async throws {
        let dues = [DeadlineKind.proceduralReply, .resultReply].map { kind in
            (kind, clock.calendar.dueDate(startingAfter: clock.today, period: kind.period, mode: clock.settings.dayMode))
        }
        let kinds = PostgresQuery.joined(dues.map { kind, due in "(\(kind.rawValue)::text, \(due.date)::date, \(due.provisional)::boolean)" },
                                         separator: ", ")
        try await connection.query("""
            INSERT INTO case_deadlines (case_id, kind, starts_on, original_due_on, due_on, day_mode, provisional)
            SELECT b.case_id, k.kind, (now() AT TIME ZONE 'Asia/Shanghai')::date, k.due, k.due, \(clock.settings.dayMode.rawValue), k.provisional
            FROM batch_cases b CROSS JOIN (VALUES \(kinds)) AS k (kind, due, provisional)
            WHERE b.outcome IN ('accepted', 'duplicate')
            ORDER BY b.case_id, k.kind
            """)
    }

    /// Records the reply that answers a deadline: closes it (on time or late) and, for a result
    /// or follow-up reply on a case still open, opens the next monthly follow-up deadline.
    public static func recordReply(caseID: Int64, deadlineID: Int64, note: String, by principal: Principal, address: String,
                                   using client: PostgresClient) async throws {
        let text = try CaseActionError.requiredText(note, limit: 2000, field: "note", code: "reply.note_missing", message: "请填写答复内容（不超过 2000 字）。")
        try await client.withTransaction { connection in
            let (locked, clock) = try await LockedCase.lockWithClock(caseID, for: principal, on: connection)
            try locked.requireWorker(principal)
            try locked.requireOpen()
            guard let row = try await connection.query("""
                UPDATE case_deadlines SET closed_on = \(clock.today), closed_at = now(), reply_note = \(text)
                WHERE id = \(deadlineID) AND case_id = \(caseID) AND closed_on IS NULL AND kind <> 'regulation_handling'
                RETURNING kind, seq, due_on
                """).first else {
                throw CaseActionError(.conflict, code: "deadline.not_open", message: "该期限不存在、已答复，或不是答复类期限。")
            }
            let (kind, seq, due) = try row.decode((String, Int, CalendarDate).self)
            if kind == DeadlineKind.resultReply.rawValue || kind == DeadlineKind.followUpReply.rawValue {
                let next = kind == DeadlineKind.followUpReply.rawValue ? seq + 1 : 1
                try await create(.followUpReply, seq: next, caseID: caseID, startsOn: clock.today, clock: clock, on: connection)
            }
            let onTime = clock.today <= due
            try await CaseEvents.record("reply", caseID: caseID, by: principal, note: text,
                                        payload: ["kind": kind, "due_on": due.description, "on_time": onTime ? "true" : "false"],
                                        deadlineID: deadlineID, on: connection)
            try await connection.query("SELECT refresh_next_due(ARRAY[\(caseID)]::bigint[])")
            try await CaseEvents.renewLease(caseID: caseID, principal: principal, on: connection)
            try await AuditLog.append(AuditEvent(by: principal, action: "case.reply", entity: "case", entityID: String(caseID), address: address,
                                                 summary: ["deadline": String(deadlineID), "kind": kind, "on_time": onTime ? "是" : "否"]),
                                      on: connection)
        }
    }

    /// A leader approves the one 30-day extension of a 信访条例 handling deadline.
    public static func extend(caseID: Int64, deadlineID: Int64, reason: String, by principal: Principal, address: String,
                              using client: PostgresClient) async throws {
        let reason = try CaseActionError.requiredText(reason, limit: 2000, field: "reason", code: "extension.reason_missing", message: "延期须填写理由。")
        try await client.withTransaction { connection in
            let (locked, clock) = try await LockedCase.lockWithClock(caseID, for: principal, on: connection)
            guard AccessPolicy.canLeadCases(principal) else { throw CaseActionError.leadersOnly }
            try locked.requireOpen()
            guard let row = try await connection.query("""
                SELECT due_on, extended_days, day_mode FROM case_deadlines
                WHERE id = \(deadlineID) AND case_id = \(caseID) AND kind = 'regulation_handling' AND closed_on IS NULL FOR UPDATE
                """).first else {
                throw CaseActionError(.conflict, code: "extension.not_applicable", message: "只有未结的信访条例办理期限可以延期。")
            }
            let (due, extended, modeName) = try row.decode((CalendarDate, Int, String).self)
            guard extended == 0 else {
                throw CaseActionError(.conflict, code: "extension.already_used", message: "该期限已延期过一次，不能再次延期。")
            }
            // In the deadline's own day mode, as its period was counted (and as a recomputation
            // after a calendar load replays it), even if the setting changed since.
            let mode = DayMode(rawValue: modeName) ?? clock.settings.dayMode
            let newDue = clock.calendar.dueDate(startingAfter: due, period: .days(DeadlineKind.extensionDays), mode: mode)
            try await connection.query("""
                UPDATE case_deadlines SET due_on = \(newDue.date), extended_days = \(DeadlineKind.extensionDays),
                       extension_reason = \(reason), extended_by = \(principal.userID), provisional = provisional OR \(newDue.provisional)
                WHERE id = \(deadlineID)
                """)
            try await CaseEvents.record("extension", caseID: caseID, by: principal, note: reason,
                                        payload: ["from": due.description, "to": newDue.date.description], deadlineID: deadlineID, on: connection)
            try await connection.query("SELECT refresh_next_due(ARRAY[\(caseID)]::bigint[])")
            try await AuditLog.append(AuditEvent(by: principal, action: "case.extend", entity: "case", entityID: String(caseID), address: address,
                                                 summary: ["deadline": String(deadlineID), "to": newDue.date.description]), on: connection)
        }
    }

    /// Writes one escalation event per open deadline past due (cases on hold are paused).
    /// Safe with several instances: the unique index on escalation events admits one.
    public static func escalateOverdue(using client: PostgresClient) async throws -> Int {
        try await client.withTransaction { connection in
            let rows = try await connection.query("""
                WITH overdue AS (
                    SELECT d.id, d.case_id, d.kind, d.due_on FROM case_deadlines d JOIN cases c ON c.id = d.case_id
                    WHERE d.closed_on IS NULL AND d.escalated_at IS NULL AND c.on_hold_since IS NULL AND c.stage <> 'closed'
                      AND d.due_on < (now() AT TIME ZONE 'Asia/Shanghai')::date
                    FOR UPDATE OF d SKIP LOCKED
                ), marked AS (
                    UPDATE case_deadlines d SET escalated_at = now() FROM overdue o WHERE d.id = o.id RETURNING d.id
                )
                INSERT INTO case_events (case_id, kind, actor, note, payload, deadline_id)
                SELECT o.case_id, 'escalation', 'system', '期限已逾期', jsonb_build_object('kind', o.kind, 'due_on', o.due_on), o.id
                FROM overdue o JOIN marked m ON m.id = o.id
                ON CONFLICT DO NOTHING
                RETURNING id
                """)
            if !rows.isEmpty {
                try await AuditLog.append(AuditEvent(actor: "system", action: "deadline.escalate", summary: ["count": String(rows.count)]), on: connection)
            }
            return rows.count
        }
    }
}
