import Crypto
import Domain
import Foundation
import Logging
import Postgres

/// Applies an upload atomically: the whole batch or nothing (a crash or a killed process
/// leaves no partial batch). Rows go through COPY into a staging table; set-based SQL then
/// updates corrected cases (keeping their previous version), inserts new ones (flagging
/// possible duplicates), records every row's outcome, counts, and audits.
public struct BatchStore: Sendable {
    let client: PostgresClient

    /// Creates a store on a pool.
    public init(client: PostgresClient) { self.client = client }

    /// `text` with U+FFFD in place of each NUL.
    static func withoutNUL(_ text: String) -> String { text.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}") }

    /// SHA-256 of a payload, read in chunks (each dropped after it is hashed).
    public static func digest(_ payload: PayloadBytes) -> Data {
        var hasher = SHA256()
        payload.forEachChunk { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        return Data(hasher.finalize())
    }

    /// The earlier answer for the same Idempotency-Key (or, without a key, the same file from
    /// the same partner), or nil. Throws `idempotency.key_reused` when the key came with other bytes.
    public func replay(partnerID: Int, idempotencyKey: String?, payloadDigest: Data) async throws -> BatchSummary? {
        try await client.withConnection { try await Self.replay(partnerID: partnerID, key: idempotencyKey, digest: payloadDigest, on: $0) }
    }

    static func replay(partnerID: Int, key: String?, digest: Data, on connection: PostgresConnection) async throws -> BatchSummary? {
        let condition: PostgresQuery = key.map { "idempotency_key = \($0)" } ?? "payload_sha256 = \(digest) AND status = 'applied'"
        guard let row = try await connection.query("""
            SELECT id, payload_sha256 FROM batches WHERE partner_id = \(partnerID) AND \(condition) ORDER BY id LIMIT 1
            """).first else { return nil }
        let (id, stored) = try row.decode((Int64, Data).self)
        guard stored == digest else { throw BatchError.keyReused }
        var summary = try await BatchQueries.summary(id: id, on: connection)
        summary.replayed = true
        return summary
    }

    private struct DryRunFinished: Error { let summary: BatchSummary }

    /// The first key of the (int, int) advisory lock a partner's batches take turns on.
    static let partnerLockSpace: Int32 = 7_235_012

    /// Applies the upload in one transaction (rolled back at the end for a dry run).
    public func apply(_ submission: BatchSubmission, content: BatchContent) async throws -> BatchSummary {
        let digest = submission.payloadDigest
        do {
            return try await client.withTransaction { connection in
                await connection.planEveryExecution()  // a batch of 10 rows and one of 200 000 need different plans
                try await LongStatements.liftTimeout(on: connection)  // one transaction however large the batch
                let lockKey = "\(submission.partnerID):" + (submission.idempotencyKey ?? digest.map { String(format: "%02x", $0) }.joined())
                let locked = try await connection.query("SELECT pg_try_advisory_xact_lock(hashtextextended(\(lockKey), 7))")[0].decode(Bool.self, at: 0)
                guard locked else { throw BatchError.inProgress }
                if !submission.dryRun, let earlier = try await Self.replay(partnerID: submission.partnerID, key: submission.idempotencyKey, digest: digest, on: connection) {
                    return earlier
                }
                // One partner's batches take turns: two files naming the same new 案件编号 at once
                // would otherwise both insert it, and the second fail on the unique key when the
                // first commits. Waiting, the second finds the first's cases and corrects them.
                try await connection.query("SELECT pg_advisory_xact_lock(\(Self.partnerLockSpace)::int, \(submission.partnerID)::int)")
                try await DataChange.announceBulkWrite(on: connection)  // one notice for the caches, not one per row
                var summary = try await write(submission, digest: digest, content: content, on: connection)
                if submission.dryRun {
                    // Listed now: the rollback takes the batch's rows with it.
                    if let id = summary.batchID, summary.status == "applied" {
                        (summary.problems, summary.problemCount) = try await BatchQueries.problems(
                            batchID: id, limit: BatchSummary.dryRunProblemLimit, on: connection)
                    }
                    throw DryRunFinished(summary: summary)
                }
                return summary
            }
        } catch let finished as DryRunFinished {
            var summary = finished.summary
            summary.batchID = nil
            // An unreadable file stays `rejected`: the dry run answers what the upload would.
            if summary.status == "applied" { summary.status = "dry_run" }
            return summary
        } catch let late as any BatchFileError {
            // A file-level error found while streaming rows (an unclosed quote at the end, too
            // many rows): everything written was rolled back; keep the file as a rejected batch.
            guard case .rows(let format, _, _, _) = content else { throw late }
            return try await apply(submission, content: .unreadable(format: format, code: late.code, message: late.message))
        }
    }

    /// A dry run leaves its key unrecorded (it is rolled back anyway, and the key may already name
    /// a stored batch: checking a corrected file under the same key is fine).
    private func write(_ submission: BatchSubmission, digest: Data, content: BatchContent, on connection: PostgresConnection) async throws -> BatchSummary {
        try await PayloadStore.keep(submission.payload, digest: digest, on: connection)
        let (format, encoding, status, errorCode, errorMessage, warnings): (String, String?, String, String?, String?, [FieldIssue]) = switch content {
        case .rows(let format, let encoding, _, let warnings): (format, encoding, "applied", nil, nil, warnings)
        case .unreadable(let format, let code, let message): (format, nil, "rejected", code, message, [])
        }
        // Messages may quote the file (a sheet or column name); PostgreSQL text cannot hold NUL.
        let (message, fileWarnings) = (errorMessage.map(Self.withoutNUL),
                                       warnings.map { issue in
                                           var issue = issue
                                           issue.message = Self.withoutNUL(issue.message)
                                           return issue
                                       })
        let batchID = try await connection.query("""
            INSERT INTO batches (partner_id, batch_no, uploaded_by, payload_sha256, byte_size, format, encoding, status,
                                 error_code, error_message, idempotency_key, file_warnings)
            VALUES (\(submission.partnerID), \(submission.batchNumber), \(submission.uploader.actor), \(digest),
                    \(submission.payload.count), \(format), \(encoding), \(status), \(errorCode), \(message),
                    \(submission.dryRun ? nil : submission.idempotencyKey), \(PostgresJSON(fileWarnings)))
            RETURNING id
            """)[0].decode(Int64.self, at: 0)
        if case .rows(_, _, let rows, _) = content {
            let clock = try await WorkflowClock.read(on: connection)
            try await BatchApplication(batchID: batchID, partnerID: submission.partnerID,
                                       firstDueOn: WorkflowIntake.firstDueOn(clock), connection: connection).run(rows)
            try await WorkflowIntake.start(batchID: batchID, actor: submission.uploader, clock: clock, on: connection)
            try await BatchApplication.auditCases(batchID: batchID, actor: submission.uploader, on: connection)
        }
        var event = submission.uploader
        event.action = status == "applied" ? "batch.apply" : "batch.reject"
        event.entity = "batch"
        event.entityID = String(batchID)
        event.summary = ["batch_no": submission.batchNumber.map(String.init) ?? "", "format": format, "error": errorCode ?? ""]
        try await AuditLog.append(event, on: connection)
        // A file changed under a mapped read gave different passes different bytes: keep nothing.
        try submission.payload.checkUnchanged()
        return try await BatchQueries.summary(id: batchID, on: connection)
    }
}
