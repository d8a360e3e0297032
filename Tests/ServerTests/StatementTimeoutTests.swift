import Domain
import Foundation
import Postgres
import Server
import Store
import Testing
import TestSupport

/// An operator's `statement_timeout` (here in the connection string's options) guards every
/// ordinary statement, but not the work that is long by design: a batch's transaction and the
/// weekly cache's first fill (`LongStatements`). Each is made slow by a trigger that sleeps
/// past the timeout.
@Suite("statement timeout", .serialized)
struct StatementTimeoutTests {
    /// A client of the same database whose sessions have a 1-second statement timeout.
    func withTimedClient(_ client: PostgresClient, _ body: (PostgresClient) async throws -> Void) async throws {
        let database = try await client.query("SELECT current_database()::text")[0].decode(String.self, at: 0)
        let timed = PostgresClient(configuration: .init(connectionString: try TestDatabase.connectionString(database: database)
                                                            + " options='-c statement_timeout=1000'"),
                                   logger: TestDatabase.logger)
        do {
            try await body(timed)
            // The timeout was in force all along, and nothing above left it lifted.
            let sleep = await #expect(throws: PostgresError.self) { try await timed.query("SELECT pg_sleep(1.5)") }
            #expect(sleep?.sqlState == PostgresError.SQLState.queryCanceled)
        } catch {
            await timed.shutdown()
            throw error
        }
        await timed.shutdown()
    }

    /// Makes every insert statement into `table` sleep 2 seconds.
    func slowInserts(into table: String, _ client: PostgresClient) async throws {
        try await client.query("""
            CREATE FUNCTION sleep_two_seconds() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(2); RETURN NULL; END $$
            """)
        try await client.query("""
            CREATE TRIGGER slow BEFORE INSERT ON \(unescaped: table) FOR EACH STATEMENT EXECUTE FUNCTION sleep_two_seconds()
            """)
    }

    @Test("a batch whose statements outlast the timeout is stored")
    func batch() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            try await slowInserts(into: "cases", client)
            try await withTimedClient(client) { timed in
                let summary = try await BatchIntake(client: timed).submit(BatchSubmission(
                    partnerID: world.identity.partnerA.id, batchNumber: 1, uploader: IdentityFixture.setupActor,
                    payload: BatchSamples.csv(BatchSamples.validRows(3)), idempotencyKey: nil, dryRun: false))
                #expect(summary.status == "applied" && summary.counts.accepted == 3)
            }
        }
    }

    @Test("the weekly summary fills its cache however long that takes; the timeout still guards the session after it")
    func weeklyFill() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            try await world.upload(WorkflowWorld.rows(2, prefix: "W", petition: true))
            try await client.withConnection { connection in  // taken in three weeks ago: a final week to cache
                try await connection.query("SET session_replication_role = replica")
                try await connection.query("UPDATE case_events SET occurred_at = now() - interval '21 days'")
                try await connection.query("UPDATE batches SET received_at = now() - interval '21 days'")
                try await connection.query("UPDATE case_deadlines SET created_at = now() - interval '21 days'")
            }
            try await slowInserts(into: "weekly_increments", client)
            let office = try await world.principal("office")
            try await withTimedClient(client) { timed in
                let summary = try await WeeklyQueries.compute(week: ISOWeek(containing: .today()), for: office, using: timed)
                #expect(summary.triage.cumulative.petitionRelated == 2, "\(summary.triage)")
            }
            #expect(try await client.query("SELECT count(*) FROM weekly_cache_weeks")[0].decode(Int.self, at: 0) >= 3)
        }
    }
}
