import Foundation
import Hummingbird
import HTTPTypes

/// A submitted page form: `application/x-www-form-urlencoded` or `multipart/form-data` (file
/// uploads). Reading one checks the session's CSRF token (`csrf_token` field) first, so no page
/// handler can forget it.
struct WebForm: Sendable {
    /// Text fields; a repeated name keeps every value in order.
    private(set) var fields: [String: [String]] = [:]
    /// Uploaded files by field name.
    private(set) var files: [String: UploadedFile] = [:]

    struct UploadedFile: Sendable {
        var filename: String
        var bytes: [UInt8]
    }

    /// The first value of a field, trimmed; nil when absent or empty.
    subscript(_ name: String) -> String? {
        guard let value = fields[name]?.first?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    /// Every non-empty value of a field.
    func values(_ name: String) -> [String] {
        (fields[name] ?? []).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    /// Reads the request's form (at most `limit` bytes) and checks its CSRF token against the
    /// session's: a form without it, or with another session's, is refused with 403.
    static func read(_ request: Request, user: WebUser, limit: Int = 1_048_576) async throws -> WebForm {
        let form = try await parse(request, limit: limit)
        guard let token = form.fields["csrf_token"]?.first, !token.isEmpty, token == user.csrfToken else {
            throw WebError.forbidden("表单缺少有效的安全令牌（CSRF），请返回上一页刷新后重新提交。")
        }
        return form
    }

    /// Reads a form without a session (the login form).
    static func parse(_ request: Request, limit: Int) async throws -> WebForm {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: limit)
        } catch {
            throw WebError.tooLarge("提交的内容超过 \(limit / 1_048_576) MiB 的上限。")
        }
        let bytes = Array(body.readableBytesView)
        let contentType = request.headers[.contentType] ?? ""
        if contentType.lowercased().hasPrefix("multipart/form-data") {
            guard let boundary = contentType.split(separator: ";").lazy
                .map({ $0.trimmingCharacters(in: .whitespaces) })
                .first(where: { $0.lowercased().hasPrefix("boundary=") })
                .map({ String($0.dropFirst("boundary=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }) else {
                throw WebError.badRequest("上传的表单格式不正确（缺少 multipart 分隔符）。")
            }
            return try MultipartReader(boundary: boundary).read(bytes).refusingNUL()
        }
        var form = WebForm()
        for pair in String(decoding: bytes, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
            }
            form.fields[decode(parts[0]), default: []].append(parts.count > 1 ? decode(parts[1]) : "")
        }
        return try form.refusingNUL()
    }

    /// The form, unless a field holds U+0000 (`%00`), which PostgreSQL text cannot store.
    func refusingNUL() throws -> WebForm {
        guard fields.contains(where: { $0.key.utf8.contains(0) || $0.value.contains { $0.utf8.contains(0) } }) else { return self }
        throw WebError.badRequest("提交的内容中含有空字符（%00），无法保存。请删除后重新提交。")
    }

    mutating func add(field name: String, value: String) { fields[name, default: []].append(value) }
    mutating func add(file name: String, _ file: UploadedFile) { files[name] = file }
}

/// `multipart/form-data` (RFC 7578): parts separated by `--boundary`, each with headers and a body.
struct MultipartReader {
    let boundary: String

    func read(_ body: [UInt8]) throws -> WebForm {
        let delimiter = Array("--\(boundary)".utf8)
        var form = WebForm()
        var starts: [Int] = []
        var index = 0
        while let found = find(delimiter, in: body, from: index) {
            starts.append(found)
            index = found + delimiter.count
        }
        guard starts.count >= 2 else { throw WebError.badRequest("上传的表单格式不正确（multipart 内容不完整）。") }
        for (start, end) in zip(starts, starts.dropFirst()) {
            var partStart = start + delimiter.count
            if body[partStart...].starts(with: [13, 10]) { partStart += 2 }
            var partEnd = end
            if partEnd >= 2, body[partEnd - 2] == 13, body[partEnd - 1] == 10 { partEnd -= 2 }
            guard partStart <= partEnd, let headerEnd = find([13, 10, 13, 10], in: body, from: partStart), headerEnd <= partEnd else { continue }
            let headers = String(decoding: body[partStart..<headerEnd], as: UTF8.self)
            let content = Array(body[(headerEnd + 4)..<max(headerEnd + 4, partEnd)])
            guard let disposition = headers.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-disposition") }),
                  let name = parameter("name", in: disposition) else { continue }
            if let filename = parameter("filename", in: disposition) {
                if !filename.isEmpty || !content.isEmpty { form.add(file: name, .init(filename: filename, bytes: content)) }
            } else {
                form.add(field: name, value: String(decoding: content, as: UTF8.self))
            }
        }
        return form
    }

    private func parameter(_ key: String, in header: Substring) -> String? {
        for piece in header.split(separator: ";").dropFirst() {
            let pair = piece.trimmingCharacters(in: .whitespaces)
            guard pair.lowercased().hasPrefix("\(key)=") else { continue }
            return String(pair.dropFirst(key.count + 1)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return nil
    }

    private func find(_ pattern: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard let first = pattern.first, bytes.count >= pattern.count else { return nil }
        var position = start
        while position <= bytes.count - pattern.count {
            if bytes[position] == first, bytes[position..<position + pattern.count].elementsEqual(pattern) { return position }
            position += 1
        }
        return nil
    }
}
