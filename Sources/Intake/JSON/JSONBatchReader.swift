import Domain
import Foundation

/// Reads `{ "batch_no": 4, "cases": [ { "external_ref": "…", … } ] }` with the field names of
/// the handover form. Values may be strings, numbers or booleans; nested values are refused.
enum JSONBatchReader {
    static func read(_ text: String, limits: BatchReader.Limits) throws -> ParsedBatch {
        guard (try? JSONSerialization.jsonObject(with: Data(text.utf8))) != nil else {
            throw BatchReadError("json.invalid", "JSON 格式错误，无法解析。请检查括号、引号和逗号。")
        }
        if text.first(where: { !$0.isWhitespace }) == "[" {
            throw BatchReadError("json.shape", "JSON 应为 {\"batch_no\": 数字, \"cases\": [ … ]}，这里最外层是数组：请把案件数组放在 \"cases\" 中。")
        }
        guard let root = try? JSONDecoder().decode(JSONBatchBody.self, from: Data(text.utf8)), let cases = root.cases else {
            throw BatchReadError("json.shape", "JSON 应为 {\"batch_no\": 数字, \"cases\": [ … ]}。")
        }
        var batchNumber: Int?
        if let value = root.batch_no, case .null = value {} else if let value = root.batch_no {
            guard let number = value.batchNumber, BatchNumber.isValid(number) else { throw BatchReadError("json.batch_no", BatchNumber.message) }
            batchNumber = number
        }
        guard !cases.isEmpty else { throw BatchReadError.noRows }
        guard cases.count <= limits.maximumRows else { throw BatchReadError.tooManyRows(limits.maximumRows) }
        var unknown = Set<String>()
        let rows = cases.enumerated().map { index, item -> RawRow in
            guard case .object(let entry) = item else {
                var row = RawRow(number: index + 1, cells: [:])
                row.notACase = .error("row", "json.case_shape", "第 \(index + 1) 个案件不是 JSON 对象。")
                return row
            }
            return row(number: index + 1, entry, unknown: &unknown)
        }
        let warnings: [FieldIssue] = unknown.isEmpty ? [] : [.warning("row", "header.unknown_columns",
                                                                      "以下字段不在移交表中，已原样保存但未使用：\(unknown.sorted().joined(separator: "、"))。")]
        return ParsedBatch(format: "json", encoding: .utf8, batchNumber: batchNumber, rows: RawRowSource(rows: rows), warnings: warnings)
    }

    /// One case object as a raw row. Keys are read in sorted order, so the outcome never
    /// depends on the order a dictionary happens to hold them in. Two keys that name the same
    /// field (`claim` and `诉求内容`) with different values are an error of that field: huqi
    /// cannot know which one the partner meant. The second value is kept as an extra cell, so
    /// the rejected row shows both.
    private static func row(number: Int, _ entry: [String: JSONScalar], unknown: inout Set<String>) -> RawRow {
        var cells: [String: String] = [:]
        var extra: [String: String] = [:]
        var keyOf: [String: String] = [:]
        var issues: [FieldIssue] = []
        for key in entry.keys.sorted() {
            let field = CanonicalField.matching(header: key)
            guard let text = entry[key]!.text else {
                issues.append(.error(field?.name ?? key, "json.value_shape", "字段 \(key) 的值应为文字、数字或布尔值。"))
                continue
            }
            guard let field else {
                extra[key] = text
                unknown.insert(key)
                continue
            }
            if let earlier = keyOf[field.name], let value = cells[field.name] {
                extra[key] = text
                if value != text {
                    issues.append(.error(field.name, "json.duplicate_field",
                                         "字段 \(earlier) 和 \(key) 都是“\(field.header)”，值却不同；请只保留一个。"))
                }
                continue
            }
            cells[field.name] = text
            keyOf[field.name] = key
        }
        var row = RawRow(number: number, cells: cells, extra: extra)
        row.cellIssues += issues
        return row
    }
}

/// A JSON value as decoded strictly (a `true` stays a boolean, unlike `JSONSerialization` on Linux).
enum JSONScalar: Decodable {
    case text(String), flag(Bool), integer(Int), number(Double), null, nested

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .flag(value) }
        else if let value = try? container.decode(Int.self) { self = .integer(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .text(value) }
        else { self = .nested }
    }

    /// A batch number as partners' systems write it: `3`, `3.0` or `"3"` (many serialize every
    /// value as a string); nil for anything else.
    var batchNumber: Int? {
        switch self {
        case .integer(let value): value
        case .number(let value): value == value.rounded() && abs(value) < 1e9 ? Int(value) : nil
        case .text(let value): Int(value.trimmingCharacters(in: .whitespaces))
        default: nil
        }
    }

    var text: String? {
        switch self {
        case .text(let value): value
        case .flag(let value): value ? "是" : "否"
        case .integer(let value): String(value)
        case .number(let value): String(value)
        case .null: ""
        case .nested: nil
        }
    }
}

/// The body's shape for `JSONDecoder`.
struct JSONBatchBody: Decodable {
    let batch_no: JSONScalar?
    let cases: [JSONCase]?
}

/// One case: its keys in any order, values strict scalars (or a non-object, flagged per row).
enum JSONCase: Decodable {
    case object([String: JSONScalar])
    case notAnObject

    init(from decoder: any Decoder) throws {
        if let object = try? decoder.singleValueContainer().decode([String: JSONScalar].self) {
            self = .object(object)
        } else {
            self = .notAnObject
        }
    }
}
