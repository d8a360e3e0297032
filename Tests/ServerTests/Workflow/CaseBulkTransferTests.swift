import Domain
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import Server
import Store
import Testing
import TestSupport

/// 批量移送 from the case list: a leader ticks cases and moves them to one procuratorate with one
/// reason; each is moved, recorded and audited as from its own page, and what could not be
/// moved is named.
@Suite("bulk transfer")
struct CaseBulkTransferTests {
    @Test("a leader moves the ticked cases together; a case that cannot move is named and the rest go on")
    func moveTicked() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WebPagesTests.world(client)
            try await world.upload(WorkflowWorld.rows(3, prefix: "T", petition: true) + WorkflowWorld.rows(1, prefix: "S", petition: false, region: "沈阳"))
            let (t1, t2, t3, sy) = (try await world.caseID("T-1"), try await world.caseID("T-2"), try await world.caseID("T-3"), try await world.caseID("S-1"))
            try await ServerHarness.application(client: client).test(.router) { http in
                let leader = try await WebClient.signIn(http, "leader.jz", WebPagesTests.password)
                let list = try await WebClient.page(http, "/app/cases?petition=1", leader)
                #expect(list.contains("id=\"bulk-transfer\"") && list.contains("<input type=\"checkbox\" name=\"case_id\" value=\"\(t1)\" form=\"bulk-transfer\""))
                #expect(list.contains("<input type=\"hidden\" name=\"return\" value=\"petition=1\">"))
                func move(_ ids: [Int64], unit: String = "210781", reason: String = "被申请人住所地在凌海", as session: WebClient.Session) async throws -> (TestResponse, String) {
                    var body = ids.map { "case_id=\($0)" } + ["unit_code=\(unit)", "return=petition%3D1", "csrf_token=\(session.csrf)"]
                    body.append("reason=" + reason.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
                    let response = try await http.execute(uri: "/app/cases/transfer", method: .post,
                                                          headers: [.contentType: "application/x-www-form-urlencoded", .cookie: session.cookie],
                                                          body: ByteBuffer(string: body.joined(separator: "&")))
                    guard let location = response.headers[.location] else { return (response, String(buffer: response.body)) }
                    return (response, try await WebClient.page(http, location, session))
                }
                let noReason = try await move([t1, t2], reason: "", as: leader)
                #expect(noReason.1.contains("移送案件必须填写理由"), "\(noReason.1)")
                #expect(try await move([], as: leader).1.contains("请先在列表中勾选要移送的案件"))
                #expect(try await client.query("SELECT count(*) FROM cases WHERE unit_code = '210781'")[0].decode(Int.self, at: 0) == 0, "nothing moved yet")

                let (done, page) = try await move([t1, t2, sy, 999_999], as: leader)
                #expect(done.status == .seeOther && done.headers[.location]?.hasPrefix("/app/cases?petition=1&ok=") == true, "back to the list as it was")
                #expect(page.contains("已移送 2 件至凌海市人民检察院。未移送 2 件——案件（内部编号 \(sy)）：找不到该案件，或您无权查看。；案件（内部编号 999999）：找不到该案件"), "\(page)")
                let units = try await client.query("SELECT external_ref, unit_code FROM cases ORDER BY external_ref").map { try $0.decode((String, String).self) }
                #expect(units.map { "\($0.0) \($0.1)" } == ["S-1 210100", "T-1 210781", "T-2 210781", "T-3 210700"])
                let audited = try await client.query("SELECT count(*) FROM audit_events WHERE action = 'case.transfer'")[0].decode(Int.self, at: 0)
                let events = try await client.query("SELECT count(*) FROM case_events WHERE kind = 'transfer' AND note LIKE '移送至凌海市人民检察院：被申请人住所地在凌海'")[0].decode(Int.self, at: 0)
                #expect(audited == 2 && events == 2, "each case its own event and audit row")
                #expect(try await move([t1], as: leader).1.contains("没有移送任何案件。未移送 1 件——案件 T-1：案件已由凌海市人民检察院办理，无需移送。"))

                let prosecutor = try await WebClient.signIn(http, "pros.jz", WebPagesTests.password)
                #expect(!(try await WebClient.page(http, "/app/cases", prosecutor)).contains("bulk-transfer"), "only leaders move cases")
                #expect(try await move([t3], as: prosecutor).0.status == .forbidden)
            }
        }
    }

    @Test("the API moves several cases at once and lists what it moved and refused; a wrong reason, procuratorate, role or count moves nothing")
    func throughAPI() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WebPagesTests.world(client)
            try await world.upload(WorkflowWorld.rows(2, prefix: "A", petition: true))
            let (a1, a2) = (try await world.caseID("A-1"), try await world.caseID("A-2"))
            try await ServerHarness.application(client: client).test(.router) { http in
                func post(_ json: String, as login: String) async throws -> (HTTPResponse.Status, [String: Any]) {
                    let response = try await http.execute(uri: "/api/v1/cases/transfer", method: .post,
                                                          headers: [.authorization: "Bearer \(world.token(login))", .contentType: "application/json"],
                                                          body: ByteBuffer(string: json))
                    return (response.status, (try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]) ?? [:])
                }
                let refusals: [(String, String, HTTPResponse.Status, String)] = [
                    (#"{"case_ids": [\#(a1)], "unit_code": "210781", "reason": "  "}"#, "leader.jz", .unprocessableContent, "transfer.reason_missing"),
                    (#"{"case_ids": [\#(a1)], "unit_code": "999999", "reason": "住所地"}"#, "leader.jz", .unprocessableContent, "transfer.unit_unknown"),
                    (#"{"case_ids": [], "unit_code": "210781", "reason": "住所地"}"#, "leader.jz", .unprocessableContent, "transfer.none"),
                    (#"{"case_ids": [\#((1...101).map(String.init).joined(separator: ","))], "unit_code": "210781", "reason": "住所地"}"#,
                     "leader.jz", .unprocessableContent, "transfer.too_many"),
                    (#"{"case_ids": [\#(a1)], "unit_code": "210781", "reason": "住所地"}"#, "pros.jz", .forbidden, "case.leader_only"),
                ]
                for (json, login, status, code) in refusals {
                    let (got, problem) = try await post(json, as: login)
                    #expect(got == status && problem["code"] as? String == code, "\(code): \(problem)")
                }
                #expect(try await client.query("SELECT count(*) FROM cases WHERE unit_code = '210781'")[0].decode(Int.self, at: 0) == 0)

                let (status, answer) = try await post(#"{"case_ids": [\#(a2), \#(a1), \#(a1), 999999], "unit_code": "210781", "reason": "住所地在凌海"}"#,
                                                      as: "leader.jz")
                #expect(status == .ok)
                let moved = try #require(answer["moved"] as? [[String: Any]])
                #expect(moved.map { $0["case_id"] as? Int } == [Int(a1), Int(a2)], "each case once, in id order")
                #expect(moved.allSatisfy { $0["to_unit_name"] as? String == "凌海市人民检察院" && $0["still_visible"] as? Bool == true })
                let refused = try #require(answer["refused"] as? [[String: Any]])
                #expect(refused.map { $0["case_id"] as? Int } == [999_999] && refused.first?["code"] as? String == "case.not_found")
            }
            let audited = try await client.query("SELECT count(*) FROM audit_events WHERE action = 'case.transfer'")[0].decode(Int.self, at: 0)
            #expect(audited == 2)
        }
    }
}
