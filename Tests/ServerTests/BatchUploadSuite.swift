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

/// What the batch-upload suites share: reading an answer's JSON, counting rows, and submitting
/// rows straight through the intake.
protocol BatchUploadSuite {}

extension BatchUploadSuite {
    func json(_ response: TestResponse) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as! [String: Any]
    }

    func counts(_ response: TestResponse) throws -> [String: Int] {
        try json(response)["counts"] as! [String: Int]
    }

    func count(_ client: PostgresClient, _ sql: PostgresQuery) async throws -> Int {
        try await client.query(sql)[0].decode(Int.self, at: 0)
    }

    /// Submits `rows` (with the standard header, as CSV) through the intake as `partner`'s batch:
    /// no Idempotency-Key, uploaded by `uploader` (the fixture's setup actor unless said).
    func submit(_ rows: [String], partner: Int, batchNumber: Int? = 1, dryRun: Bool = false,
                uploader: AuditEvent = IdentityFixture.setupActor, client: PostgresClient) async throws -> BatchSummary {
        try await BatchIntake(client: client).submit(BatchSubmission(
            partnerID: partner, batchNumber: batchNumber, uploader: uploader,
            payload: BatchSamples.csv(rows), idempotencyKey: nil, dryRun: dryRun))
    }
}
