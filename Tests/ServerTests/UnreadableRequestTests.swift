import Foundation
import Hummingbird
import HummingbirdTesting
import Server
import Testing
import TestSupport

/// Requests the HTTP parser cannot read never reach the router; the server still answers them
/// with a coded problem in Chinese, as it answers everything else.
@Suite("unreadable requests")
struct UnreadableRequestTests {
    /// The status line, the headers (lower-cased names) and the JSON body of a raw answer.
    private func parse(_ answer: String) -> (status: String, headers: [String: String], body: [String: Any]) {
        let parts = answer.components(separatedBy: "\r\n\r\n")
        let lines = parts[0].components(separatedBy: "\r\n")
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            let pair = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2 { headers[pair[0].lowercased()] = pair[1] }
        }
        let body = parts.count > 1 ? parts[1...].joined(separator: "\r\n\r\n") : ""
        let json = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        return (lines.first ?? "", headers, json)
    }

    @Test("raw Chinese in a URL is a 400 problem naming the fix; other garbage a 400 http.unreadable; a good request on the same server still works")
    func unreadable() async throws {
        try await TestDatabase.withClient { client in
            let app = buildApplication(try ServerHarness.dependencies(client: client), configuration: ServerConfiguration(port: 0),
                                       logger: TestDatabase.logger)
            try await app.test(.live) { http in
                let port = try #require(http.port)
                let chinese = parse(rawHTTPExchange(port: port, request: Array("GET /api/v1/cases?q=锦州 HTTP/1.1\r\nHost: huqi\r\n\r\n".utf8)))
                #expect(chinese.status == "HTTP/1.1 400 Bad Request")
                #expect(chinese.headers["content-type"] == "application/problem+json; charset=utf-8")
                #expect(chinese.headers["connection"] == "close")
                #expect(chinese.body["code"] as? String == "http.url_unencoded")
                #expect((chinese.body["title"] as? String)?.contains("未编码") == true)
                #expect(chinese.body["status"] as? Int == 400)

                let garbage = parse(rawHTTPExchange(port: port, request: Array("GET / HTTP/1.1\r\nHo st: x\r\n\r\n".utf8)))
                #expect(garbage.status == "HTTP/1.1 400 Bad Request")
                #expect(garbage.body["code"] as? String == "http.unreadable", "\(garbage)")

                let encoded = parse(rawHTTPExchange(port: port, request: Array("GET /healthz HTTP/1.1\r\nHost: huqi\r\nConnection: close\r\n\r\n".utf8)))
                #expect(encoded.status == "HTTP/1.1 200 OK")
            }
        }
    }
}
