import Postgres

/// Possible duplicates inside one batch: a new row like an earlier new row of the same batch
/// (another 案件编号, same credit code and respondent, a similar claim — the rule for
/// duplicates of stored cases) is linked to the earlier row's case, as a duplicate of a stored
/// case is. A row already found to duplicate a stored case keeps that link.
///
/// Runs between the numbering of new cases (`batch_cases`) and their insert, so each case is
/// written once, with its link. Only the first 20 new rows of each (credit code, respondent)
/// are candidates: a batch of thousands of rows about one enterprise and one respondent costs
/// 20 comparisons a row, not one per earlier row. Only groups of two rows or more are ranked
/// (a hash count): sorting every new row for the window took 2.2 s of a 200 000-row batch in
/// which no two rows shared an enterprise and respondent.
enum InBatchDuplicates {
    /// How many earlier rows of a group a row is compared with.
    static let candidatesPerGroup = 20

    /// Marks the later row of each pair `duplicate` in `batch_cases`, pointing at the earlier row's case.
    static func link(on connection: PostgresConnection) async throws {
        try await connection.query("""
            WITH candidates AS (
                SELECT s.row_number, s.credit_code, s.respondent, s.claim, s.handed_over_on
                FROM staging s JOIN batch_cases b USING (row_number)
                WHERE b.outcome IN ('accepted', 'duplicate') AND s.credit_code IS NOT NULL AND s.respondent IS NOT NULL
            ), repeated AS (
                SELECT credit_code, respondent FROM candidates GROUP BY credit_code, respondent HAVING count(*) > 1
            ), fresh AS (
                SELECT c.*, row_number() OVER (PARTITION BY c.credit_code, c.respondent ORDER BY c.row_number) AS place
                FROM candidates c JOIN repeated USING (credit_code, respondent)
            ), pairs AS (
                SELECT DISTINCT ON (later.row_number) later.row_number, earlier.row_number AS earlier_row
                FROM fresh later
                JOIN fresh earlier ON earlier.credit_code = later.credit_code AND earlier.respondent = later.respondent
                                  AND earlier.place <= \(candidatesPerGroup) AND earlier.row_number < later.row_number
                WHERE NOT EXISTS (SELECT 1 FROM duplicates d WHERE d.row_number = later.row_number)
                  AND abs(earlier.handed_over_on - later.handed_over_on) <= 365 AND similarity(earlier.claim, later.claim) >= 0.3
                ORDER BY later.row_number, earlier.row_number
            )
            UPDATE batch_cases b SET outcome = 'duplicate', duplicate_of = e.case_id
            FROM pairs p JOIN batch_cases e ON e.row_number = p.earlier_row
            WHERE b.row_number = p.row_number
            """)
    }
}
