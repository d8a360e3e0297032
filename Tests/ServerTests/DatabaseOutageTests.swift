import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Postgres
import Server
import Store
import Testing
import TestSupport

/// Without a database, requests fail fast with 503, a Chinese message and Retry-After — never a
/// 500 or a hang; the process itself stays up (`/healthz`).
@Suite("database outage")
struct DatabaseOutageTests {
    @Test("the API answers 503 problem+json, the pages a 503 page, both with Retry-After; /healthz stays 200")
    func unreachable() async throws {
        let missing = "host=/nonexistent-huqi-socket-dir port=5432 user=huqi dbname=huqi connect_timeout=2"
        let client = PostgresClient(configuration: .init(connectionString: missing), options: .init(maximumConnections: 2, leaseTimeout: .seconds(3)),
                                    logger: TestDatabase.logger)
        let started = ContinuousClock.now
        try await ServerHarness.application(client: client).test(.router) { http in
            let api = try await http.execute(uri: "/api/v1/session", method: .post,
                                             body: ByteBuffer(string: #"{"login": "pros.jz", "password": "a password of some length"}"#))
            #expect(api.status == .serviceUnavailable)
            #expect(api.headers[.contentType]?.hasPrefix("application/problem+json") == true)
            #expect(api.headers[.retryAfter] == "5")
            let body = String(buffer: api.body)
            #expect(body.contains("\"code\":\"db.unavailable\"") && body.contains("数据库暂时不可用"))
            let page = try await http.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                              body: ByteBuffer(string: "login=pros.jz&password=a+password+of+some+length"))
            #expect(page.status == .serviceUnavailable && page.headers[.retryAfter] == "5")
            #expect(String(buffer: page.body).contains("数据库暂时不可用，请稍后重试。"))
            #expect(try await http.execute(uri: "/healthz", method: .get).status == .ok)
        }
        #expect(ContinuousClock.now - started < .seconds(20), "failing fast, not hanging")
        await client.shutdown()
    }
}
