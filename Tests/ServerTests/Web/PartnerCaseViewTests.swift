import Domain
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import Server
import Store
import Testing
import TestSupport

/// A partner reads its own cases' stage, deadlines and triage outcome, but not the
/// procuratorate's own work on them: what each stage change recorded, the supervision clues,
/// the reporter's full ID number and phone. Left out by the query, for the API and the page.
@Suite("what a partner sees of its case")
struct PartnerCaseViewTests {
    @Test("the API and the page give a partner the case without findings, notes or clues, and no look at personal data")
    func partnerView() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WebPagesTests.world(client)
            let id = try await world.caseInReview("K", merits: "处罚明显畸重")
            var review = TransitionRequest(to: .followUp)
            (review.grade, review.clues) = ("合格", ["某局超期未答复"])
            _ = try await CaseTransitions.perform(caseID: id, review, by: try await world.principal("leader.jz"), address: "t", using: client)
            try await ServerHarness.application(client: client).test(.router) { http in
                func detail(_ token: String) async throws -> [String: Any] {
                    let response = try await http.execute(uri: "/api/v1/cases/\(id)", method: .get, headers: [.authorization: "Bearer \(token)"])
                    #expect(response.status == .ok)
                    return try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
                }
                let inside = try await detail(world.token("pros.jz"))
                let outside = try await detail(world.identity.keyA.plaintext)
                #expect((inside["clues"] as? [Any])?.count == 1 && (outside["clues"] as? [Any])?.isEmpty == true)
                let findings = { (body: [String: Any]) in
                    String(data: try! JSONSerialization.data(withJSONObject: body["events"] ?? []), encoding: .utf8)!
                }
                #expect(findings(inside).contains("处罚明显畸重") && findings(inside).contains("某局超期未答复"))
                #expect(!findings(outside).contains("处罚明显畸重") && !findings(outside).contains("某局超期未答复"))
                let kinds = { (body: [String: Any]) in (body["events"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String } }
                #expect(kinds(outside) == kinds(inside).filter { !$0.hasPrefix("clue_") } && kinds(inside).contains("clue_created"),
                        "the same steps but the clues', without what they recorded")
                #expect(outside["stage"] as? String == "follow_up" && (outside["deadlines"] as? [Any])?.isEmpty == false)

                let uploader = try await WebClient.signIn(http, "uploader.a", WebPagesTests.password)
                let page = try await WebClient.page(http, "/app/cases/\(id)", uploader)
                #expect(page.contains("接续办案") && !page.contains("监督线索") && !page.contains("处罚明显畸重"), "\(page)")
                #expect(!page.contains("/personal-data"), "no button to see the full ID number")
                let look = try await WebClient.post(http, "/app/cases/\(id)/personal-data", ["csrf_token": uploader.csrf], cookie: uploader.cookie)
                #expect(look.status == .notFound)
                let looks = try await client.query("SELECT count(*) FROM audit_events WHERE action = 'case.personal_data_viewed'")[0].decode(Int.self, at: 0)
                #expect(looks == 0)
                let leader = try await WebClient.signIn(http, "leader.jz", WebPagesTests.password)
                let theirs = try await WebClient.page(http, "/app/cases/\(id)", leader)
                #expect(theirs.contains("监督线索") && theirs.contains("处罚明显畸重") && theirs.contains("/personal-data"))
            }
        }
    }
}
