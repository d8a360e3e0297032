import Domain
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import Server
import Store
import Testing
import TestSupport

/// The cases, queue and triage-rule endpoints over HTTP, as other tools and the pages use them.
@Suite("cases API")
struct CaseAPITests {
    typealias Client = any TestClientProtocol

    func call(_ http: Client, _ method: HTTPRequest.Method, _ uri: String, token: String, json: String? = nil) async throws
        -> (status: Int, body: [String: Any]) {
        try await APICall.send(http, method, uri, token: token, body: json.map { Array($0.utf8) })
    }

    @Test("a partner lists the cases of its batch with the fields other tools rely on; other units see nothing")
    func listByBatch() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            let app = try ServerHarness.application(client: client)
            try await app.test(.router) { http in
                let csv = String(decoding: BatchSamples.csv(WorkflowWorld.rows(3, prefix: "A", petition: true) + WorkflowWorld.rows(2, prefix: "B", petition: false)), as: UTF8.self)
                let upload = try await http.execute(uri: "/api/v1/batches", method: .post,
                                                    headers: [.authorization: "Bearer \(world.identity.keyA.plaintext)", .contentType: "text/csv"],
                                                    body: ByteBuffer(string: csv))
                let batch = try JSONSerialization.jsonObject(with: Data(buffer: upload.body)) as! [String: Any]
                let batchID = batch["batch_id"] as! Int
                let listed = try await call(http, .get, "/api/v1/cases?batch=\(batchID)&sort=id", token: world.identity.keyA.plaintext)
                #expect(listed.status == 200)
                let items = listed.body["items"] as! [[String: Any]]
                #expect(items.count == 5)
                let first = items[0]
                #expect(first["id"] is Int)
                #expect(first["external_ref"] as? String == "A-1")
                #expect(first["partner"] as? String == "LNFIC")
                #expect(first["unit"] as? String == "210700")
                #expect(first["stage"] as? String == "triage")
                #expect(first["petition_related"] as? Bool == true)
                #expect((first["triage_reasons"] as? [String])?.isEmpty == false)
                let deadlines = first["deadlines"] as! [[String: Any]]
                #expect(deadlines.map { $0["kind"] as! String } == ["procedural_reply", "result_reply"])
                #expect(items.filter { $0["petition_related"] as? Bool == true }.count == 3)
                #expect((try await call(http, .get, "/api/v1/cases?batch=\(batchID)", token: world.identity.keyB.plaintext).body["items"] as? [Any])?.isEmpty == true)
                #expect((try await call(http, .get, "/api/v1/cases?batch=\(batchID)", token: world.token("pros.sy")).body["items"] as? [Any])?.isEmpty == true)
                let caseID = first["id"] as! Int
                let hidden = try await call(http, .get, "/api/v1/cases/\(caseID)", token: world.token("pros.sy"))
                #expect(hidden.status == 404 && hidden.body["code"] as? String == "case.not_found")
                let detail = try await call(http, .get, "/api/v1/cases/\(caseID)", token: world.token("pros.jz"))
                #expect(detail.status == 200)
                #expect(detail.body["reporter_id_number"] as? String == "110105********002X", "ID numbers are masked")
                #expect(detail.body["phone"] as? String == "138****5678", "phones are masked")
                #expect((detail.body["events"] as? [[String: Any]])?.first?["kind"] as? String == "intake")
                let wrong = try await call(http, .get, "/api/v1/cases?stage=done", token: world.token("pros.jz"))
                #expect(wrong.status == 422 && wrong.body["field"] as? String == "stage")

                // A later batch corrects A-1 and adds C-1: a batch lists the cases it created and
                // the cases it last wrote.
                let second = try await world.upload(WorkflowWorld.rows(1, prefix: "A", petition: true, claimSuffix: "（更正）")
                                                    + WorkflowWorld.rows(1, prefix: "C", petition: false))
                #expect(second.counts.updated == 1 && second.counts.accepted == 1)
                func refs(_ batch: Int) async throws -> [String] {
                    let page = try await call(http, .get, "/api/v1/cases?batch=\(batch)&sort=id", token: world.identity.keyA.plaintext)
                    return (page.body["items"] as! [[String: Any]]).map { $0["external_ref"] as! String }
                }
                #expect(try await refs(batchID) == ["A-1", "A-2", "A-3", "B-1", "B-2"])
                #expect(try await refs(Int(try #require(second.batchID))) == ["A-1", "C-1"])
            }
        }
    }

    @Test("claim, move and refuse over HTTP: 409 for an illegal transition, 422 naming the missing field, 403 for the office")
    func actions() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            try await world.upload(WorkflowWorld.rows(1, prefix: "H", petition: true))
            let app = try ServerHarness.application(client: client)
            try await app.test(.router) { http in
                let claimed = try await call(http, .post, "/api/v1/queues/claim", token: world.token("pros.jz"), json: #"{"stage":"triage"}"#)
                #expect(claimed.status == 200)
                #expect(claimed.body["assignee_id"] as? Int == world.identity.user("pros.jz").id)
                #expect(claimed.body["lease_until"] is String)
                #expect((claimed.body["available_transitions"] as? [[String: Any]])?.map { $0["to"] as! String } == ["evaluation"])
                let id = claimed.body["id"] as! Int
                let empty = try await call(http, .post, "/api/v1/queues/claim", token: world.token("pros.jz"), json: #"{"stage":"triage"}"#)
                #expect(empty.status == 404 && empty.body["code"] as? String == "queue.empty")

                let illegal = try await call(http, .post, "/api/v1/cases/\(id)/transitions", token: world.token("pros.jz"), json: #"{"to":"closed"}"#)
                #expect(illegal.status == 409 && illegal.body["code"] as? String == "transition.not_allowed")
                #expect((illegal.body["title"] as? String)?.contains("分流") == true)
                let office = try await call(http, .post, "/api/v1/cases/\(id)/transitions", token: world.token("office"), json: #"{"to":"evaluation"}"#)
                #expect(office.status == 403)
                let moved = try await call(http, .post, "/api/v1/cases/\(id)/transitions", token: world.token("pros.jz"), json: #"{"to":"evaluation"}"#)
                #expect(moved.status == 200 && moved.body["stage"] as? String == "evaluation")
                _ = try await call(http, .post, "/api/v1/queues/claim", token: world.token("pros.jz"), json: #"{"stage":"evaluation"}"#)
                let missing = try await call(http, .post, "/api/v1/cases/\(id)/transitions", token: world.token("pros.jz"),
                                             json: #"{"to":"review","merits":"有理","jurisdiction":"本院"}"#)
                #expect(missing.status == 422 && missing.body["field"] as? String == "risk_level")
                let bad = try await call(http, .post, "/api/v1/cases/\(id)/transitions", token: world.token("pros.jz"), json: #"{"to": 3}"#)
                #expect(bad.status == 422 && bad.body["code"] as? String == "request.json_invalid")

                let queues = try await call(http, .get, "/api/v1/queues", token: world.token("leader.jz"))
                let evaluation = (queues.body["items"] as! [[String: Any]]).first { $0["stage"] as? String == "evaluation" }
                #expect(evaluation?["total"] as? Int == 1 && evaluation?["waiting"] as? Int == 0)
                let lead = try await call(http, .post, "/api/v1/cases/\(id)/lead", token: world.token("leader.jz"), json: #"{"target_date":"2099-12-31"}"#)
                #expect(lead.status == 200 && lead.body["lead_leader_name"] as? String == "锦州院领导")
                let notLeader = try await call(http, .post, "/api/v1/cases/\(id)/typical", token: world.token("pros.jz"), json: #"{"summary":"x"}"#)
                #expect(notLeader.status == 403)
                let typical = try await call(http, .post, "/api/v1/cases/\(id)/typical", token: world.token("leader.jz"),
                                             json: #"{"summary":"检察机关督促返还保证金，企业息诉"}"#)
                #expect(typical.body["typical"] as? Bool == true)
            }
        }
    }

    @Test("a triage override needs a reason, is audited, and survives a corrected re-upload and a re-triage under new rules")
    func overrideSurvives() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            try await world.upload(WorkflowWorld.rows(2, prefix: "V", petition: true))
            let id = try await world.caseID("V-1")
            let app = try ServerHarness.application(client: client)
            try await app.test(.router) { http in
                let leader = world.token("leader.jz")
                let noReason = try await call(http, .post, "/api/v1/cases/\(id)/triage-override", token: leader, json: #"{"petition_related":false,"reason":" "}"#)
                #expect(noReason.status == 422 && noReason.body["code"] as? String == "override.reason_missing")
                let done = try await call(http, .post, "/api/v1/cases/\(id)/triage-override", token: leader,
                                          json: #"{"petition_related":false,"reason":"反映的是2019年旧事，企业未实际信访"}"#)
                #expect(done.status == 200 && done.body["petition_related"] as? Bool == false && done.body["triage_overridden"] as? Bool == true)
                #expect(done.body["triage_auto"] as? Bool == true)

                // The partner corrects the row; intake re-triages it, the override still wins.
                try await world.upload(WorkflowWorld.rows(2, prefix: "V", petition: true, claimSuffix: "，另要求赔偿利息"))
                #expect(try await world.state(id).petition == false)
                #expect(try await world.eventKinds(id).contains("update"))

                // New rules that no longer know "信访": re-triage changes the other case, not the overridden one.
                let office = try await call(http, .post, "/api/v1/triage/rules", token: world.token("office"), json: "{}")
                #expect(office.status == 403)
                let rules = #"{"note":"测试：去掉“信访”","petitionTerms":["进京访"],"negations":["未"],"hypotheticals":["如不"],"affirmations":["已"],"placeAfter":[],"placeBefore":[]}"#
                let published = try await call(http, .post, "/api/v1/triage/rules", token: world.token("admin"), json: rules)
                #expect(published.status == 201 && published.body["version"] as? Int == 2)
                let rerun = try await call(http, .post, "/api/v1/triage/rerun", token: world.token("admin"))
                #expect(rerun.body["changed"] as? Int == 0, "V-2 still has 是否已信访=是, V-1 is overridden")
                try await client.query("UPDATE cases SET petitioned_before = NULL")
                #expect(try await call(http, .post, "/api/v1/triage/rerun", token: world.token("admin")).body["changed"] as? Int == 1)
                #expect(try await world.state(id).petition == false)
                #expect(try await world.state(try await world.caseID("V-2")).petition == false)
                let versions = try await call(http, .get, "/api/v1/triage/rules", token: world.token("pros.jz"))
                #expect((versions.body["items"] as? [[String: Any]])?.map { $0["version"] as! Int } == [2, 1])
                let audited = try await client.query("""
                    SELECT count(*) FROM audit_events WHERE action IN ('case.override_triage', 'triage_rules.publish', 'triage_rules.rerun')
                    """)[0].decode(Int.self, at: 0)
                #expect(audited == 4)
            }
        }
    }

    @Test("a supervision clue is raised in review, transferred to a department and tracked to a result, each an event")
    func clues() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            try await world.upload(WorkflowWorld.rows(1, prefix: "S", petition: true))
            let id = try await world.caseID("S-1")
            let app = try ServerHarness.application(client: client)
            try await app.test(.router) { http in
                let leader = world.token("leader.jz")
                let early = try await call(http, .post, "/api/v1/cases/\(id)/clues", token: leader, json: #"{"summary":"x"}"#)
                #expect(early.status == 409 && early.body["code"] as? String == "clue.wrong_stage")
                _ = try await call(http, .post, "/api/v1/cases/\(id)/transitions", token: leader, json: #"{"to":"evaluation"}"#)
                _ = try await call(http, .post, "/api/v1/cases/\(id)/transitions", token: leader,
                                   json: #"{"to":"review","risk_level":"低","merits":"有理","jurisdiction":"本院"}"#)
                let added = try await call(http, .post, "/api/v1/cases/\(id)/clues", token: leader, json: #"{"summary":"某局超期未作出行政复议决定"}"#)
                #expect(added.status == 200)
                let clue = try #require((added.body["clues"] as? [[String: Any]])?.first?["id"] as? Int)
                let tooSoon = try await call(http, .post, "/api/v1/clues/\(clue)/result", token: leader, json: #"{"result":"立案"}"#)
                #expect(tooSoon.status == 409 && tooSoon.body["code"] as? String == "clue.not_transferred")
                let hidden = try await call(http, .post, "/api/v1/clues/\(clue)/transfer", token: world.token("pros.sy"), json: #"{"department":"行政检察部"}"#)
                #expect(hidden.status == 404)
                let moved = try await call(http, .post, "/api/v1/clues/\(clue)/transfer", token: leader, json: #"{"department":"行政检察部"}"#)
                #expect((moved.body["clues"] as? [[String: Any]])?.first?["department"] as? String == "行政检察部")
                let wrong = try await call(http, .post, "/api/v1/clues/\(clue)/result", token: leader, json: #"{"result":"结案"}"#)
                #expect(wrong.status == 422)
                let result = try await call(http, .post, "/api/v1/clues/\(clue)/result", token: leader, json: #"{"result":"立案","note":"已立案监督"}"#)
                #expect((result.body["clues"] as? [[String: Any]])?.first?["result"] as? String == "立案")
                #expect(try await world.eventKinds(id).suffix(3) == ["clue_created", "clue_transferred", "clue_result"])
            }
        }
    }
}
