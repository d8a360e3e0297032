import Domain
import Foundation
import Postgres

/// One problem of one row, as `GET /api/v1/batches/{id}/errors` lists it.
public struct RowProblem: Sendable, Codable, Equatable {
    public var row: Int
    /// The canonical field name (`credit_code`) or `row`.
    public var field: String
    /// The Chinese header partners see (统一社会信用代码).
    public var column: String
    public var code: String
    public var message: String
    public var severity: String
    /// `rejected` rows are not stored as cases; others were stored with a warning.
    public var outcome: String
}

/// Reads batches within a principal's scope.
public enum BatchQueries {
    /// The summary of a stored batch.
    static func summary(id: Int64, on connection: PostgresConnection) async throws -> BatchSummary {
        try decodeSummary(try await connection.query("SELECT \(unescaped: summaryColumns) WHERE b.id = \(id)")[0])
    }

    /// What a summary is read from: the batch, its partner, who uploaded it by name.
    static let summaryColumns = """
        b.*, p.code AS partner_code, p.name AS partner_name, actor_name(b.uploaded_by) AS uploader_name, encode(b.payload_sha256, 'hex') AS sha256_hex
        FROM batches b JOIN partners p ON p.id = b.partner_id
        """

    static func decodeSummary(_ row: PostgresRow) throws -> BatchSummary {
        var counts = BatchSummary.Counts()
        (counts.total, counts.accepted, counts.updated, counts.unchanged, counts.duplicate, counts.rejected, counts.warnings) =
            try (row.decode(Int.self, "total"), row.decode(Int.self, "accepted"), row.decode(Int.self, "updated"),
                 row.decode(Int.self, "unchanged"), row.decode(Int.self, "duplicate"), row.decode(Int.self, "rejected"),
                 row.decode(Int.self, "warnings"))
        var summary = BatchSummary(
            batchID: try row.decode(Int64.self, "id"), status: try row.decode(String.self, "status"),
            format: try row.decode(String.self, "format"), encoding: try row.decode(String?.self, "encoding"),
            batchNumber: try row.decode(Int?.self, "batch_no"), counts: counts, replayed: false,
            errorCode: try row.decode(String?.self, "error_code"), errorMessage: try row.decode(String?.self, "error_message"),
            fileWarnings: try row.decode(PostgresJSON<[FieldIssue]>.self, "file_warnings").value)
        (summary.receivedAt, summary.partner, summary.partnerName, summary.uploadedBy, summary.uploaderName, summary.byteSize, summary.sha256) =
            try (row.decode(Date.self, "received_at"), row.decode(String.self, "partner_code"), row.decode(String.self, "partner_name"),
                 row.decode(String.self, "uploaded_by"), row.decode(String?.self, "uploader_name"), row.decode(Int.self, "byte_size"),
                 row.decode(String.self, "sha256_hex"))
        return summary
    }

    private static func scope(_ principal: Principal) -> PostgresQuery {
        AccessPolicy.scope(of: principal, over: .batch).condition(partnerColumn: "b.partner_id")
    }

    /// A batch's summary, or nil when unknown or outside the principal's scope.
    public static func find(id: Int64, for principal: Principal, using client: PostgresClient) async throws -> BatchSummary? {
        try await client.query("""
            SELECT \(unescaped: summaryColumns) WHERE b.id = \(id) AND \(scope(principal))
            """).first.map(decodeSummary)
    }

    /// How a batch list is ordered.
    public enum Sort: String, Sendable, CaseIterable {
        case newest, oldest
        /// Most rejected rows first.
        case rejected

        var orderBy: String {
            switch self {
            case .newest: "b.id DESC"
            case .oldest: "b.id"
            case .rejected: "b.rejected DESC, b.id DESC"
            }
        }
    }

    /// Batches the principal may see, newest first unless `sort` says otherwise.
    public static func list(for principal: Principal, limit: Int, offset: Int, sort: Sort = .newest,
                            using client: PostgresClient) async throws -> [BatchSummary] {
        try await client.query("""
            SELECT \(unescaped: summaryColumns) WHERE \(scope(principal)) ORDER BY \(unescaped: sort.orderBy) LIMIT \(limit) OFFSET \(offset)
            """).map(decodeSummary)
    }

    /// Every issue of every row of a batch, in row order; nil when the batch is not visible.
    public static func problems(batchID: Int64, for principal: Principal, using client: PostgresClient) async throws -> [RowProblem]? {
        guard try await find(id: batchID, for: principal, using: client) != nil else { return nil }
        return try await client.withConnection { try await problems(batchID: batchID, limit: nil, on: $0).problems }
    }

    /// The first `limit` problems of an upload's answer and how many there are in all: a dry
    /// run's from its answer (nothing was kept), a stored batch's read from it. Empty when neither.
    public static func firstProblems(of summary: BatchSummary, limit: Int, for principal: Principal,
                                     using client: PostgresClient) async throws -> (problems: [RowProblem], total: Int) {
        if let problems = summary.problems { return (Array(problems.prefix(limit)), summary.problemCount ?? problems.count) }
        guard let id = summary.batchID, try await find(id: id, for: principal, using: client) != nil else { return ([], 0) }
        return try await client.withConnection { try await problems(batchID: id, limit: limit, on: $0) }
    }

    /// The first `limit` issues of a batch's rows (all when nil; only rows of `outcome` when
    /// given), in row order, and how many there are in all — read on the connection that is
    /// writing the batch (a dry run lists them before its transaction is rolled back).
    static func problems(batchID: Int64, limit: Int?, outcome: String? = nil,
                         on connection: PostgresConnection) async throws -> (problems: [RowProblem], total: Int) {
        let rows = try await connection.query("""
            SELECT r.row_number, i->>'field', i->>'code', i->>'message', i->>'severity', r.outcome, count(*) OVER ()
            FROM batch_rows r CROSS JOIN LATERAL jsonb_array_elements(r.issues) i
            WHERE r.batch_id = \(batchID) AND (\(outcome)::text IS NULL OR r.outcome = \(outcome)) ORDER BY r.row_number, i->>'severity', i->>'field' LIMIT \(limit)
            """)
        var total = 0
        let problems = try rows.map { row in
            let (number, field, code, message, severity, outcome, count) = try row.decode((Int, String, String, String, String, String, Int).self)
            total = count
            return RowProblem(row: number, field: field, column: CanonicalField.named(field)?.header ?? "整行",
                              code: code, message: message, severity: severity, outcome: outcome)
        }
        return (problems, total)
    }

    /// The divisions table, for the region resolver.
    public static func divisions(using client: PostgresClient) async throws -> [Division] {
        try await client.query("SELECT code, name, level, parent_code FROM divisions ORDER BY code").map { row in
            let (code, name, level, parent) = try row.decode((String, String, String, String?).self)
            return Division(code: code, name: name, level: Division.Level(rawValue: level) ?? .county, parentCode: parent)
        }
    }
}
