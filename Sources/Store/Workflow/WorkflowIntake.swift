import Domain
import Postgres

/// What intake does for the workflow inside the batch's transaction: the first event of every
/// new case (it enters the triage queue), an `update` event for corrected ones (both carry the
/// triage decision, so the weekly summary can tell it as of any moment; an update also says
/// where the corrected data disagrees with the case's unit or triage: `CorrectionEffects`), and the two reply
/// deadlines of new cases. Reads the batch's cases from `batch_cases`, the temporary table
/// `BatchApplication` fills in the same transaction (row, case id, outcome, triage).
enum WorkflowIntake {
    /// The procedural reply's due date of a case accepted today: the earliest deadline of every new case.
    static func firstDueOn(_ clock: WorkflowClock) -> CalendarDate {
        clock.calendar.dueDate(startingAfter: clock.today, period: DeadlineKind.proceduralReply.period, mode: clock.settings.dayMode).date
    }

    /// Writes them right after `BatchApplication.run`, which left the planner's statistics of
    /// `cases` current and, for a large batch, autovacuum locked out (see `PlannerStatistics`).
    static func start(batchID: Int64, actor: AuditEvent, clock: WorkflowClock, on connection: PostgresConnection) async throws {
        try await connection.query("""
            INSERT INTO case_events (case_id, kind, from_stage, to_stage, actor, note, payload)
            SELECT b.case_id, CASE b.outcome WHEN 'updated' THEN 'update' ELSE 'intake' END,
                   NULL, CASE b.outcome WHEN 'updated' THEN NULL ELSE 'triage' END, \(actor.actor)::text,
                   CASE WHEN b.outcome <> 'updated' THEN '随批次受理'
                        WHEN b.note IS NULL THEN '合作单位更正了案件信息'
                        ELSE '合作单位更正了案件信息；' || b.note || '。' END,
                   jsonb_build_object('batch', \(batchID)::bigint, 'row', b.row_number, 'petition_related', b.petition_related)
                       || coalesce(b.details, '{}'::jsonb)
            FROM batch_cases b
            WHERE b.outcome IN ('accepted', 'duplicate', 'updated')
            ORDER BY b.row_number
            """)
        try await CaseDeadlines.createForNewCases(clock: clock, on: connection)
    }
}
