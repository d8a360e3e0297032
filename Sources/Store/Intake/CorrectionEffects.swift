import Postgres

/// What a partner's correction (a later row with the same 案件编号) does to a case, as one
/// statement over the batch's corrected rows (`matched`, locked) inside the batch's transaction.
///
/// The case's data always takes the corrected values (the previous version is already in
/// `case_versions`). What the workflow derives from that data follows it only while the case
/// still waits in triage, because until then nobody has acted on it:
///
/// - **In triage**: the triage is decided again (a prosecutor's override still wins) and the
///   unit follows the region; when the unit changes, whoever held the case lets go of it (they
///   can no longer see it) and the case waits in the new unit's triage queue. A case a leader
///   has moved (`CaseTransfer`) keeps its unit: that was a person's decision, like an override.
/// - **Past triage**: a prosecutor has confirmed the triage by moving the case on, and its unit
///   is working it. Both stay, so a case in 评估 is never turned into an "other" case, nor taken
///   from the procuratorate handling it. When the corrected data points elsewhere, the case's
///   `update` event says so (its note in Chinese, its payload for programs), for the holder or a
///   leader to act on.
///
/// Fills `batch_cases` with one row per matched row (`updated` or `unchanged`), carrying the
/// effective triage and, for corrections whose data now disagrees with the workflow, the note
/// and details of the `update` event (`WorkflowIntake`).
enum CorrectionEffects {
    static func apply(batchID: Int64, dataColumns: [String], on connection: PostgresConnection) async throws {
        let assignments = dataColumns.map { "\($0) = s.\($0)" }.joined(separator: ", ")
        try await connection.query("""
            WITH corrected AS (
                UPDATE cases c SET \(unescaped: assignments),
                       petition_related = CASE WHEN f.waiting THEN coalesce(c.triage_override, s.petition_related) ELSE c.petition_related END,
                       triage_reasons = CASE WHEN f.waiting THEN s.triage_reasons ELSE c.triage_reasons END,
                       triage_rule_version = CASE WHEN f.waiting THEN s.triage_rule_version ELSE c.triage_rule_version END,
                       triage_auto = CASE WHEN f.waiting THEN s.petition_related ELSE c.triage_auto END,
                       unit_code = CASE WHEN f.follows THEN s.region_code ELSE c.unit_code END,
                       assignee_id = CASE WHEN f.follows AND f.elsewhere THEN NULL ELSE c.assignee_id END,
                       lease_until = CASE WHEN f.follows AND f.elsewhere THEN NULL ELSE c.lease_until END,
                       batch_id = \(batchID), version = c.version + 1, updated_at = now()
                FROM matched m JOIN staging s USING (row_number)
                     CROSS JOIN LATERAL (SELECT m.stage = 'triage' AS waiting, m.stage = 'triage' AND NOT m.unit_decided AS follows,
                                              -- a moved case's unit differs from its region: only a new region counts
                                              s.region_code <> m.unit_code AND (NOT m.unit_decided OR s.region_code <> m.region_before)
                                                  AS elsewhere) f
                WHERE c.id = m.case_id AND m.changed
                RETURNING c.id, c.petition_related, c.triage_rule_version,
                          CASE WHEN f.follows AND f.elsewhere THEN s.region_code END AS moved_to,
                          CASE WHEN f.follows AND f.elsewhere THEN m.assignee_id END AS released,
                          CASE WHEN NOT f.follows AND f.elsewhere THEN s.region_code END AS region_unit,
                          m.unit_decided,
                          CASE WHEN NOT f.waiting AND s.petition_related IS DISTINCT FROM c.petition_related
                               THEN s.petition_related END AS triage_now,
                          m.unit_code AS unit_before
            ), explained AS (
                SELECT k.*,
                       nullif(concat_ws('；',
                           CASE WHEN k.moved_to IS NOT NULL THEN '所在地区更正后，案件转由' || u.name || '分流'
                                || CASE WHEN k.released IS NOT NULL THEN '，原领取人已不再持有该案件' ELSE '' END END,
                           CASE WHEN k.region_unit IS NOT NULL THEN '更正后的所在地区属' || u.name || '管辖，但'
                                || CASE WHEN k.unit_decided THEN '案件已由院领导移送至现承办院，仍由其办理'
                                        ELSE '案件已在办理中，仍由原承办院办理' END
                                || '，如需移送请由院领导决定' END,
                           CASE WHEN k.triage_now IS NOT NULL THEN '按更正后的内容自动分流为“'
                                || CASE WHEN k.triage_now THEN '涉信访事项' ELSE '其他案件' END
                                || '”，与当前分流不同；案件已在办理中，分流结果未改变，请承办人复核' END), '') AS note
                FROM corrected k LEFT JOIN units u ON u.code = coalesce(k.moved_to, k.region_unit)
            )
            INSERT INTO batch_cases (row_number, case_id, outcome, petition_related, triage_rule_version, note, details)
            SELECT m.row_number, m.case_id, CASE WHEN m.changed THEN 'updated' ELSE 'unchanged' END, e.petition_related, e.triage_rule_version,
                   e.note,
                   CASE WHEN e.note IS NOT NULL THEN jsonb_strip_nulls(jsonb_build_object(
                       'unit_from', CASE WHEN e.moved_to IS NOT NULL THEN e.unit_before END, 'unit_to', e.moved_to,
                       'released_user', e.released, 'region_unit', e.region_unit, 'triage_auto_now', e.triage_now)) END
            FROM matched m LEFT JOIN explained e ON e.id = m.case_id
            """)
    }
}
