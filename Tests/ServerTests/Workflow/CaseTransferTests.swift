import Domain
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import Server
import Store
import Testing
import TestSupport

/// 移送: a leader moves a case to another procuratorate. The case keeps its stage and deadlines,
/// changes hands, and a partner's later correction of its region no longer moves it.
@Suite("Case transfers (移送)", .serialized)
struct CaseTransferTests {
    /// The case's unit, stage, holder, 包案 leader and open deadlines as stored.
    private func facts(_ id: Int64, _ client: PostgresClient) async throws
        -> (unit: String, stage: String, assignee: Int?, lead: Int?, deadlines: [String]) {
        let row = try await client.query("""
            SELECT c.unit_code, c.stage, c.assignee_id, c.lead_leader_id,
                   (SELECT array_agg(d.kind || ' ' || d.due_on ORDER BY d.kind) FROM case_deadlines d WHERE d.case_id = c.id AND d.closed_on IS NULL)
            FROM cases c WHERE c.id = \(id)
            """)[0]
        let (unit, stage, assignee, lead, deadlines) = try row.decode((String, String, Int?, Int?, [String]?).self)
        return (unit, stage, assignee, lead, deadlines ?? [])
    }

    @Test("out of the leader's scope: the stage and deadlines stay, the holder and the 包案 end, the new unit's prosecutors take it over")
    func outOfScope() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            try await world.upload(WorkflowWorld.rows(1, prefix: "M", petition: true))
            let id = try await world.caseID("M-1")
            let leader = try await world.principal("leader.jz")
            _ = try await CaseTransitions.perform(caseID: id, TransitionRequest(to: .evaluation), by: leader, address: "t", using: client)
            let holder = try await world.principal("pros.jz")
            #expect(try await CaseQueue.claimNext(unit: nil, stage: .evaluation, by: holder, address: "t", using: client) == id)
            try await CaseStewardship.takeCharge(caseID: id, targetDate: CalendarDate(iso: "2099-12-31")!, by: leader, address: "t", using: client)
            let before = try await facts(id, client)

            let receipt = try await CaseTransfer.transfer(caseID: id, to: " 210100 ", reason: "被申请人住所地在沈阳，由沈阳市院管辖更便于化解",
                                                          by: leader, address: "t", using: client)
            #expect(receipt.caseID == id && receipt.fromUnit == "210700" && receipt.toUnit == "210100" && receipt.toUnitName == "沈阳市人民检察院")
            #expect(receipt.releasedUserID == world.identity.user("pros.jz").id && receipt.leadEndedUserID == world.identity.user("leader.jz").id)
            #expect(!receipt.stillVisible)
            let after = try await facts(id, client)
            #expect(after.unit == "210100" && after.stage == "evaluation")
            #expect(after.assignee == nil && after.lead == nil, "the 锦州 prosecutor and leader let go of a 沈阳 case")
            #expect(!before.deadlines.isEmpty && after.deadlines == before.deadlines, "deadlines run from receipt, not from the unit")

            #expect(try await CaseQueries.detail(id: id, for: leader, using: client) == nil, "out of the leader's scope now")
            await #expect(throws: CaseActionError.caseNotFound) {
                _ = try await CaseTransfer.transfer(caseID: id, to: "210700", reason: "撤回", by: leader, address: "t", using: client)
            }
            let shenyang = try await world.principal("pros.sy")
            #expect(try await CaseQueue.claimNext(unit: nil, stage: .evaluation, by: shenyang, address: "t", using: client) == id)

            let event = try await client.query("""
                SELECT note, payload->>'from', payload->>'to', payload->>'released_user', payload->>'lead_ended'
                FROM case_events WHERE case_id = \(id) AND kind = 'transfer'
                """)
            #expect(event.count == 1)
            let (note, from, to, released, leadEnded) = try event[0].decode((String, String, String, String?, String?).self)
            #expect(note == "移送至沈阳市人民检察院：被申请人住所地在沈阳，由沈阳市院管辖更便于化解")
            #expect(from == "210700" && to == "210100")
            #expect(released == String(world.identity.user("pros.jz").id) && leadEnded == String(world.identity.user("leader.jz").id))
            let audit = try await client.query("""
                SELECT summary->>'to' FROM audit_events WHERE action = 'case.transfer' AND entity_id = \(String(id))
                """)
            #expect(try audit.map { try $0.decode(String.self, at: 0) } == ["210100"])
        }
    }

    @Test("within the leader's scope the case stays in sight and the leader's own 包案 goes on")
    func withinScope() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            try await world.upload(WorkflowWorld.rows(1, prefix: "LH", petition: true, region: "凌海市"))
            let id = try await world.caseID("LH-1")
            let leader = try await world.principal("leader.jz")
            try await CaseStewardship.takeCharge(caseID: id, targetDate: CalendarDate(iso: "2099-12-31")!, by: leader, address: "t", using: client)
            #expect(try await facts(id, client).unit == "210781")
            let receipt = try await CaseTransfer.transfer(caseID: id, to: "210700", reason: "案情复杂，提级由市院办理", by: leader, address: "t", using: client)
            #expect(receipt.stillVisible && receipt.releasedUserID == nil && receipt.leadEndedUserID == nil)
            let after = try await facts(id, client)
            #expect(after.unit == "210700" && after.lead == world.identity.user("leader.jz").id)
            #expect(try await CaseQueries.detail(id: id, for: leader, using: client)?.events.last?.kind == "transfer")
        }
    }

    @Test("refusals: a prosecutor, no reason, an unknown or the same unit, a closed case; nothing changes")
    func refusals() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            try await world.upload(WorkflowWorld.rows(2, prefix: "R", petition: true))
            let (id, closed) = (try await world.caseID("R-1"), try await world.caseID("R-2"))
            try await client.query("UPDATE cases SET petition_related = false, stage = 'referred' WHERE id = \(closed)")
            try await client.query("UPDATE cases SET stage = 'closed' WHERE id = \(closed)")
            let leader = try await world.principal("leader.jz")
            func refusal(_ caseID: Int64, _ unit: String, _ reason: String, by principal: Principal) async -> String? {
                do {
                    _ = try await CaseTransfer.transfer(caseID: caseID, to: unit, reason: reason, by: principal, address: "t", using: client)
                    return nil
                } catch let error as CaseActionError {
                    return error.code
                } catch { return "\(error)" }
            }
            #expect(await refusal(id, "210100", "理由", by: try await world.principal("pros.jz")) == "case.leader_only")
            #expect(await refusal(id, "210100", "  ", by: leader) == "transfer.reason_missing")
            #expect(await refusal(id, "219999", "理由", by: leader) == "transfer.unit_unknown")
            #expect(await refusal(id, "210700", "理由", by: leader) == "transfer.same_unit")
            #expect(await refusal(closed, "210100", "理由", by: leader) == "case.closed")
            #expect(try await facts(id, client).unit == "210700")
            #expect(try await !world.eventKinds(id).contains("transfer"))
        }
    }

    @Test("a partner's later correction no longer moves a transferred case, and says so only when the region itself changed")
    func correctionsKeepTheTransfer() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            try await world.upload(WorkflowWorld.rows(1, prefix: "C", petition: true))
            let id = try await world.caseID("C-1")
            let leader = try await world.principal("leader.jz")
            _ = try await CaseTransfer.transfer(caseID: id, to: "210781", reason: "由凌海市院就近化解", by: leader, address: "t", using: client)

            // The same region (锦州), a corrected claim: the case stays in 凌海, with nothing to say about it.
            try await world.upload(WorkflowWorld.rows(1, prefix: "C", petition: true, claimSuffix: "（补充材料）"))
            #expect(try await facts(id, client).unit == "210781")
            let quiet = try await client.query("SELECT note FROM case_events WHERE case_id = \(id) AND kind = 'update' ORDER BY id DESC LIMIT 1")
            #expect(try quiet[0].decode(String.self, at: 0) == "合作单位更正了案件信息")

            // A new region (沈阳), still in triage: the triage follows the data, the unit stays.
            try await world.upload(WorkflowWorld.rows(1, prefix: "C", petition: false, region: "沈阳", claimSuffix: "（更正）"))
            let state = try await world.state(id)
            #expect(state.stage == "triage" && state.petition == false, "the triage still follows corrections in triage")
            #expect(try await facts(id, client).unit == "210781", "the leader's transfer stands")
            let row = try await client.query("""
                SELECT note, payload->>'region_unit' FROM case_events WHERE case_id = \(id) AND kind = 'update' ORDER BY id DESC LIMIT 1
                """)[0]
            let (note, regionUnit) = try row.decode((String, String?).self)
            #expect(note.contains("更正后的所在地区属沈阳市人民检察院管辖，但案件已由院领导移送至现承办院"), "\(note)")
            #expect(regionUnit == "210100")
        }
    }

    @Test("over HTTP: the receipt, 403 for a prosecutor, 422 naming the field; the page offers every other procuratorate; the new unit's lists say 移送自")
    func overHTTP() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WebPagesTests.world(client)
            try await world.upload(WorkflowWorld.rows(2, prefix: "H", petition: true))
            let (first, second) = (try await world.caseID("H-1"), try await world.caseID("H-2"))
            try await ServerHarness.application(client: client).test(.router) { http in
                func post(_ id: Int64, _ json: String, token: String) async throws -> (status: Int, body: [String: Any]) {
                    let response = try await http.execute(uri: "/api/v1/cases/\(id)/transfer", method: .post,
                                                          headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
                                                          body: ByteBuffer(string: json))
                    let body = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
                    return (Int(response.status.code), body)
                }
                let prosecutor = try await post(first, #"{"unit_code":"210100","reason":"管辖"}"#, token: world.token("pros.jz"))
                #expect(prosecutor.status == 403 && prosecutor.body["code"] as? String == "case.leader_only")
                let unknown = try await post(first, #"{"unit_code":"219999","reason":"管辖"}"#, token: world.token("leader.jz"))
                #expect(unknown.status == 422 && unknown.body["field"] as? String == "unit_code")
                let done = try await post(first, #"{"unit_code":"210100","reason":"管辖"}"#, token: world.token("leader.jz"))
                #expect(done.status == 200)
                #expect(done.body["to_unit_name"] as? String == "沈阳市人民检察院" && done.body["still_visible"] as? Bool == false)

                let leader = try await WebClient.signIn(http, "leader.jz", WebPagesTests.password)
                let page = try await WebClient.page(http, "/app/cases/\(second)", leader)
                #expect(page.contains("移送其他检察院（现由锦州市人民检察院办理）"))
                #expect(page.contains("<option value=\"210100\">沈阳市人民检察院</option>") && page.contains("<optgroup label=\"沈阳市\">"))
                #expect(!page.contains("<option value=\"210700\">"), "not the unit it is in")
                let refused = try await WebClient.post(http, "/app/cases/\(second)/transfer", ["unit_code": "210100", "reason": " ", "csrf_token": leader.csrf],
                                                       cookie: leader.cookie)
                #expect(refused.status == .unprocessableContent)
                let html = String(buffer: refused.body)
                #expect(html.contains("移送案件必须填写理由") && html.contains("<option value=\"210100\" selected>"), "re-shown with the choice")
                let moved = try await WebClient.post(http, "/app/cases/\(second)/transfer",
                                                     ["unit_code": "210100", "reason": "由沈阳市院办理", "csrf_token": leader.csrf], cookie: leader.cookie)
                #expect(moved.status == .seeOther)
                #expect(moved.headers[.location]?.hasPrefix("/app/cases?ok=") == true, "out of sight: back to the case list")

                // The receiving unit sees where its new cases came from; its own cases say nothing.
                try await world.upload(WorkflowWorld.rows(1, prefix: "N", petition: true, region: "沈阳市"))
                let listed = try await http.execute(uri: "/api/v1/cases", method: .get, headers: [.authorization: "Bearer \(world.token("pros.sy"))"])
                let items = (try JSONSerialization.jsonObject(with: Data(buffer: listed.body)) as? [String: Any])?["items"] as? [[String: Any]] ?? []
                let origins = Dictionary(uniqueKeysWithValues: items.map { ($0["external_ref"] as? String ?? "?", $0["transferred_from_name"] as? String ?? "—") })
                #expect(origins == ["H-1": "锦州市人民检察院", "H-2": "锦州市人民检察院", "N-1": "—"])
                #expect(items.first { $0["external_ref"] as? String == "H-1" }?["transferred_from"] as? String == "210700")
                let shenyang = try await WebClient.signIn(http, "pros.sy", WebPagesTests.password)
                let list = try await WebClient.page(http, "/app/cases", shenyang)
                #expect(list.components(separatedBy: "<span class=\"badge moved\">移送自锦州市人民检察院</span>").count == 3, "H-1 and H-2, not N-1")
                #expect(try await WebClient.page(http, "/app/cases/\(second)", shenyang).contains("<dd>沈阳市人民检察院（移送自锦州市人民检察院）</dd>"))
            }
        }
    }
}
