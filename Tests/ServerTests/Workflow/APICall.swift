import Foundation
import Hummingbird
import HummingbirdTesting

/// One API request as a script sends it: a bearer token, maybe a body.
enum APICall {
    /// The answer's status and its JSON object (empty when the body is not one).
    static func send(_ http: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, token: String,
                     body: [UInt8]? = nil, contentType: String = "application/json") async throws -> (status: Int, body: [String: Any]) {
        var headers: HTTPFields = [.authorization: "Bearer \(token)"]
        if body != nil { headers[.contentType] = contentType }
        let response = try await http.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(bytes: $0) })
        let object = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
        return (Int(response.status.code), object)
    }

    /// `send` with a JSON body given as text (none when nil).
    static func send(_ http: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, token: String,
                     json: String?) async throws -> (status: Int, body: [String: Any]) {
        try await send(http, method, uri, token: token, body: json.map { Array($0.utf8) })
    }
}
