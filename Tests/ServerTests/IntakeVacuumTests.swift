import Foundation
import Intake
import Postgres
import Server
import Store
import Testing
import TestSupport

/// What keeps a large batch's foreign-key checks on the primary key of `cases`
/// (`PlannerStatistics`), found by `ops/faults/crash-import`: after a killed import, autovacuum
/// empties the planner's row count of `cases` while the retry writes, and each check of the
/// statement then read a whole other index — 18 minutes at 200 000 rows.
@Suite("intake, statistics and vacuum")
struct IntakeVacuumTests {
    func submit(_ rows: [String], dryRun: Bool = false, partner: Int, client: PostgresClient) async throws -> BatchSummary {
        try await BatchIntake(client: client).submit(BatchSubmission(
            partnerID: partner, batchNumber: nil, uploader: IdentityFixture.setupActor,
            payload: BatchSamples.csv(rows), idempotencyKey: nil, dryRun: dryRun))
    }

    func count(_ client: PostgresClient, _ sql: PostgresQuery) async throws -> Int {
        try await client.query(sql)[0].decode(Int.self, at: 0)
    }

    @Test("""
        after a rolled-back batch and a vacuum (an empty row count over full pages), a batch of 10 000 rows \
        waits for the lock a vacuum holds while a small one does not, refreshes the statistics, and finds its cases by their key
        """)
    func largeBatchAfterVacuum() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            let large = BatchSamples.validRows(PlannerStatistics.largeBatch, prefix: "L")
            // Written, then rolled back; VACUUM then counts no live rows in its full pages, as
            // autovacuum does after a killed import (while the retry runs, its rows uncommitted).
            _ = try await submit(large, dryRun: true, partner: fixture.partnerA.id, client: client)
            try await client.query("VACUUM cases")
            try await client.query("VACUUM batch_rows")
            func tuples(_ table: String) async throws -> Double {
                try await client.query("SELECT reltuples::float8 FROM pg_class WHERE relname = \(table)")[0].decode(Double.self, at: 0)
            }
            let (emptyCases, emptyRows) = (try await tuples("cases"), try await tuples("batch_rows"))
            #expect(emptyCases == 0 && emptyRows == 0, "the planner would expect every index of them to be empty")

            // A session holding the lock a vacuum takes: a large batch waits for it, a small one does not.
            let vacuum = try await PostgresConnection.connect(configuration: client.configuration, logger: TestDatabase.logger)
            try await vacuum.query("BEGIN")
            try await vacuum.query("LOCK TABLE cases IN SHARE UPDATE EXCLUSIVE MODE")
            let small = try await submit(BatchSamples.validRows(100, prefix: "S"), partner: fixture.partnerA.id, client: client)
            #expect(small.counts.accepted == 100, "a small batch is stored while the lock is held")
            // The large one, on its own session: its index reads are reported when the session ends.
            let importer = PostgresClient(configuration: client.configuration, options: .init(maximumConnections: 1), logger: TestDatabase.logger)
            let pending = Task { try await submit(large, partner: fixture.partnerA.id, client: importer) }
            // It asks for the lock as soon as its rows are staged, before it writes a case.
            try await eventually("the large batch waits for the lock on cases", seconds: 60) {
                try await client.query("""
                    SELECT a.query FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid
                    WHERE a.datname = current_database() AND l.relation = 'cases'::regclass AND NOT l.granted
                    """).map { try $0.decode(String.self, at: 0) } == ["LOCK TABLE cases IN SHARE UPDATE EXCLUSIVE MODE"]
            }
            #expect(try await count(client, "SELECT count(*) FROM cases") == 100, "nothing of it visible yet")
            try await vacuum.query("COMMIT")
            await vacuum.close()
            let counts = try await pending.value.counts  // the small batch's respondents come back: duplicates, also new cases
            await importer.shutdown()
            let n = PlannerStatistics.largeBatch
            #expect(counts.accepted + counts.duplicate == n)
            #expect(try await count(client, "SELECT count(*) FROM cases") == 100 + n)
            let (cases, batchRows) = (try await tuples("cases"), try await tuples("batch_rows"))
            #expect(cases >= Double(n) && batchRows >= Double(n), "counted inside the batch's transaction")

            // By its key each foreign-key check reads one entry. (At this size the planner happens
            // to pick the key even on an empty count; the counts above fail without the refresh.)
            var reads: [(String, Int)] = []
            try await eventually("the import's session has reported its index reads", seconds: 10) {
                _ = try await client.query("SELECT pg_stat_clear_snapshot()")
                reads = try await client.query("""
                    SELECT indexrelname::text, idx_tup_read FROM pg_stat_user_indexes WHERE relname = 'cases' ORDER BY 1
                    """).map { try $0.decode((String, Int).self) }
                return reads.contains { $0.0 == "cases_pkey" && $0.1 >= n }
            }
            for (index, read) in reads {
                #expect(read <= 20 * n, "\(index): \(read) entries read for \(n) new cases")
            }
        }
    }
}
