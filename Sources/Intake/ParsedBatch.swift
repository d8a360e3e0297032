import Domain

/// A batch file read into raw rows, before normalization.
public struct ParsedBatch: Sendable {
    /// `csv`, `json` (later `xlsx`).
    public var format: String
    /// The text encoding found (CSV), or UTF-8 (JSON).
    public var encoding: TextDecoding.Encoding
    /// `batch_no` from a JSON body, when given.
    public var batchNumber: Int?
    /// The rows in file order.
    public var rows: [RawRow]
    /// File-level warnings (unknown columns).
    public var warnings: [FieldIssue]
}

/// Reads a payload whatever its format: JSON when it starts with `{`, XLSX (refused for now)
/// when it is a ZIP, CSV otherwise.
public enum BatchReader {
    /// Limits that keep one upload from exhausting the server.
    public struct Limits: Sendable {
        public var maximumRows: Int
        public init(maximumRows: Int = 1_000_000) { self.maximumRows = maximumRows }
    }

    /// Reads the payload, or throws a `BatchReadError` saying why the file is unusable.
    public static func read(_ bytes: [UInt8], limits: Limits = Limits()) throws -> ParsedBatch {
        let significant = bytes.drop { [0x20, 0x09, 0x0A, 0x0D].contains($0) }
        guard !significant.isEmpty, !(bytes.count == 3 && bytes.starts(with: [0xEF, 0xBB, 0xBF])) else { throw BatchReadError.empty }
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) { throw BatchReadError.xlsxNotYet }
        let (text, encoding) = try TextDecoding.decode(bytes)
        if text.drop(while: { $0.isWhitespace }).first == "{" {
            return try JSONBatchReader.read(text, limits: limits)
        }
        return try readCSV(text, encoding: encoding, limits: limits)
    }

    static func readCSV(_ text: String, encoding: TextDecoding.Encoding, limits: Limits) throws -> ParsedBatch {
        let records = try CSVParser.parse(text)
        guard let header = records.first else { throw BatchReadError.empty }
        let mapping = try HeaderMapping(header.fields)
        guard records.count > 1 else { throw BatchReadError.noRows }
        guard records.count - 1 <= limits.maximumRows else { throw BatchReadError.tooManyRows(limits.maximumRows) }
        let rows = records.dropFirst().enumerated().map { index, record in
            mapping.row(number: index + 2, fields: record.fields)
        }
        return ParsedBatch(format: "csv", encoding: encoding, batchNumber: nil, rows: rows, warnings: mapping.warnings)
    }
}

/// Which column holds which field. Unknown columns are kept (as `extra`) and reported once as
/// a warning; a missing required column makes the file unusable.
struct HeaderMapping {
    let fields: [String?]
    let headers: [String]
    let warnings: [FieldIssue]

    init(_ headerCells: [String]) throws {
        headers = headerCells.map { TextNormalizer.normalize($0) }
        fields = headers.map { CanonicalField.matching(header: $0)?.name }
        let present = Set(fields.compactMap { $0 })
        let missing = CanonicalField.all.filter { $0.required && !present.contains($0.name) }
        guard missing.isEmpty else { throw BatchReadError.missingColumns(missing.map(\.header)) }
        var seen = Set<String>()
        for field in fields.compactMap({ $0 }) where !seen.insert(field).inserted {
            throw BatchReadError("header.duplicate_column", "列“\(CanonicalField.named(field)!.header)”出现了两次。")
        }
        let unknown = zip(headers, fields).filter { $0.1 == nil && !$0.0.isEmpty }.map(\.0)
        warnings = unknown.isEmpty ? [] : [.warning("row", "header.unknown_columns",
                                                    "以下列不在移交表中，已原样保存但未使用：\(unknown.joined(separator: "、"))。")]
    }

    func row(number: Int, fields cells: [String]) -> RawRow {
        var byField: [String: String] = [:]
        var extra: [String: String] = [:]
        for (index, cell) in cells.enumerated() {
            if index < fields.count, let field = fields[index] {
                byField[field] = cell
            } else if index < headers.count {
                if !headers[index].isEmpty || !cell.isEmpty { extra[headers[index].isEmpty ? "列\(index + 1)" : headers[index]] = cell }
            } else if !cell.isEmpty {
                extra["列\(index + 1)"] = cell
            }
        }
        var issue: FieldIssue?
        if cells.count != headers.count, !(cells.count > headers.count && cells[headers.count...].allSatisfy(\.isEmpty)) {
            issue = .error("row", "row.column_count", "这一行有 \(cells.count) 列，表头有 \(headers.count) 列，可能有未加引号的逗号或漏填的列。")
        }
        return RawRow(number: number, cells: byField, extra: extra, cellCountIssue: issue)
    }
}
