import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
@testable import Server
import Store
import TestSupport

/// The real router with its read caches in use: a `ChangeListener` runs beside it (heartbeat
/// every 100 ms) and the body starts once the caches are usable.
///
/// `staleAfter` is long here: a full test run on two cores can delay a heartbeat by seconds,
/// and a test that checks what is kept must not see the caches switched off by that. The
/// time-based switch itself is tested in `ReadCacheStoreTests.liveness`, a lost listener in
/// `ReadCacheTests.listenerLost`.
enum CachingHarness {
    static func run<Result: Sendable>(
        client: PostgresClient, staleAfter: Duration = .seconds(60),
        _ body: @Sendable (any TestClientProtocol, ReadCaches) async throws -> Result
    ) async throws -> Result {
        let caches = ReadCaches(staleAfter: staleAfter)
        var dependencies = try ServerHarness.dependencies(client: client)
        dependencies.caches = caches
        let listener = ChangeListener(database: client, caches: caches, heartbeat: .milliseconds(100), logger: TestDatabase.logger)
        let listening = Task { try await listener.run() }
        do {
            // A precondition, not a measurement: a new session, LISTEN and one heartbeat took over
            // 5 s while a 200 000-row import ran beside a full test run on two cores.
            try await eventually("the caches become usable", seconds: 30) { caches.isUsable }
            let app = Application(router: buildRouter(dependencies), logger: TestDatabase.logger)
            let result = try await app.test(.router) { http in try await body(http, caches) }
            listening.cancel()
            _ = await listening.result
            return result
        } catch {
            listening.cancel()
            _ = await listening.result
            throw error
        }
    }

    /// A GET with a bearer token: the status and the JSON object answered.
    static func get(_ http: any TestClientProtocol, _ uri: String, token: String) async throws -> (status: Int, body: [String: Any]) {
        let response = try await http.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(token)"], body: nil)
        let object = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
        return (Int(response.status.code), object)
    }

    /// Whether `/metrics` reports the caches as used (what an operator's alert reads). Poll it:
    /// other tests' routers set the same process-wide gauges when they are scraped.
    static func metricsSayUsable(_ http: any TestClientProtocol, _ usable: Bool) async throws -> Bool {
        let text = try await http.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
        let line = text.split(separator: "\n").first { $0.hasPrefix("huqi_read_cache_usable ") }
        return line.flatMap { Double($0.split(separator: " ").last ?? "") } == (usable ? 1 : 0)
    }

    /// Changes a case's enterprise name without any trigger firing (so nothing is announced):
    /// what a page then shows tells whether it came from memory or from the database.
    static func renameSilently(case id: Int64, to name: String, using client: PostgresClient) async throws {
        try await client.withTransaction { connection in
            try await connection.query("SET LOCAL session_replication_role = replica")
            try await connection.query("UPDATE cases SET enterprise_name = \(name) WHERE id = \(id)")
        }
    }
}
