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
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let DecodingError.keyNotFound(key, _) {
            throw invalid("缺少字段 \(key.stringValue)。", field: key.stringValue)
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let field = context.codingPath.last?.stringValue
            throw invalid("字段 \(field ?? "") 的类型不对。", field: field)
        } catch {
            throw invalid("请求内容不是有效的 JSON。", field: nil)
        }
    }

    private static func invalid(_ title: String, field: String?) -> Problem {
        var problem = Problem(status: .unprocessableContent, code: "request.json_invalid", title: title)
        problem.field = field
        return problem
    }
}

/// Runs a store call and turns a `CaseActionError` into its problem.
func mappingCaseErrors<T: Sendable>(_ body: () async throws -> T) async throws -> T {
    do { return try await body() } catch let error as CaseActionError { throw Problem(error) }
}
