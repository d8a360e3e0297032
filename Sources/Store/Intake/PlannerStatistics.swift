import Postgres

/// Keeps the planner's row counts of `cases` and `batch_rows` true while a large batch is
/// written, so the foreign-key checks of the batch's rows, events and deadlines find each case
/// through the primary key.
///
/// Each of those checks is a planned query (`SELECT 1 FROM cases WHERE id = $1 FOR KEY SHARE`).
/// When `pg_class` says `cases` holds no rows while it has many pages, the planner believes every
/// index of it is empty and may pick `cases_unit_stage_due_idx` (`id` is its fourth column): each
/// check then reads that whole index — 18 minutes for the batch rows of a 200 000-row import,
/// O(rows²). The count goes to zero when autovacuum vacuums the dead rows of a killed import while
/// its retry is writing (VACUUM does not count another transaction's uncommitted rows) — seen in
/// `ops/faults/crash-import` — or when a new database's first statistics were taken empty.
///
/// Two defences, for large batches only (`largeBatch` rows or more: smaller ones cannot take
/// long even on a wrong plan). ANALYZE inside the batch's transaction counts the batch's own rows
/// and makes the planner replan; it runs only when the count is far off, right after the cases
/// are written (and `batch_rows` after its rows, for the reads after the commit). And the batch
/// keeps autovacuum off `cases` until it commits
/// (`holdOffVacuum`): a vacuum finishing *during* a statement got that statement's checks
/// replanned on the empty count (seen: the deadlines of a retried 200 000-row import, 5 minutes
/// and counting, with the refresh done just before the statement).
public enum PlannerStatistics {
    /// From how many rows a batch is large: it keeps autovacuum off `cases` and the statistics
    /// current. Smaller batches neither wait for a vacuum or a large batch nor make others wait.
    public static let largeBatch = 10_000

    /// For a batch of `rows` rows or more: takes `SHARE UPDATE EXCLUSIVE` on `cases` until the
    /// transaction ends. Autovacuum skips a table it cannot lock, and a running one is cancelled
    /// when it blocks this request; reads and writes of cases go on (they take weaker locks). The
    /// cost: two such batches take turns, and so do `CREATE INDEX CONCURRENTLY` and a manual VACUUM.
    static func holdOffVacuum(rows: Int, on connection: PostgresConnection) async throws {
        guard rows >= largeBatch else { return }
        try await connection.query("LOCK TABLE cases IN SHARE UPDATE EXCLUSIVE MODE")
    }

    /// For a large batch of `atLeast` rows: analyzes `table` when its row count in `pg_class` is
    /// under half of that. (ANALYZE takes the lock `holdOffVacuum` took.)
    static func refreshIfStale(_ table: Table, atLeast rows: Int, on connection: PostgresConnection) async throws {
        guard rows >= largeBatch else { return }
        let stale = try await connection.query("""
            SELECT reltuples < 0.5 * \(rows) FROM pg_class WHERE oid = \(table.rawValue)::regclass
            """)[0].decode(Bool.self, at: 0)
        // Only a table's owner may ANALYZE it, and huqi may run as an application role
        // (sql/0020): the function runs as the owner. It samples the columns the intake and the
        // queues join and filter on (its row count is the point; sampling the jsonb cells is slow).
        if stale { try await connection.query("SELECT huqi_refresh_intake_statistics(\(table.rawValue))") }
    }

    /// The tables whose counts the intake keeps current.
    enum Table: String {
        case cases
        case batchRows = "batch_rows"
    }
}
