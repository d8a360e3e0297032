import Foundation
import Hummingbird
import Store

/// Reads a small JSON request body into `T`, answering 422 `request.json_invalid` in Chinese
/// (naming the field when the decoder knows it) instead of Hummingbird's generic 400.
enum RequestBody {
    /// The largest JSON body a workflow action accepts.
    static let limit = 256 * 1024

    static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: limit) } catch {
            throw Problem(status: .contentTooLarge, code: "request.too_large", title: "请求内容太大（上限 256 KiB）。")
        }
        let data = Data(buffer.readableBytesView)
        if containsNUL(data) {
            throw invalid("请求中含有空字符（\\u0000），无法作为文本保存。请删除后重试。", field: nil, code: "request.nul_character")
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let DecodingError.keyNotFound(key, _) {
            throw invalid("缺少字段 \(key.stringValue)。", field: key.stringValue)
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let field = context.codingPath.last?.stringValue
            throw invalid("字段 \(field ?? "") 的类型不对。", field: field)
        } catch {
            throw invalid("请求内容不是有效的 JSON。", field: nil)
        }
    }

    /// Whether any string or key of the JSON document holds U+0000 (PostgreSQL text cannot).
    static func containsNUL(_ data: Data) -> Bool {
        // Fast path: no JSON escape can spell U+0000 without the characters "u0000" (escapes
        // are a lower-case \u), and a raw NUL is a byte 0.
        guard data.range(of: Data("u0000".utf8)) != nil || data.contains(0),
              let value = try? JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed) else { return false }
        func check(_ value: Any) -> Bool {
            switch value {
            case let text as String: return text.utf8.contains(0)
            case let list as [Any]: return list.contains(where: check)
            case let object as [String: Any]: return object.contains { $0.key.utf8.contains(0) || check($0.value) }
            default: return false
            }
        }
        return check(value)
    }

    private static func invalid(_ title: String, field: String?, code: String = "request.json_invalid") -> Problem {
        var problem = Problem(status: .unprocessableContent, code: code, title: title)
        problem.field = field
        return problem
    }
}

/// Runs a store call and turns a `CaseActionError` into its problem.
func mappingCaseErrors<T: Sendable>(_ body: () async throws -> T) async throws -> T {
    do { return try await body() } catch let error as CaseActionError { throw Problem(error) }
}
