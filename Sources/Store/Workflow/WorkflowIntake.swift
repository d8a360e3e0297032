import Domain
import Postgres

/// What intake does for the workflow inside the batch's transaction: the first event of every
/// new case (it enters the triage queue), an `update` event for corrected ones (both carry the
/// triage decision, so the weekly summary can tell it as of any moment), and the two reply
/// deadlines of new cases.
enum WorkflowIntake {
    /// The procedural reply's due date of a case accepted today: the earliest deadline of every new case.
    static func firstDueOn(_ clock: WorkflowClock) -> CalendarDate {
        clock.calendar.dueDate(startingAfter: clock.today, period: DeadlineKind.proceduralReply.period, mode: clock.settings.dayMode).date
    }

    static func start(batchID: Int64, actor: AuditEvent, clock: WorkflowClock, on connection: PostgresConnection) async throws {
        try await connection.query("""
            INSERT INTO case_events (case_id, kind, from_stage, to_stage, actor, note, payload)
            SELECT r.case_id, CASE r.outcome WHEN 'updated' THEN 'update' ELSE 'intake' END,
                   NULL, CASE r.outcome WHEN 'updated' THEN NULL ELSE 'triage' END, \(actor.actor)::text,
                   CASE r.outcome WHEN 'updated' THEN '合作单位更正了案件信息' ELSE '随批次受理' END,
                   jsonb_build_object('batch', \(batchID)::bigint, 'row', r.row_number, 'petition_related', c.petition_related)
            FROM batch_rows r JOIN cases c ON c.id = r.case_id
            WHERE r.batch_id = \(batchID) AND r.outcome IN ('accepted', 'duplicate', 'updated')
            ORDER BY r.row_number
            """)
        try await CaseDeadlines.createForNewCases(ofBatch: batchID, clock: clock, on: connection)
    }
}
