import Domain
import Postgres

/// A rejected row as it came — its cells by field, its unknown columns by header — with what
/// was wrong with it: what a partner needs to fix the row and upload it again.
public struct RejectedRow: Sendable, Equatable {
    /// The row's number in the uploaded file (the header is row 1).
    public var row: Int
    /// The cells of the handover form's columns, as written, by field name.
    public var cells: [String: String]
    /// Cells of columns that are not in the form, by header.
    public var extra: [String: String]
    /// The row's problems (errors and warnings), in the order the errors list gives them.
    public var problems: [RowProblem]

    /// The problems as one line for people: `统一社会信用代码：校验位应为“3”。；所在地区：…`.
    public var explanation: String {
        problems.map { "\($0.column)：\($0.message)" }.joined(separator: "；")
    }
}

extension BatchQueries {
    /// A batch's rejected rows with their raw cells, in row order; nil when the batch is not
    /// visible to `principal`.
    public static func rejectedRows(batchID: Int64, for principal: Principal, using client: PostgresClient) async throws -> [RejectedRow]? {
        guard try await find(id: batchID, for: principal, using: client) != nil else { return nil }
        return try await client.withConnection { connection in
            let problems = Dictionary(grouping: try await problems(batchID: batchID, limit: nil, outcome: "rejected", on: connection).problems,
                                      by: \.row)
            return try await connection.query("""
                SELECT row_number, coalesce(raw->'cells', '{}'), coalesce(raw->'extra', '{}') FROM batch_rows
                WHERE batch_id = \(batchID) AND outcome = 'rejected' ORDER BY row_number
                """).map { row in
                let (number, cells, extra) = try row.decode((Int, PostgresJSON<[String: String]>, PostgresJSON<[String: String]>).self)
                return RejectedRow(row: number, cells: cells.value, extra: extra.value, problems: problems[number] ?? [])
            }
        }
    }
}
