import Domain
import Foundation
import Postgres

/// The set-based SQL that applies one batch's normalized rows inside its transaction.
/// A table of steps: stage (COPY) → refuse repeated refs → corrections → duplicates of stored
/// cases → number the new cases → duplicates inside the batch → new cases → every row's
/// outcome → counts. Each step is one statement over the whole batch.
///
/// It leaves `batch_cases` (row, case id, outcome, triage) for the rest of the transaction:
/// the workflow's first events and deadlines and the audit events are written from that narrow
/// table, not by joining the batch's rows with `cases` again.
///
/// A correction changes the case's data always, but what the workflow derives from it (the unit
/// from the region, the triage from the claim) only while the case still waits in triage: once a
/// prosecutor has moved it on, its unit and triage were decided by people (see `CorrectionEffects`).
struct BatchApplication {
    let batchID: Int64
    let partnerID: Int
    /// The first deadline of every new case (its 7-day procedural reply), written with the row
    /// so the queue order needs no second pass over the batch.
    let firstDueOn: CalendarDate
    let connection: PostgresConnection

    /// The triage columns, written with the data but not part of "did the case change".
    static let triageColumns = ["petition_related", "triage_reasons", "triage_rule_version"]

    /// The case columns a batch writes, in staging order.
    static let caseColumns = [
        "seq", "enterprise_name", "credit_code", "region_code", "enterprise_kind", "reporter_name", "reporter_id_number",
        "phone", "respondent", "matter_type", "claim", "petitioned_before", "first_petition_date", "petition_count",
        "amount_wan", "litigation_stage", "handed_over_on", "remarks", "extra",
    ]

    func run(_ rows: any NormalizedRowSource) async throws {
        try await connection.query("""
            CREATE TEMP TABLE staging (
                row_number int PRIMARY KEY, ok boolean NOT NULL, external_ref text,
                seq int, enterprise_name text, credit_code text, region_code text, enterprise_kind text,
                reporter_name text, reporter_id_number text, phone text, respondent text, matter_type text,
                claim text, petitioned_before boolean, first_petition_date date, petition_count int,
                amount_wan numeric, litigation_stage text, handed_over_on date, remarks text, extra jsonb,
                petition_related boolean, triage_reasons text[], triage_rule_version int,
                raw jsonb NOT NULL, issues jsonb NOT NULL
            ) ON COMMIT DROP
            """)
        try await connection.query("""
            CREATE TEMP TABLE batch_cases (
                row_number int NOT NULL, case_id bigint NOT NULL, outcome text NOT NULL,
                duplicate_of bigint, petition_related boolean, triage_rule_version int,
                note text, details jsonb
            ) ON COMMIT DROP
            """)
        let staged = try await connection.copyFrom("COPY staging FROM STDIN") { writer in try await StagingCopy.run(rows, into: writer) }
        try await PlannerStatistics.holdOffVacuum(rows: staged, on: connection)
        // A temp table has no statistics: without them the joins below become nested loops. Only
        // the join columns: sampling the raw cells and issues (jsonb) took over a second on 50 000 rows.
        try await connection.query("ANALYZE staging (row_number, ok, external_ref, credit_code, respondent)")
        let columns = (Self.caseColumns + Self.triageColumns).joined(separator: ", ")
        let fromStaging = Self.caseColumns.map { "s.\($0)" }.joined(separator: ", ")
        let allFromStaging = (Self.caseColumns + Self.triageColumns).map { "s.\($0)" }.joined(separator: ", ")
        try await connection.query("""
            UPDATE staging s SET ok = false, issues = s.issues || jsonb_build_array(jsonb_build_object(
                'field', 'external_ref', 'code', 'row.duplicate_ref', 'severity', 'error',
                'message', '案件编号“' || s.external_ref || '”在本批次第 ' || f.first_row || ' 行已出现，同一批次中不能重复。'))
            FROM (SELECT external_ref, min(row_number) AS first_row FROM staging WHERE ok GROUP BY external_ref HAVING count(*) > 1) f
            WHERE s.ok AND s.external_ref = f.external_ref AND s.row_number > f.first_row
            """)
        // The corrected cases are locked from here to the commit, so the stage, unit and holder
        // read now are the ones the correction below changes.
        try await connection.query("""
            CREATE TEMP TABLE matched ON COMMIT DROP AS
            SELECT s.row_number, c.id AS case_id,
                   (\(unescaped: Self.caseColumns.map { "c.\($0)" }.joined(separator: ", "))) IS DISTINCT FROM (\(unescaped: fromStaging)) AS changed,
                   c.stage, c.unit_code, c.assignee_id, c.region_code AS region_before,
                   c.unit_transferred_at IS NOT NULL AS unit_decided
            FROM staging s JOIN cases c ON c.partner_id = \(partnerID) AND c.external_ref = s.external_ref
            WHERE s.ok
            ORDER BY c.id
            FOR UPDATE OF c
            """)
        try await connection.query("""
            INSERT INTO case_versions (case_id, version, batch_id, data, replaced_by_batch)
            SELECT c.id, c.version, c.batch_id, to_jsonb(c), \(batchID)
            FROM cases c JOIN matched m ON m.case_id = c.id WHERE m.changed
            """)
        try await CorrectionEffects.apply(batchID: batchID, dataColumns: Self.caseColumns, on: connection)
        // Possible duplicates of existing cases, as one join (a per-row subquery would be planned
        // against the table's old statistics and scan it once per row).
        try await connection.query("""
            CREATE TEMP TABLE duplicates ON COMMIT DROP AS
            SELECT DISTINCT ON (s.row_number) s.row_number, d.id AS duplicate_of
            FROM staging s JOIN cases d ON d.credit_code = s.credit_code AND d.respondent = s.respondent
            WHERE s.ok AND NOT EXISTS (SELECT 1 FROM matched m WHERE m.row_number = s.row_number)
              AND abs(d.handed_over_on - s.handed_over_on) <= 365 AND similarity(d.claim, s.claim) >= 0.3
            ORDER BY s.row_number, d.id
            """)
        // Every new case gets its id here, in row order, before it is written: the batch's rows,
        // events, deadlines and audit events are then written from this narrow table, without
        // joining `cases` or finding new cases again by 案件编号.
        try await connection.query("""
            INSERT INTO batch_cases (row_number, case_id, outcome, duplicate_of, petition_related, triage_rule_version)
            SELECT n.row_number, nextval('cases_id_seq'), CASE WHEN n.duplicate_of IS NULL THEN 'accepted' ELSE 'duplicate' END,
                   n.duplicate_of, n.petition_related, n.triage_rule_version
            FROM (SELECT s.row_number, dup.duplicate_of, s.petition_related, s.triage_rule_version
                  FROM staging s LEFT JOIN duplicates dup USING (row_number)
                  WHERE s.ok AND NOT EXISTS (SELECT 1 FROM matched m WHERE m.row_number = s.row_number)
                  ORDER BY s.row_number) n
            """)
        try await connection.query("ANALYZE batch_cases")
        try await InBatchDuplicates.link(on: connection)
        try await connection.query("""
            INSERT INTO cases (id, partner_id, external_ref, first_batch_id, batch_id, unit_code, \(unescaped: columns), triage_auto,
                               possible_duplicate_of, next_due_on)
            SELECT b.case_id, \(partnerID), s.external_ref, \(batchID), \(batchID), s.region_code, \(unescaped: allFromStaging), s.petition_related,
                   b.duplicate_of, \(firstDueOn)::date
            FROM batch_cases b JOIN staging s USING (row_number)
            WHERE b.outcome IN ('accepted', 'duplicate')
            ORDER BY b.row_number
            """)
        try await PlannerStatistics.refreshIfStale(.cases, atLeast: staged, on: connection)
        // Every row of the file, with its outcome: rows with a case are in `batch_cases`, the rest were rejected.
        try await connection.query("""
            INSERT INTO batch_rows (batch_id, row_number, outcome, case_id, raw, issues)
            SELECT \(batchID), s.row_number, coalesce(b.outcome, 'rejected'), b.case_id, s.raw, s.issues
            FROM staging s LEFT JOIN batch_cases b USING (row_number)
            ORDER BY s.row_number
            """)
        try await connection.query("""
            UPDATE batches b SET total = r.total, accepted = r.accepted, updated = r.updated, unchanged = r.unchanged,
                                 duplicate = r.duplicate, rejected = r.rejected, warnings = r.warnings
            FROM (SELECT count(*) AS total,
                         count(*) FILTER (WHERE outcome = 'accepted') AS accepted,
                         count(*) FILTER (WHERE outcome = 'updated') AS updated,
                         count(*) FILTER (WHERE outcome = 'unchanged') AS unchanged,
                         count(*) FILTER (WHERE outcome = 'duplicate') AS duplicate,
                         count(*) FILTER (WHERE outcome = 'rejected') AS rejected,
                         count(*) FILTER (WHERE outcome <> 'rejected' AND issues @> '[{"severity": "warning"}]') AS warnings
                  FROM batch_rows WHERE batch_id = \(batchID)) r
            WHERE b.id = \(batchID)
            """)
        try await PlannerStatistics.refreshIfStale(.batchRows, atLeast: staged, on: connection)
    }

    /// One audit event per case the batch created or changed, in row order.
    static func auditCases(batchID: Int64, actor: AuditEvent, on connection: PostgresConnection) async throws {
        try await connection.query("""
            INSERT INTO audit_events (actor, actor_label, action, entity, entity_id, summary)
            SELECT \(actor.actor)::text, \(actor.actorLabel)::text, CASE b.outcome WHEN 'updated' THEN 'case.update' ELSE 'case.create' END,
                   'case', b.case_id::text, jsonb_build_object('batch', \(batchID)::bigint, 'row', b.row_number, 'outcome', b.outcome,
                                                               'petition_related', b.petition_related, 'triage_rule_version', b.triage_rule_version)
            FROM batch_cases b
            WHERE b.outcome IN ('accepted', 'updated', 'duplicate')
            ORDER BY b.row_number
            """)
    }
}
