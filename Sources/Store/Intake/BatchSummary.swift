import Domain
import Foundation

/// What an upload produced: the answer of `POST /api/v1/batches` and of `huqi import`.
public struct BatchSummary: Sendable, Codable, Equatable {
    /// Row counts by outcome.
    public struct Counts: Sendable, Codable, Equatable {
        public var total = 0, accepted = 0, updated = 0, unchanged = 0, duplicate = 0, rejected = 0, warnings = 0
        public init() {}
    }

    /// The batch id; nil for a dry run (nothing was written).
    public var batchID: Int64?
    /// `applied`, `rejected` (file unreadable; also for a dry run, then without a batch id) or `dry_run`.
    public var status: String
    public var format: String
    public var encoding: String?
    public var batchNumber: Int?
    public var counts: Counts
    /// True when this answer replays an earlier upload (same Idempotency-Key or same file).
    public var replayed: Bool
    /// For a rejected file: why.
    public var errorCode: String?
    public var errorMessage: String?
    /// File-level warnings (unknown columns).
    public var fileWarnings: [FieldIssue]
    /// A dry run's row problems, the first `BatchSummary.dryRunProblemLimit` of them: a dry run
    /// keeps nothing that `GET /api/v1/batches/{id}/errors` could list later. Nil otherwise.
    public var problems: [RowProblem]?
    /// How many row problems the dry run found in all (more than `problems` holds when cut).
    public var problemCount: Int?
    /// When the upload was received; this and the six below are set when the answer was read
    /// from the batch's row.
    public var receivedAt: Date?
    /// The partner's code.
    public var partner: String?
    /// The partner's name (辽宁省工商业联合会).
    public var partnerName: String?
    /// The audit actor that uploaded (`user:12`, `partner:3/key:7`, `cli:root`).
    public var uploadedBy: String?
    /// The uploader as people read it (a name, 辽宁省工商联（接口上传）, 命令行（root）).
    public var uploaderName: String?
    /// The file's size in bytes.
    public var byteSize: Int?
    /// SHA-256 of the file, lower-case hex.
    public var sha256: String?

    /// The most row problems a dry run's answer carries.
    public static let dryRunProblemLimit = 1_000

    enum CodingKeys: String, CodingKey {
        case batchID = "batch_id", status, format, encoding, batchNumber = "batch_no", counts, replayed
        case errorCode = "error_code", errorMessage = "error_message", fileWarnings = "file_warnings"
        case problems, problemCount = "problem_count"
        case receivedAt = "received_at", partner, partnerName = "partner_name", uploadedBy = "uploaded_by", uploaderName = "uploader_name",
             byteSize = "byte_size", sha256
    }
}

/// What the store needs to apply one upload.
public struct BatchSubmission: Sendable {
    public var partnerID: Int
    public var batchNumber: Int?
    /// Who uploaded (the audit actor).
    public var uploader: AuditEvent
    /// The file as uploaded.
    public let payload: PayloadBytes
    /// SHA-256 of `payload` (computed once, on creation: one pass over the file).
    public let payloadDigest: Data
    public var idempotencyKey: String?
    public var dryRun: Bool
    /// The worksheet to read from an XLSX file (nil: the first).
    public var sheet: String?

    /// Bundles an upload.
    public init(partnerID: Int, batchNumber: Int?, uploader: AuditEvent, payload: PayloadBytes, idempotencyKey: String?, dryRun: Bool,
                sheet: String? = nil) {
        self.sheet = sheet
        self.partnerID = partnerID
        self.batchNumber = batchNumber
        self.uploader = uploader
        self.payload = payload
        payloadDigest = BatchStore.digest(payload)
        self.idempotencyKey = idempotencyKey
        self.dryRun = dryRun
    }
}

extension BatchSubmission {
    /// Bundles an upload held in an array.
    public init(partnerID: Int, batchNumber: Int?, uploader: AuditEvent, payload: [UInt8], idempotencyKey: String?, dryRun: Bool,
                sheet: String? = nil) {
        self.init(partnerID: partnerID, batchNumber: batchNumber, uploader: uploader, payload: PayloadBytes(payload),
                  idempotencyKey: idempotencyKey, dryRun: dryRun, sheet: sheet)
    }
}

/// The content of an upload after reading: a stream of normalized rows, or the reason it is unreadable.
public enum BatchContent {
    case rows(format: String, encoding: String, rows: any NormalizedRowSource, fileWarnings: [FieldIssue])
    case unreadable(format: String, code: String, message: String)
}

/// Refusals of an upload as a whole (idempotency, a batch number at odds with the file's), with codes.
public struct BatchError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String { "\(message) [\(code)]" }
    public let code: String
    public let message: String
    /// 409 for `idempotency.in_progress`, 422 otherwise.
    public let isConflict: Bool

    static let keyReused = BatchError(code: "idempotency.key_reused", message: "这个 Idempotency-Key 已用于另一份不同的文件。请为新文件使用新的键。", isConflict: false)
    static let inProgress = BatchError(code: "idempotency.in_progress", message: "同一批次正在处理中，请稍后查询结果，不要重复提交。", isConflict: true)

    /// `batch_no.conflict`: the request (query, form or `--batch-no`) names one batch number and
    /// the file itself (JSON `batch_no`) another. Nothing is guessed and nothing is written.
    public static func numberConflict(requested: Int, inFile: Int) -> BatchError {
        BatchError(code: "batch_no.conflict",
                   message: "上传时指定的是第 \(requested) 批，但文件中写的是第 \(inFile) 批（batch_no）。请核对后只保留一个，或把两处改成一致。",
                   isConflict: false)
    }
}
