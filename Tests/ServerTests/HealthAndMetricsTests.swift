import Foundation
import Hummingbird
import HummingbirdTesting
import Metrics
import Postgres
import Prometheus
import Server
import Store
import Testing
import TestSupport

/// swift-metrics can be bootstrapped once per process; every test shares this registry.
let sharedRegistry: PrometheusCollectorRegistry = {
    let registry = PrometheusCollectorRegistry()
    MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    return registry
}()

@Suite("health, readiness and metrics")
struct HealthAndMetricsTests {
    func dependencies(_ client: PostgresClient) throws -> ServerDependencies {
        ServerDependencies(
            database: client,
            migrator: Migrator(migrations: try Migration.load(from: TestDatabase.migrationsDirectory), logger: TestDatabase.logger),
            metrics: sharedRegistry)
    }

    @Test("/healthz answers ok and /readyz says ready on a migrated database")
    func ready() async throws {
        try await TestDatabase.withClient { client in
            let app = Application(router: buildRouter(try dependencies(client)))
            try await app.test(.router) { http in
                try await http.execute(uri: "/healthz", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body).contains("\"ok\""))
                }
                try await http.execute(uri: "/readyz", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body).contains("\"ready\""))
                }
            }
        }
    }

    @Test("/readyz is 503 problem+json naming the pending migrations on an unmigrated database")
    func migrationsPending() async throws {
        try await TestDatabase.withClient(migrated: false) { client in
            let app = Application(router: buildRouter(try dependencies(client)))
            try await app.test(.router) { http in
                try await http.execute(uri: "/readyz", method: .get) { response in
                    #expect(response.status == .serviceUnavailable)
                    #expect(response.headers[.contentType]?.hasPrefix("application/problem+json") == true)
                    let problem = try JSONDecoder().decode(Problem.self, from: Data(buffer: response.body))
                    #expect(problem.code == "db.migrations_pending")
                    #expect(problem.statusCode == 503)
                    #expect(problem.detail?.contains("0001_foundation") == true)
                }
            }
        }
    }

    @Test("/readyz is 503 database.read_only when the database can no longer be written, and ready again after")
    func readOnly() async throws {
        let database = try await TestDatabase.create()
        let url = try TestDatabase.connectionString(database: database)
        let admin = PostgresClient(configuration: .init(connectionString: try TestDatabase.adminConnectionString), logger: TestDatabase.logger)
        func readiness(_ expected: HTTPResponse.Status) async throws -> Problem? {
            // A new pool each time: a database's default applies to sessions opened after it changed.
            let client = PostgresClient(configuration: .init(connectionString: url), logger: TestDatabase.logger)
            let response = try await Application(router: buildRouter(try dependencies(client))).test(.router) { http in
                try await http.execute(uri: "/readyz", method: .get)
            }
            await client.shutdown()
            #expect(response.status == expected)
            return try? JSONDecoder().decode(Problem.self, from: Data(buffer: response.body))
        }
        try await admin.query("ALTER DATABASE \(unescaped: database) SET default_transaction_read_only = on")
        let problem = try await readiness(.serviceUnavailable)
        #expect(problem?.code == "database.read_only" && problem?.title.contains("default_transaction_read_only") == true)
        try await admin.query("ALTER DATABASE \(unescaped: database) RESET default_transaction_read_only")
        _ = try await readiness(.ok)
        await admin.shutdown()
    }

    @Test("/readyz is 503 db.unavailable, quickly, when the database cannot be reached")
    func databaseDown() async throws {
        let client = PostgresClient(
            configuration: .init(connectionString: "host=/nonexistent dbname=x", connectTimeoutSeconds: 1),
            logger: TestDatabase.logger)
        let app = Application(router: buildRouter(try dependencies(client)))
        try await app.test(.router) { http in
            try await http.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let problem = try JSONDecoder().decode(Problem.self, from: Data(buffer: response.body))
                #expect(problem.code == "db.unavailable")
                #expect(problem.title == "数据库暂时不可用，请稍后重试")
            }
        }
        await client.shutdown()
    }

    @Test("/metrics prints Prometheus text with request counters and pool gauges")
    func metrics() async throws {
        try await TestDatabase.withClient { client in
            let app = Application(router: buildRouter(try dependencies(client)))
            try await app.test(.router) { http in
                try await http.execute(uri: "/readyz", method: .get) { #expect($0.status == .ok) }
                try await http.execute(uri: "/metrics", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                    let text = String(buffer: response.body)
                    #expect(text.contains("# TYPE huqi_db_pool_connections_open_count gauge"))
                    #expect(text.contains(#"hb_requests{http_route="/readyz",http_request_method="GET",http_response_status_code="200"}"#))
                }
            }
        }
    }
}
