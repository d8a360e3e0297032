import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting

/// A browser's side of the page forms in tests: sign in, post forms, upload files.
enum WebClient {
    struct Session {
        let cookie: String
        let csrf: String
    }

    /// `application/x-www-form-urlencoded` POST.
    static func post(_ http: any TestClientProtocol, _ uri: String, _ fields: [String: String], cookie: String? = nil) async throws -> TestResponse {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = fields.sorted { $0.key < $1.key }
            .map { "\($0.key.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
            .joined(separator: "&")
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let cookie { headers[.cookie] = cookie }
        return try await http.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    /// The HTML of a page as the signed-in user sees it.
    static func page(_ http: any TestClientProtocol, _ uri: String, _ session: Session) async throws -> String {
        String(buffer: try await http.execute(uri: uri, method: .get, headers: [.cookie: session.cookie]).body)
    }

    /// Signs in through the login form and reads the CSRF token from a page.
    static func signIn(_ http: any TestClientProtocol, _ login: String, _ password: String) async throws -> Session {
        let response = try await post(http, "/login", ["login": login, "password": password])
        guard response.status == .seeOther, let setCookie = response.headers[.setCookie] else { throw Failure("login failed: \(response.status)") }
        return try await session(http, cookie: String(setCookie.split(separator: ";")[0]))
    }

    /// The session of a cookie, with the CSRF token read from a page.
    static func session(_ http: any TestClientProtocol, cookie: String) async throws -> Session {
        // The 账号 page: it opens for everyone, an initial password too.
        let page = String(buffer: try await http.execute(uri: "/app/account", method: .get, headers: [.cookie: cookie]).body)
        guard let range = page.range(of: #"name="csrf_token" value="([A-Za-z0-9]+)""#, options: .regularExpression) else {
            throw Failure("no CSRF token on the page")
        }
        let token = page[range].split(separator: "\"")[3]
        return Session(cookie: cookie, csrf: String(token))
    }

    /// A `multipart/form-data` upload of `file` to a form (the batch form unless `path` says another).
    static func upload(_ http: any TestClientProtocol, _ session: Session, file: [UInt8], fields: [String: String],
                       to path: String = "/app/batches", filename: String = "批次.csv") async throws -> TestResponse {
        let boundary = "----huqi-test-boundary"
        var body: [UInt8] = []
        for (name, value) in fields.merging(["csrf_token": session.csrf], uniquingKeysWith: { a, _ in a }) {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\nContent-Type: text/csv\r\n\r\n".utf8)
        body += file + Array("\r\n--\(boundary)--\r\n".utf8)
        return try await http.execute(uri: path, method: .post,
                                      headers: [.contentType: "multipart/form-data; boundary=\(boundary)", .cookie: session.cookie],
                                      body: ByteBuffer(bytes: body))
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
