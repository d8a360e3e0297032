import Domain
import Intake
import Postgres
import Store

/// One upload from bytes to a stored batch: replay check, read (CSV/JSON), normalize every
/// row, apply atomically. Used by `POST /api/v1/batches` and `huqi import` alike.
public struct BatchIntake: Sendable {
    let client: PostgresClient
    let limits: BatchReader.Limits

    /// Creates the pipeline on a pool.
    public init(client: PostgresClient, maximumRows: Int = 1_000_000) {
        self.client = client
        limits = BatchReader.Limits(maximumRows: maximumRows)
    }

    /// Stores (or, for a dry run, only evaluates) an upload and returns its summary. Throws
    /// `BatchError` for idempotency refusals and for a batch number the file contradicts; an
    /// unreadable file is not thrown but stored and summarised with status `rejected`.
    public func submit(
        _ submission: BatchSubmission, today: CalendarDate = .today(), progress: @escaping @Sendable (String) -> Void = { _ in }
    ) async throws -> BatchSummary {
        let store = BatchStore(client: client)
        if !submission.dryRun, let earlier = try await store.replay(
            partnerID: submission.partnerID, idempotencyKey: submission.idempotencyKey, payloadDigest: submission.payloadDigest) {
            return earlier
        }
        var submission = submission
        let content: BatchContent
        do {
            progress("读取与校验…")
            let parsed = try BatchReader.read(submission.payload, limits: limits, sheet: submission.sheet)
            let normalizer = RowNormalizer(regions: RegionResolver(divisions: try await BatchQueries.divisions(using: client)), uploadDate: today)
            let rules = try await TriageRules.current(using: client)
            let rows = TriagedRows(raw: parsed.rows, normalizer: normalizer, rules: rules) { count in
                progress("已校验并写入 \(count) 行…")
            }
            if let requested = submission.batchNumber, let inFile = parsed.batchNumber, requested != inFile {
                throw BatchError.numberConflict(requested: requested, inFile: inFile)
            }
            content = .rows(format: parsed.format, encoding: parsed.encoding.rawValue, rows: rows, fileWarnings: parsed.warnings)
            submission.batchNumber = submission.batchNumber ?? parsed.batchNumber
        } catch let error as BatchReadError {
            content = .unreadable(format: BatchReader.format(of: submission.payload), code: error.code, message: error.message)
        }
        if case .rows = content { progress("校验并写入数据库…") }
        return try await store.apply(submission, content: content)
    }
}

/// The rows of an upload as the COPY asks for them, with their normalization and triage,
/// reporting every `progressInterval` rows read (a running count for large files).
final class TriagedRows: NormalizedRowSource {
    let raw: RawRowSource
    let normalize: @Sendable (RawRow) -> NormalizedRow
    let onProgress: (Int) -> Void
    static let progressInterval = 10_000
    private var count = 0

    init(raw: RawRowSource, normalizer: RowNormalizer, rules: TriageRuleSet, onProgress: @escaping (Int) -> Void = { _ in }) {
        self.raw = raw
        normalize = { source in
            var row = normalizer.normalize(source)
            row.triage = row.record.map { Triage.decide(TriageInput($0), rules: rules) }
            return row
        }
        self.onProgress = onProgress
    }

    func nextRaw(limit: Int) throws -> [RawRow] {
        var rows: [RawRow] = []
        rows.reserveCapacity(limit)
        while rows.count < limit, let row = try raw.next() {
            rows.append(row)
            count += 1
            if count % Self.progressInterval == 0 { onProgress(count) }
        }
        return rows
    }
}
