import Domain
import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Intake
import Postgres
import Server
import Store
import Testing
import TestSupport

/// An upload is applied once: the same Idempotency-Key (or, without one, the same file) replays
/// the first answer; the same key while it is being applied is 409; two different files of one
/// partner take turns.
@Suite("batch upload: idempotency")
struct BatchIdempotencyTests: BatchUploadSuite {
    @Test("the same Idempotency-Key replays the answer and writes nothing; with other bytes it is 422; without a key the same file replays too")
    func idempotency() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            let app = try ServerHarness.application(client: client)
            let first = BatchSamples.csv(BatchSamples.validRows(3))
            try await app.test(.router) { http in
                var headers: HTTPFields = [.authorization: "Bearer \(fixture.keyA.plaintext)", HeaderNames.idempotencyKey: "batch-2026-4"]
                let original = try await http.execute(uri: "/api/v1/batches", method: .post, headers: headers, body: ByteBuffer(bytes: first))
                #expect(original.status == .created)
                #expect(try json(original)["replayed"] as? Bool == false)
                let again = try await http.execute(uri: "/api/v1/batches", method: .post, headers: headers, body: ByteBuffer(bytes: first))
                // The answer a retrying client missed: the same status, location and fields.
                #expect(again.status == .created)
                #expect(again.headers[.location] == original.headers[.location])
                #expect(original.headers[.location] == "/api/v1/batches/\(try #require(json(original)["batch_id"] as? Int))")
                #expect(try json(again)["replayed"] as? Bool == true)
                let (originalFields, replayedFields) = (try json(original), try json(again))
                func text(_ value: Any?) throws -> String {
                    String(decoding: try JSONSerialization.data(withJSONObject: [value ?? NSNull()], options: .sortedKeys), as: UTF8.self)
                }
                for (field, value) in originalFields where field != "replayed" {
                    #expect(try text(replayedFields[field]) == text(value), "field \(field) of the replay")
                }
                let other = try await http.execute(uri: "/api/v1/batches", method: .post, headers: headers,
                                                   body: ByteBuffer(bytes: BatchSamples.csv(BatchSamples.validRows(4))))
                #expect(other.status == .unprocessableContent)
                headers[HeaderNames.idempotencyKey] = nil
                let unkeyed = try await http.execute(uri: "/api/v1/batches", method: .post, headers: headers, body: ByteBuffer(bytes: first))
                #expect(unkeyed.status == .created)
                #expect(try json(unkeyed)["replayed"] as? Bool == true)
                #expect(try json(unkeyed)["batch_id"] as? Int == json(original)["batch_id"] as? Int)
            }
            #expect(try await count(client, "SELECT count(*) FROM batches") == 1)
            #expect(try await count(client, "SELECT count(*) FROM cases") == 3)
        }
    }

    @Test("two files of one partner sent at once take turns: a 案件编号 both name is created once, then found unchanged")
    func partnerTakesTurns() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            // Every statement inserting cases first waits for the test's gate (an advisory lock),
            // inside its batch's transaction: the first batch is held there until both are under way.
            try await client.query("CREATE FUNCTION wait_for_gate() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_advisory_xact_lock(4242); RETURN NULL; END $$")
            try await client.query("CREATE TRIGGER gate BEFORE INSERT ON cases FOR EACH STATEMENT EXECUTE FUNCTION wait_for_gate()")
            let intake = BatchIntake(client: client)
            let rows = BatchSamples.validRows(6)
            @Sendable func submit(_ part: ArraySlice<String>) async throws -> BatchSummary {
                try await intake.submit(BatchSubmission(partnerID: fixture.partnerA.id, batchNumber: nil, uploader: IdentityFixture.setupActor,
                                                        payload: BatchSamples.csv(Array(part)), idempotencyKey: nil, dryRun: false))
            }
            func waiting() async throws -> Int {
                try await count(client, """
                    SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'
                    """)
            }
            let gate = try await PostgresConnection.connect(configuration: client.configuration, logger: TestDatabase.logger)
            try await gate.query("SELECT pg_advisory_lock(4242)")
            let first = Task { try await submit(rows[0..<4]) }
            let second: Task<BatchSummary, any Error>
            do {
                try await eventually("the first batch waits at the gate, inside its transaction", seconds: 60) { try await waiting() == 1 }
                second = Task { try await submit(rows[2..<6]) }
                // With the partner's lock the second waits for it; without, at the gate too.
                try await eventually("the second batch waits as well", seconds: 60) { try await waiting() == 2 }
            } catch {
                _ = try? await gate.query("SELECT pg_advisory_unlock(4242)")
                await gate.close()
                throw error
            }
            try await gate.query("SELECT pg_advisory_unlock(4242)")
            await gate.close()
            #expect(try await first.value.counts.accepted == 4)
            let later = try await second.value
            #expect(later.counts.accepted == 2 && later.counts.unchanged == 2, "\(later.counts)")
            #expect(try await count(client, "SELECT count(*) FROM cases") == 6)
        }
    }

    @Test("a request while the same key is being applied gets 409")
    func inProgress() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            let app = try ServerHarness.application(client: client)
            let holder = try await PostgresConnection.connect(configuration: client.configuration, logger: TestDatabase.logger)
            try await holder.query("SELECT pg_advisory_lock(hashtextextended(\("\(fixture.partnerA.id):busy-key"), 7))")
            try await app.test(.router) { http in
                let response = try await http.execute(uri: "/api/v1/batches", method: .post,
                                                      headers: [.authorization: "Bearer \(fixture.keyA.plaintext)", HeaderNames.idempotencyKey: "busy-key"],
                                                      body: ByteBuffer(bytes: BatchSamples.csv(BatchSamples.validRows(2))))
                #expect(response.status == .conflict)
            }
            await holder.close()
        }
    }
}
