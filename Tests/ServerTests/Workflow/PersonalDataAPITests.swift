import Domain
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import Server
import Store
import Testing
import TestSupport

/// `POST /api/v1/cases/{id}/personal-data`: the page's 显示完整身份证号和电话 for API clients —
/// the full values only through this audited call, only within scope, never to partners.
@Suite("personal data API")
struct PersonalDataAPITests {
    private func looks(_ client: PostgresClient) async throws -> [String] {
        try await client.query("""
            SELECT actor_label || ' ' || entity_id FROM audit_events WHERE action = 'case.personal_data_viewed' ORDER BY id
            """).map { try $0.decode(String.self, at: 0) }
    }

    @Test("a prosecutor of the case's unit sees the full ID number and phone, once per audited look; others and partners get 404 and no look")
    func reveal() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            try await world.upload(WorkflowWorld.rows(1, prefix: "PD", petition: false))
            let id = try await world.caseID("PD-1")
            try await ServerHarness.application(client: client).test(.router) { http in
                let page = try await http.execute(uri: "/api/v1/cases/\(id)", method: .get, headers: [.authorization: "Bearer \(world.token("pros.jz"))"])
                let pageText = String(buffer: page.body)
                #expect(page.status == .ok && !pageText.contains("11010519491231002X") && !pageText.contains("13804165678"), "masked on the case itself")

                let response = try await http.execute(uri: "/api/v1/cases/\(id)/personal-data", method: .post,
                                                      headers: [.authorization: "Bearer \(world.token("pros.jz"))"])
                #expect(response.status == .ok && response.headers[.cacheControl] == "no-store")
                let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any] ?? [:]
                #expect(body["case_id"] as? Int == Int(id) && body["reporter_name"] as? String == "王某1")
                #expect(body["reporter_id_number"] as? String == "11010519491231002X" && body["phone"] as? String == "13804165678", "\(body)")
                #expect(try await looks(client) == ["pros.jz \(id)"], "the look is in the audit log")

                for (token, who) in [(world.token("pros.sy"), "another city's prosecutor"), (world.token("pros.lh"), "a county below the case's unit"),
                                     (world.identity.keyA.plaintext, "the partner that handed it over")] {
                    let refused = try await APICall.send(http, .post, "/api/v1/cases/\(id)/personal-data", token: token)
                    #expect(refused.status == 404 && refused.body["code"] as? String == "case.not_found", "\(who): \(refused)")
                }
                let unknown = try await APICall.send(http, .post, "/api/v1/cases/\(id + 1000)/personal-data", token: world.token("pros.jz"))
                #expect(unknown.status == 404)
                let leader = try await APICall.send(http, .post, "/api/v1/cases/\(id)/personal-data", token: world.token("leader.jz"))
                #expect(leader.status == 200 && leader.body["phone"] as? String == "13804165678")
            }
            #expect(try await looks(client) == ["pros.jz \(id)", "leader.jz \(id)"], "a refused look is no look")
        }
    }
}
