import Domain
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import Server
import Store
import Testing
import TestSupport

/// `GET /api/v1/audit` and `GET /api/v1/audit/verify`: the 审计日志 page and `huqi audit` for
/// an administrator's scripts.
@Suite("audit log API")
struct AuditAPITests {
    typealias Client = any TestClientProtocol

    func get(_ http: Client, _ uri: String, token: String) async throws -> (status: Int, body: [String: Any]) {
        try await APICall.send(http, .get, uri, token: token)
    }

    /// The events of an answer, and their numbers.
    func items(_ answer: (status: Int, body: [String: Any])) -> [[String: Any]] { answer.body["items"] as? [[String: Any]] ?? [] }
    func ids(_ answer: (status: Int, body: [String: Any])) -> [Int] { items(answer).compactMap { $0["id"] as? Int } }

    func upload(_ http: Client, _ world: WorkflowWorld, prefix: String) async throws -> Int {
        let answer = try await APICall.send(http, .post, "/api/v1/batches", token: world.identity.keyA.plaintext,
                                            body: BatchSamples.csv(WorkflowWorld.rows(3, prefix: prefix, petition: false)), contentType: "text/csv")
        #expect(answer.status == 201, "\(answer.body)")
        return answer.body["batch_id"] as? Int ?? 0
    }

    @Test("an administrator reads the log newest first, in Chinese, narrowed like the page, and pages by number without repeats while events arrive")
    func readNarrowAndPage() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            try await ServerHarness.application(client: client).test(.router) { http in
                let admin = world.token("admin")
                let batchID = try await upload(http, world, prefix: "AU")
                let everything = try await get(http, "/api/v1/audit?limit=500", token: admin)
                let stored = try await client.query("SELECT id FROM audit_events ORDER BY id DESC").map { try $0.decode(Int.self, at: 0) }
                #expect(everything.status == 200 && ids(everything) == stored, "every event, newest first")
                #expect(everything.body["next_before"] is NSNull, "one page held them all")

                let partner = try await get(http, "/api/v1/audit?actor=lnfic", token: admin)
                #expect(items(partner).count == 4 && items(partner).allSatisfy { $0["actor_label"] as? String == "LNFIC" },
                        "the partner's upload: the batch and its three cases (the code's case ignored)")
                let created = items(partner).filter { $0["action"] as? String == "case.create" }
                #expect(created.count == 3 && created.allSatisfy { $0["action_name"] as? String == "新增案件" && $0["entity_name"] as? String == "案件" })
                let details = created.first?["details"] as? [[String: String]] ?? []
                #expect(details.contains(["name": "结果", "value": "新增"]) && details.contains(["name": "批次", "value": String(batchID)]), "\(details)")
                #expect((created.first?["summary"] as? [String: String])?["outcome"] == "accepted", "the codes as recorded, beside the Chinese")
                #expect(created.allSatisfy { ($0["occurred_at"] as? String)?.hasSuffix("Z") == true })

                let ofTheBatch = try await get(http, "/api/v1/audit?entity=batch&entity_id=\(batchID)", token: admin)
                #expect(items(ofTheBatch).map { $0["action"] as? String } == ["batch.apply"])
                let caseActions = try await get(http, "/api/v1/audit?action=case.", token: admin)
                #expect(!items(caseActions).isEmpty && items(caseActions).allSatisfy { ($0["action"] as? String)?.hasPrefix("case.") == true })
                let today = CalendarDate.today(), tomorrow = CalendarDate.today().adding(days: 1)
                #expect(ids(try await get(http, "/api/v1/audit?from=\(today)&through=\(today)&limit=500", token: admin)) == stored)
                #expect(ids(try await get(http, "/api/v1/audit?from=\(tomorrow)", token: admin)).isEmpty)

                // By number: each page continues below the last one seen, even after new events.
                let first = try await get(http, "/api/v1/audit?limit=3", token: admin)
                #expect(ids(first) == Array(stored.prefix(3)) && first.body["next_before"] as? Int == stored[2])
                _ = try await upload(http, world, prefix: "AV")
                var seen = ids(first)
                var next = first.body["next_before"] as? Int
                var pages = 1
                while let before = next, pages <= stored.count / 3 + 1 {
                    pages += 1
                    let page = try await get(http, "/api/v1/audit?limit=3&before=\(before)", token: admin)
                    #expect(page.status == 200)
                    seen += ids(page)
                    next = page.body["next_before"] as? Int
                }
                #expect(seen == stored, "the pages read what there was, once each, however many came meanwhile")
                let byOffset = try await get(http, "/api/v1/audit?limit=2&offset=2&actor=LNFIC", token: admin)
                let newest = try await get(http, "/api/v1/audit?limit=4&actor=LNFIC", token: admin)
                #expect(ids(byOffset) == Array(ids(newest).suffix(2)))
            }
        }
    }

    @Test("only an administrator reads it; a wrong date, a reversed range or a wrong before is 422 naming its field")
    func refusals() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            try await ServerHarness.application(client: client).test(.router) { http in
                for token in [world.token("pros.jz"), world.token("leader.jz"), world.token("office"), world.identity.keyA.plaintext] {
                    for path in ["/api/v1/audit", "/api/v1/audit/verify"] {
                        let refused = try await get(http, path, token: token)
                        #expect(refused.status == 403 && refused.body["code"] as? String == "auth.forbidden"
                                && refused.body["title"] as? String == "只有系统管理员可以查看审计日志。", "\(path): \(refused)")
                    }
                }
                let wrong: [(String, String)] = [
                    ("from=2026-13-01", "from"), ("through=昨天", "through"), ("from=2026-03-02&through=2026-03-01", "through"),
                    ("before=0", "before"), ("before=abc", "before"),
                ]
                for (query, field) in wrong {
                    let answer = try await get(http, "/api/v1/audit?\(query)", token: world.token("admin"))
                    #expect(answer.status == 422 && answer.body["code"] as? String == "audit.filter_invalid" && answer.body["field"] as? String == field,
                            "\(query): \(answer)")
                }
                let limit = try await get(http, "/api/v1/audit?limit=501", token: world.token("admin"))
                #expect(limit.status == 422 && limit.body["code"] as? String == "paging.limit_invalid")
            }
        }
    }

    @Test("verify answers intact with the number of events, and names the first row a superuser altered behind the triggers")
    func verify() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            try await ServerHarness.application(client: client).test(.router) { http in
                _ = try await upload(http, world, prefix: "VF")
                let intact = try await get(http, "/api/v1/audit/verify", token: world.token("admin"))
                let count = try await client.query("SELECT count(*) FROM audit_events")[0].decode(Int.self, at: 0)
                #expect(intact.status == 200 && intact.body["intact"] as? Bool == true && intact.body["events"] as? Int == count)
                #expect(intact.body["broken_event_id"] is NSNull && intact.body["reason"] is NSNull)

                let altered = try await client.query("SELECT min(id) FROM audit_events WHERE action = 'case.create'")[0].decode(Int.self, at: 0)
                try await client.withConnection { connection in
                    try await connection.query("SET session_replication_role = replica")  // superuser: triggers off
                    try await connection.query("UPDATE audit_events SET summary = '{\"outcome\": \"rejected\"}' WHERE id = \(altered)")
                    try await connection.query("SET session_replication_role = origin")
                }
                let broken = try await get(http, "/api/v1/audit/verify", token: world.token("admin"))
                #expect(broken.status == 200 && broken.body["intact"] as? Bool == false && broken.body["broken_event_id"] as? Int == altered)
                #expect((broken.body["reason"] as? String)?.contains("被改动") == true && broken.body["events"] is NSNull, "\(broken.body)")
            }
        }
    }
}
