import Domain
import Foundation
import Postgres

/// The set-based SQL that applies one batch's normalized rows inside its transaction.
/// A table of steps: stage (COPY) → refuse repeated refs → corrections → new cases → rejected
/// rows → counts. Each step is one statement over the whole batch.
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
        _ = try await connection.copyFrom("COPY staging FROM STDIN") { writer in try await StagingCopy.run(rows, into: writer) }
        // A temp table has no statistics: without them the joins below become nested loops. Only
        // the join columns: sampling the raw cells and issues (jsonb) took over a second on 50 000 rows.
        try await connection.query("ANALYZE staging (row_number, ok, external_ref, credit_code, respondent)")
        let columns = (Self.caseColumns + Self.triageColumns).joined(separator: ", ")
        let fromStaging = Self.caseColumns.map { "s.\($0)" }.joined(separator: ", ")
        let allFromStaging = (Self.caseColumns + Self.triageColumns).map { "s.\($0)" }.joined(separator: ", ")
        // A prosecutor's override of the triage wins over the re-triage of a corrected row.
        let updatedValues = allFromStaging.replacingOccurrences(of: "s.petition_related", with: "coalesce(c.triage_override, s.petition_related)")
        try await connection.query("""
            UPDATE staging s SET ok = false, issues = s.issues || jsonb_build_array(jsonb_build_object(
                'field', 'external_ref', 'code', 'row.duplicate_ref', 'severity', 'error',
                'message', '案件编号“' || s.external_ref || '”在本批次第 ' || f.first_row || ' 行已出现，同一批次中不能重复。'))
            FROM (SELECT external_ref, min(row_number) AS first_row FROM staging WHERE ok GROUP BY external_ref HAVING count(*) > 1) f
            WHERE s.ok AND s.external_ref = f.external_ref AND s.row_number > f.first_row
            """)
        try await connection.query("""
            CREATE TEMP TABLE matched ON COMMIT DROP AS
            SELECT s.row_number, c.id AS case_id,
                   (\(unescaped: Self.caseColumns.map { "c.\($0)" }.joined(separator: ", "))) IS DISTINCT FROM (\(unescaped: fromStaging)) AS changed
            FROM staging s JOIN cases c ON c.partner_id = \(partnerID) AND c.external_ref = s.external_ref
            WHERE s.ok
            """)
        try await connection.query("""
            INSERT INTO case_versions (case_id, version, batch_id, data, replaced_by_batch)
            SELECT c.id, c.version, c.batch_id, to_jsonb(c), \(batchID)
            FROM cases c JOIN matched m ON m.case_id = c.id WHERE m.changed
            """)
        try await connection.query("""
            UPDATE cases c SET (\(unescaped: columns), triage_auto, unit_code, batch_id, version, updated_at) =
                (\(unescaped: updatedValues), s.petition_related, s.region_code, \(batchID), c.version + 1, now())
            FROM matched m JOIN staging s USING (row_number)
            WHERE c.id = m.case_id AND m.changed
            """)
        try await connection.query("""
            INSERT INTO batch_rows (batch_id, row_number, outcome, case_id, raw, issues)
            SELECT \(batchID), s.row_number, CASE WHEN m.changed THEN 'updated' ELSE 'unchanged' END, m.case_id, s.raw, s.issues
            FROM matched m JOIN staging s USING (row_number)
            """)
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
        try await connection.query("""
            WITH inserted AS (
                INSERT INTO cases (partner_id, external_ref, first_batch_id, batch_id, unit_code, \(unescaped: columns), triage_auto,
                                   possible_duplicate_of, next_due_on)
                SELECT \(partnerID), s.external_ref, \(batchID), \(batchID), s.region_code, \(unescaped: allFromStaging), s.petition_related,
                       dup.duplicate_of, \(firstDueOn)::date
                FROM staging s LEFT JOIN duplicates dup USING (row_number)
                WHERE s.ok AND NOT EXISTS (SELECT 1 FROM matched m WHERE m.row_number = s.row_number)
                ORDER BY s.row_number
                RETURNING id, external_ref, possible_duplicate_of
            )
            INSERT INTO batch_rows (batch_id, row_number, outcome, case_id, raw, issues)
            SELECT \(batchID), s.row_number, CASE WHEN i.possible_duplicate_of IS NULL THEN 'accepted' ELSE 'duplicate' END,
                   i.id, s.raw, s.issues
            FROM inserted i JOIN staging s ON s.ok AND s.external_ref = i.external_ref
            """)
        // Possible duplicates inside the batch: a new row like an earlier new row of the same batch
        // (another 案件编号, same credit code and respondent, a similar claim) is linked to the
        // earlier row's case, as a duplicate of a stored case is. Only the first 20 new rows of
        // each (credit code, respondent) are candidates, so a batch of thousands of rows about one
        // enterprise and one respondent costs 20 comparisons a row, not one per earlier row.
        // Cases are found by (partner, 案件编号) and rows by (batch, row) — unique indexes: the
        // statistics of cases and batch_rows do not count this batch's rows yet. Only groups of
        // two rows or more are ranked (a hash count): sorting every new row for the window took
        // 2.2 s of a 200 000-row batch in which no two rows shared an enterprise and respondent.
        try await connection.query("""
            WITH candidates AS (
                SELECT s.row_number, s.external_ref, s.credit_code, s.respondent, s.claim, s.handed_over_on
                FROM staging s
                WHERE s.ok AND s.credit_code IS NOT NULL AND s.respondent IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM matched m WHERE m.row_number = s.row_number)
            ), repeated AS (
                SELECT credit_code, respondent FROM candidates GROUP BY credit_code, respondent HAVING count(*) > 1
            ), fresh AS (
                SELECT c.*, row_number() OVER (PARTITION BY c.credit_code, c.respondent ORDER BY c.row_number) AS place
                FROM candidates c JOIN repeated USING (credit_code, respondent)
            ), pairs AS (
                SELECT DISTINCT ON (later.row_number) later.row_number, later.external_ref AS later_ref, earlier.external_ref AS earlier_ref
                FROM fresh later
                JOIN fresh earlier ON earlier.credit_code = later.credit_code AND earlier.respondent = later.respondent
                                  AND earlier.place <= 20 AND earlier.row_number < later.row_number
                WHERE NOT EXISTS (SELECT 1 FROM duplicates d WHERE d.row_number = later.row_number)
                  AND abs(earlier.handed_over_on - later.handed_over_on) <= 365 AND similarity(earlier.claim, later.claim) >= 0.3
                ORDER BY later.row_number, earlier.row_number
            ), linked AS (
                UPDATE cases c SET possible_duplicate_of = e.id
                FROM pairs p JOIN cases e ON e.partner_id = \(partnerID) AND e.external_ref = p.earlier_ref
                WHERE c.partner_id = \(partnerID) AND c.external_ref = p.later_ref
                RETURNING c.id
            )
            UPDATE batch_rows r SET outcome = 'duplicate' FROM pairs p
            WHERE r.batch_id = \(batchID) AND r.row_number = p.row_number
            """)
        try await connection.query("""
            INSERT INTO batch_rows (batch_id, row_number, outcome, raw, issues)
            SELECT \(batchID), row_number, 'rejected', raw, issues FROM staging WHERE NOT ok
            """)
        let total = try await connection.query("""
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
            RETURNING b.total
            """)[0].decode(Int.self, at: 0)
        try await Self.refreshStaleStatistics(batchRows: total, on: connection)
    }

    /// The statements after this (events, deadlines, audit) join `batch_rows` with `cases` over
    /// the whole batch. When a table's statistics count fewer rows than it now holds — a new
    /// database, or autovacuum's ANALYZE right after a large batch was rolled back (a killed
    /// import: statistics of 0 rows over full pages) — the planner expects one row and joins
    /// by nested loops over sequential scans: minutes per 10 000 rows (seen in
    /// `ops/faults/crash-import`). ANALYZE inside the transaction counts its own new rows.
    static func refreshStaleStatistics(batchRows: Int, on connection: PostgresConnection) async throws {
        let stale = try await connection.query("""
            SELECT c.relname FROM pg_class c
            WHERE c.oid IN ('cases'::regclass, 'batch_rows'::regclass) AND c.reltuples < 0.5 * \(batchRows)
            """).map { try $0.decode(String.self, at: 0) }
        for table in stale {
            try await connection.query("ANALYZE \(unescaped: table == "cases" ? "cases (id, partner_id, unit_code)" : "batch_rows (batch_id, case_id, outcome)")")
        }
    }

    /// One audit event per case the batch created or changed, in row order.
    static func auditCases(batchID: Int64, actor: AuditEvent, on connection: PostgresConnection) async throws {
        try await connection.query("""
            INSERT INTO audit_events (actor, actor_label, action, entity, entity_id, summary)
            SELECT \(actor.actor)::text, \(actor.actorLabel)::text, CASE r.outcome WHEN 'updated' THEN 'case.update' ELSE 'case.create' END,
                   'case', r.case_id::text, jsonb_build_object('batch', \(batchID)::bigint, 'row', r.row_number, 'outcome', r.outcome,
                                                               'petition_related', c.petition_related, 'triage_rule_version', c.triage_rule_version)
            FROM batch_rows r JOIN cases c ON c.id = r.case_id
            WHERE r.batch_id = \(batchID) AND r.outcome IN ('accepted', 'updated', 'duplicate')
            ORDER BY r.row_number
            """)
    }
}

/// A normalized row as the text fields of one COPY line into `staging`.
enum StagingRow {
    static func fields(of row: NormalizedRow) -> [String?] {
        let extra = JSONText.object(row.raw.extra)
        let raw = "{\"cells\":" + JSONText.object(row.raw.cells) + ",\"extra\":" + extra + "}"
        let issues = JSONText.issues(row.issues)
        guard let record = row.record else {
            return [String(row.raw.number), "f", row.raw.cells["external_ref"]] + Array(repeating: nil, count: 22) + [raw, issues]
        }
        return [
            String(row.raw.number), "t", record.externalRef,
            record.seq.map(String.init), record.enterpriseName, record.creditCode, record.regionCode,
            record.enterpriseKind?.rawValue, record.reporterName, record.reporterIDNumber, record.phone, record.respondent,
            record.matterType?.rawValue, record.claim, record.petitionedBefore.map { $0 ? "t" : "f" },
            record.firstPetitionDate?.description, record.petitionCount.map(String.init), record.amountWan.map { "\($0)" },
            record.litigationStage?.rawValue, record.handedOverOn.description, record.remarks, extra,
            row.triage.map { $0.petitionRelated ? "t" : "f" }, row.triage.flatMap { $0.reasons.postgresText },
            row.triage.map { String($0.ruleSetVersion) },
            raw, issues,
        ]
    }
}
