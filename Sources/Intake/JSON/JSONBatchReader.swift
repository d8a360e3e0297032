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
            guard case .integer(let number) = value, BatchNumber.isValid(number) else { throw BatchReadError("json.batch_no", BatchNumber.message) }
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
            var cells: [String: String] = [:]
            var extra: [String: String] = [:]
            var issue: FieldIssue?
            for (key, value) in entry {
                guard let text = scalarText(value) else {
                    issue = .error(key, "json.value_shape", "字段 \(key) 的值应为文字、数字或布尔值。")
                    continue
                }
                if let field = CanonicalField.matching(header: key) {
                    cells[field.name] = text
                } else {
                    extra[key] = text
                    unknown.insert(key)
                }
            }
            return RawRow(number: index + 1, cells: cells, extra: extra, cellCountIssue: issue)
        }
        let warnings: [FieldIssue] = unknown.isEmpty ? [] : [.warning("row", "header.unknown_columns",
                                                                      "以下字段不在移交表中，已原样保存但未使用：\(unknown.sorted().joined(separator: "、"))。")]
        return ParsedBatch(format: "json", encoding: .utf8, batchNumber: batchNumber, rows: RawRowSource(rows: rows), warnings: warnings)
    }

    private static func scalarText(_ value: Any) -> String? {
        (value as? JSONScalar)?.text
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
