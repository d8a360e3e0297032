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

    @Test("a database that says 'not now' — the operator's lock_timeout while another batch of the partner has its turn — is 503 db.busy, not a 500; nothing is written")
    func busy() async throws {
        let url = try TestDatabase.connectionString(database: try await TestDatabase.create())
        // Only the server's connections are impatient; the set-up and the check go through
        // `holder`. With 300 ms for everything, a test statement outside the request failed once
        // with 55P03 in a clean-clone run on a busy machine (some other session of the new
        // database, most likely its autovacuum, held a lock that long). One second still times
        // out on the turn held below.
        let client = PostgresClient(configuration: .init(connectionString: url + " options='-c lock_timeout=1s'"), logger: TestDatabase.logger)
        let holder = PostgresClient(configuration: .init(connectionString: url), logger: TestDatabase.logger)
        let fixture = try await IdentityFixture.make(client: holder)
        let csv = ByteBuffer(bytes: BatchSamples.csv(BatchSamples.validRows(2)))
        let headers: HTTPFields = [.authorization: "Bearer \(fixture.keyA.plaintext)", .contentType: "text/csv"]
        try await ServerHarness.application(client: client).test(.router) { http in
            try await holder.withConnection { turn in
                try await turn.query("SELECT pg_advisory_lock(7235012, \(fixture.partnerA.id))")  // BatchStore's per-partner turn
                let response = try await http.execute(uri: "/api/v1/batches", method: .post, headers: headers, body: csv)
                try await turn.query("SELECT pg_advisory_unlock(7235012, \(fixture.partnerA.id))")
                #expect(response.status == .serviceUnavailable && response.headers[.retryAfter] == "5")
                let problem = try JSONDecoder().decode(Problem.self, from: Data(buffer: response.body))
                #expect(problem.code == "db.busy" && problem.detail?.contains("lock_timeout") == true, "\(problem)")
            }
            #expect(try await holder.query("SELECT count(*) FROM batches")[0].decode(Int.self, at: 0) == 0, "rolled back whole")
            let again = try await http.execute(uri: "/api/v1/batches", method: .post, headers: headers, body: csv)
            #expect(again.status == .created, "once the turn is free the same upload is stored")
        }
        await holder.shutdown()
        await client.shutdown()
    }

    @Test("a database short of a resource — a DBA's temp_file_limit below what a batch's sorts need — is 503 db.resources naming it, not a 500; nothing is written")
    func resources() async throws {
        let url = try TestDatabase.connectionString(database: try await TestDatabase.create())
        let client = PostgresClient(configuration: .init(connectionString: url + " options='-c work_mem=64kB -c temp_file_limit=64kB'"),
                                    logger: TestDatabase.logger)
        let roomy = PostgresClient(configuration: .init(connectionString: url), logger: TestDatabase.logger)
        let fixture = try await IdentityFixture.make(client: roomy)
        let csv = ByteBuffer(bytes: BatchSamples.csv(BatchSamples.validRows(3_000)))
        let headers: HTTPFields = [.authorization: "Bearer \(fixture.keyA.plaintext)", .contentType: "text/csv"]
        try await ServerHarness.application(client: client).test(.router) { http in
            let response = try await http.execute(uri: "/api/v1/batches", method: .post, headers: headers, body: csv)
            #expect(response.status == .serviceUnavailable, "\(String(buffer: response.body))")
            let problem = try JSONDecoder().decode(Problem.self, from: Data(buffer: response.body))
            #expect(problem.code == "db.resources" && problem.title.contains("请联系管理员") && problem.detail?.contains("temp_file_limit") == true,
                    "\(problem)")
            #expect(try await roomy.query("SELECT count(*) FROM batches")[0].decode(Int.self, at: 0) == 0, "rolled back whole")
        }
        try await ServerHarness.application(client: roomy).test(.router) { http in
            let again = try await http.execute(uri: "/api/v1/batches", method: .post, headers: headers, body: csv)
            #expect(again.status == .created, "with room to sort, the same upload is stored")
        }
        await roomy.shutdown()
        await client.shutdown()
    }
}
