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
/// the first answer; the same key while it is being applied is 409.
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
                let again = try await http.execute(uri: "/api/v1/batches", method: .post, headers: headers, body: ByteBuffer(bytes: first))
                #expect(again.status == .ok)
                #expect(try json(again)["replayed"] as? Bool == true)
                #expect(try json(again)["batch_id"] as? Int == json(original)["batch_id"] as? Int)
                let other = try await http.execute(uri: "/api/v1/batches", method: .post, headers: headers,
                                                   body: ByteBuffer(bytes: BatchSamples.csv(BatchSamples.validRows(4))))
                #expect(other.status == .unprocessableContent)
                headers[HeaderNames.idempotencyKey] = nil
                let unkeyed = try await http.execute(uri: "/api/v1/batches", method: .post, headers: headers, body: ByteBuffer(bytes: first))
                #expect(try json(unkeyed)["replayed"] as? Bool == true)
            }
            #expect(try await count(client, "SELECT count(*) FROM batches") == 1)
            #expect(try await count(client, "SELECT count(*) FROM cases") == 3)
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
