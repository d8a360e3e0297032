import Foundation
import Hummingbird

/// An error answer in RFC 9457 `application/problem+json` form, with huqi's stable `code`
/// and a Chinese `title` for people.
public struct Problem: Error, Sendable, Codable, Equatable {
    enum CodingKeys: String, CodingKey {
        case type, title, statusCode = "status", code, detail, field, batchID = "batch_id"
    }

    /// A URI naming the problem type; `about:blank` when the code says enough.
    public var type: String
    /// A short Chinese sentence for people.
    public var title: String
    /// The HTTP status code.
    public var statusCode: Int
    /// The stable, machine-readable identifier, e.g. `db.unavailable`.
    public var code: String
    /// More detail for this occurrence, in Chinese, when useful.
    public var detail: String?
    /// The request field at fault, when there is one (`risk_level`).
    public var field: String?
    /// Sent as `Retry-After` (429, 503); not part of the JSON body.
    public var retryAfterSeconds: Int?
    /// For an unreadable upload: the batch stored with the file, so nothing is lost.
    public var batchID: Int64?

    /// Creates a problem.
    public init(status: HTTPResponse.Status, code: String, title: String, detail: String? = nil) {
        type = "about:blank"
        self.title = title
        statusCode = status.code
        self.code = code
        self.detail = detail
    }
}

extension Problem: HTTPResponseError {
    public var status: HTTPResponse.Status { .init(code: statusCode) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = try encoder.encode(self)
        var headers: HTTPFields = [.contentType: "application/problem+json; charset=utf-8"]
        if let retryAfterSeconds { headers[.retryAfter] = String(retryAfterSeconds) }
        if status == .unauthorized { headers[.wwwAuthenticate] = #"Bearer realm="huqi""# }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

extension Problem {
    /// The database cannot be reached right now.
    public static let databaseUnavailable = Problem(
        status: .serviceUnavailable, code: "db.unavailable", title: "数据库暂时不可用，请稍后重试")
    /// The database refused for now (a lock or statement timeout, a deadlock); nothing was written.
    public static let databaseBusy = Problem(
        status: .serviceUnavailable, code: "db.busy", title: "数据库繁忙，本次操作未完成，也未写入任何数据，请稍后重试")
    /// The database ran short of disk, memory or a configured limit (SQLSTATE class 53).
    public static let databaseResources = Problem(
        status: .serviceUnavailable, code: "db.resources", title: "数据库资源不足，本次操作未完成，也未写入任何数据，请联系管理员")
    /// The schema is older than this binary expects.
    public static let migrationsPending = Problem(
        status: .serviceUnavailable, code: "db.migrations_pending", title: "数据库结构尚未升级到当前版本，请运行 huqi migrate")
    /// No route matches.
    public static let notFound = Problem(status: .notFound, code: "not_found", title: "找不到请求的资源")
}
