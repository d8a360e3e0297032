import Domain
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import Server
import Store
import Testing
import TestSupport

/// The case page says when intake flagged the case as a possible duplicate of a stored one,
/// and whoever works the case records, once, whether it is the same matter (核对疑似重复).
@Suite("web pages: possible duplicates")
struct DuplicatePageTests {
    /// Two batches handing over the same enterprise, respondent and claim under two 案件编号,
    /// first for `firstRegion`, then for `secondRegion`; the ids of both cases.
    static func twice(_ world: WorkflowWorld, firstRegion: String, secondRegion: String) async throws -> (original: Int64, repeated: Int64) {
        let first = try #require(WorkflowWorld.rows(1, prefix: "DU", petition: false, region: firstRegion).first)
        try await world.upload([first])
        let second = first.replacingOccurrences(of: "DU-1,", with: "DV-1,").replacingOccurrences(of: ",\(firstRegion),", with: ",\(secondRegion),")
        #expect(try await world.upload([second]).counts.duplicate == 1)
        return (try await world.caseID("DU-1"), try await world.caseID("DV-1"))
    }

    @Test("a possible duplicate names the case it may repeat — linked when the reader may open it — and neither that case nor the partner's view says so")
    func flagShown() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WebPagesTests.world(client)
            let (original, repeated) = try await Self.twice(world, firstRegion: "沈阳", secondRegion: "锦州")
            try await ServerHarness.application(client: client).test(.router) { http in
                let leader = try await WebClient.signIn(http, "leader.jz", WebPagesTests.password)
                let page = try await WebClient.page(http, "/app/cases/\(repeated)", leader)
                #expect(page.contains("id=\"possible-duplicate\"") && page.contains("案件（内部编号 \(original)）（不在您的查看范围内）"),
                        "锦州's leader cannot open 沈阳's case: \(page.components(separatedBy: "疑似重复").dropFirst().first?.prefix(300) ?? "")")

                let admin = try await WebClient.signIn(http, "admin", WebPagesTests.password)
                let adminPage = try await WebClient.page(http, "/app/cases/\(repeated)", admin)
                #expect(adminPage.contains("与<a href=\"/app/cases/\(original)\">案件 DU-1</a>的统一社会信用代码、被反映单位相同"))
                #expect(!(try await WebClient.page(http, "/app/cases/\(original)", admin)).contains("possible-duplicate"), "the first case repeats nothing")

                let uploader = try await WebClient.signIn(http, "uploader.a", WebPagesTests.password)
                let partnerView = try await WebClient.page(http, "/app/cases/\(repeated)", uploader)
                #expect(partnerView.contains("DV-1") && !partnerView.contains("possible-duplicate"), "a partner is not told about other cases")
                let partnerCases = try await APICall.send(http, .get, "/api/v1/cases", token: world.identity.keyA.plaintext)
                #expect((partnerCases.body["items"] as? [[String: Any]])?.allSatisfy { $0["duplicate_pending"] as? Bool == false } == true,
                        "partners' lists carry no mark")
                #expect(!(try await WebClient.page(http, "/app/cases", uploader)).contains("疑似重复待核"))
                let partnerList = try await http.execute(uri: "/app/cases?duplicate=1", method: .get, headers: [.cookie: uploader.cookie])
                let partnerListed = String(buffer: partnerList.body)
                #expect(partnerList.status == .unprocessableContent && partnerListed.contains("疑似重复的筛选只适用于检察院的用户") && !partnerListed.contains("DV-1"))
                #expect(!(try await WebClient.page(http, "/app/cases", uploader)).contains("只看待核对的疑似重复"), "no such box for partners")
            }
        }
    }

    @Test("the leader checks the flag on the page once, with a note: the finding shows on the case and in its timeline, audited; the API refuses a second check and cases without the flag")
    func review() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WebPagesTests.world(client)
            let (original, repeated) = try await Self.twice(world, firstRegion: "锦州", secondRegion: "锦州")
            try await ServerHarness.application(client: client).test(.router) { http in
                let leader = try await WebClient.signIn(http, "leader.jz", WebPagesTests.password)
                let before = try await WebClient.page(http, "/app/cases/\(repeated)", leader)
                #expect(before.contains("核对疑似重复") && before.contains("请核对是否为同一事项"))
                #expect(!(try await WebClient.page(http, "/app/cases/\(original)", leader)).contains("核对疑似重复"), "nothing to check on the first case")

                let listed = try await WebClient.page(http, "/app/cases?duplicate=1", leader)
                #expect(listed.contains("DV-1") && !listed.contains("DU-1"), "the list of flags to check")
                #expect(listed.contains("DV-1</a><br><span class=\"badge duplicate\">疑似重复待核</span>"), "marked in its row")
                let waiting = try await APICall.send(http, .get, "/api/v1/cases?duplicate_unchecked=true", token: world.token("leader.jz"))
                #expect((waiting.body["items"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } == [Int(repeated)])
                let partnerAsks = try await APICall.send(http, .get, "/api/v1/cases?duplicate_unchecked=true", token: world.identity.keyA.plaintext)
                #expect(partnerAsks.status == 422 && partnerAsks.body["field"] as? String == "duplicate_unchecked")

                let noNote = try await WebClient.post(http, "/app/cases/\(repeated)/duplicate-review", ["finding": "dismissed", "note": " ", "csrf_token": leader.csrf],
                                                      cookie: leader.cookie)
                #expect(noNote.status == .unprocessableContent && String(buffer: noNote.body).contains("请写明核对意见"))
                let done = try await WebClient.post(http, "/app/cases/\(repeated)/duplicate-review",
                                                    ["finding": "dismissed", "note": "两案诉求所涉合同不同，系不同事项。", "csrf_token": leader.csrf], cookie: leader.cookie)
                #expect(done.status == .seeOther)
                let after = try await WebClient.page(http, "/app/cases/\(repeated)", leader)
                #expect(after.contains("已核对：<strong id=\"duplicate-review\">不是重复（不同事项）</strong>"))
                #expect(after.contains("核对疑似重复：两案诉求所涉合同不同，系不同事项。（不是重复（不同事项））"), "the timeline")
                #expect(!after.contains("<summary>核对疑似重复</summary>"), "checked once: no form any more")

                let again = try await APICall.send(http, .post, "/api/v1/cases/\(repeated)/duplicate-review", token: world.token("leader.jz"),
                                                   json: #"{"finding": "confirmed", "note": "再核一次"}"#)
                #expect(again.status == 409 && again.body["code"] as? String == "duplicate.already_reviewed", "\(again.body)")
                let unflagged = try await APICall.send(http, .post, "/api/v1/cases/\(original)/duplicate-review", token: world.token("leader.jz"),
                                                       json: #"{"finding": "confirmed", "note": "核对"}"#)
                #expect(unflagged.status == 409 && unflagged.body["code"] as? String == "duplicate.not_flagged")
                let wrong = try await APICall.send(http, .post, "/api/v1/cases/\(repeated)/duplicate-review", token: world.token("leader.jz"),
                                                   json: #"{"finding": "maybe", "note": "核对"}"#)
                #expect(wrong.status == 422 && wrong.body["field"] as? String == "finding")
                let unheld = try await APICall.send(http, .post, "/api/v1/cases/\(repeated)/duplicate-review", token: world.token("pros.jz"),
                                                    json: #"{"finding": "confirmed", "note": "核对"}"#)
                #expect(unheld.status == 409 && unheld.body["code"] as? String == "case.not_held", "a prosecutor who does not hold the case: \(unheld.body)")
                let checked = try await APICall.send(http, .get, "/api/v1/cases?duplicate_unchecked=true", token: world.token("leader.jz"))
                #expect((checked.body["items"] as? [[String: Any]])?.isEmpty == true, "checked: no longer waiting")
                let all = try await APICall.send(http, .get, "/api/v1/cases", token: world.token("leader.jz"))
                #expect((all.body["items"] as? [[String: Any]])?.allSatisfy { $0["duplicate_pending"] as? Bool == false } == true, "no mark once checked")
                #expect(!(try await WebClient.page(http, "/app/cases", leader)).contains("疑似重复待核"))
                let detail = try await APICall.send(http, .get, "/api/v1/cases/\(repeated)", token: world.token("leader.jz"))
                #expect(detail.body["duplicate_review"] as? String == "dismissed" && detail.body["possible_duplicate_of"] as? Int == Int(original))
                let partner = try await APICall.send(http, .get, "/api/v1/cases/\(repeated)", token: world.identity.keyA.plaintext)
                #expect(partner.status == 200 && partner.body["possible_duplicate_of"] == nil && partner.body["duplicate_review"] == nil)
            }
            let audited = try await client.query("""
                SELECT summary->>'finding', summary->>'of' FROM audit_events WHERE action = 'case.duplicate_review' AND entity_id = \(String(repeated))
                """).map { try $0.decode((String, String).self) }
            #expect(audited.count == 1 && audited.first?.0 == "dismissed" && audited.first?.1 == String(original))
        }
    }
}
