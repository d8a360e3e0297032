import Domain
import Foundation
import Hummingbird
import Logging
import HummingbirdTesting
import Postgres
import Server
import Store
import Testing
import TestSupport

/// Every role × every resource present so far × own or other unit/partner: allowed (200) or
/// indistinguishable from missing (404). Each scope rule has at least one allow and one deny
/// here, so removing any single check turns a row red.
@Suite("access matrix")
struct AccessMatrixTests {
    @Test("each principal sees exactly its scope; everything else is 404")
    func matrix() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            let lh = fixture.user("pros.lh").id, sy = fixture.user("pros.sy").id
            // Paths, in column order.
            let paths = ["/api/v1/units/210700", "/api/v1/units/210781", "/api/v1/units/210100",
                         "/api/v1/users/\(lh)", "/api/v1/users/\(sy)",
                         "/api/v1/partners/LNFIC", "/api/v1/partners/JZCHAMBER"]
            // Expected statuses, written by hand from the policy table in AccessPolicy.swift.
            let expected: [(String, String, [Int])] = [
                ("admin", fixture.tokens["admin"]!.plaintext,          [200, 200, 200, 200, 200, 200, 200]),
                ("office", fixture.tokens["office"]!.plaintext,        [200, 200, 200, 404, 404, 200, 200]),
                ("leader.jz", fixture.tokens["leader.jz"]!.plaintext,  [200, 200, 404, 200, 404, 404, 404]),
                ("pros.jz", fixture.tokens["pros.jz"]!.plaintext,      [200, 404, 404, 404, 404, 404, 404]),
                ("pros.lh", fixture.tokens["pros.lh"]!.plaintext,      [404, 200, 404, 200, 404, 404, 404]),
                ("pros.sy", fixture.tokens["pros.sy"]!.plaintext,      [404, 404, 200, 404, 200, 404, 404]),
                ("uploader.a", fixture.tokens["uploader.a"]!.plaintext, [404, 404, 404, 404, 404, 200, 404]),
                ("partner key A", fixture.keyA.plaintext,              [404, 404, 404, 404, 404, 200, 404]),
                ("partner key B", fixture.keyB.plaintext,              [404, 404, 404, 404, 404, 404, 200]),
            ]
            let app = try ServerHarness.application(client: client)
            try await app.test(.router) { http in
                for (who, key, statuses) in expected {
                    for (path, status) in zip(paths, statuses) {
                        try await http.execute(uri: path, method: .get, headers: [.authorization: "Bearer \(key)"]) { response in
                            #expect(response.status.code == status, "\(who) GET \(path)")
                            if status == 404 {
                                let problem = try JSONDecoder().decode(Problem.self, from: Data(buffer: response.body))
                                #expect(problem.code == "not_found", "\(who) GET \(path) must look like a missing thing")
                            }
                        }
                    }
                }
            }
        }
    }

    @Test("lists are scoped in SQL: a leader lists 锦州 and its counties, a prosecutor only their unit")
    func lists() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            let app = try ServerHarness.application(client: client)
            try await app.test(.router) { http in
                try await http.execute(uri: "/api/v1/units?limit=500", method: .get,
                                       headers: [.authorization: "Bearer \(fixture.tokens["leader.jz"]!.plaintext)"]) { response in
                    let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as! [String: Any]
                    let codes = (body["items"] as! [[String: Any]]).map { $0["code"] as! String }
                    #expect(codes.first == "210700")
                    #expect(codes.count == 8, "锦州市 and its 7 county-level units: \(codes)")
                    #expect(codes.allSatisfy { $0.hasPrefix("2107") })
                }
                try await http.execute(uri: "/api/v1/users", method: .get,
                                       headers: [.authorization: "Bearer \(fixture.tokens["leader.jz"]!.plaintext)"]) { response in
                    let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as! [String: Any]
                    let logins = Set((body["items"] as! [[String: Any]]).map { $0["login"] as! String })
                    #expect(logins == ["leader.jz", "pros.jz", "pros.lh"])
                }
                try await http.execute(uri: "/api/v1/units", method: .get,
                                       headers: [.authorization: "Bearer \(fixture.tokens["pros.sy"]!.plaintext)"]) { response in
                    let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as! [String: Any]
                    #expect((body["items"] as! [[String: Any]]).map { $0["code"] as! String } == ["210100"])
                }
            }
        }
    }
}

/// Builds the router of the real application for tests.
enum ServerHarness {
    static func application(client: PostgresClient, logger: Logger? = nil,
                            rateLimit: RateLimiter.Configuration = .init()) throws -> some ApplicationProtocol {
        var dependencies = try dependencies(client: client)
        dependencies.rateLimit = rateLimit
        return Application(router: buildRouter(dependencies), logger: logger ?? TestDatabase.logger)
    }

    /// The application's dependencies over a test database (cheap bcrypt).
    static func dependencies(client: PostgresClient) throws -> ServerDependencies {
        ServerDependencies(
            database: client,
            migrator: Migrator(migrations: try Migration.load(from: TestDatabase.migrationsDirectory), logger: TestDatabase.logger),
            metrics: sharedRegistry, passwords: PasswordHasher(cost: 4))
    }
}
