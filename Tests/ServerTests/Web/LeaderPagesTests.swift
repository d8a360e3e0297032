import Domain
import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdBcrypt
import HummingbirdTesting
import Postgres
import Server
import Store
import Testing
import TestSupport

@Suite("web pages: leaders and case actions")
struct LeaderPagesTests {
    @Test("a leader assigns a case, a refused assignment re-shows the form; a bulk move is previewed, then done as previewed")
    func assignments() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WebPagesTests.world(client)
            try await world.upload(WorkflowWorld.rows(2, prefix: "A", petition: true))
            let (a1, a2) = (try await world.caseID("A-1"), try await world.caseID("A-2"))
            let prosecutor = world.identity.user("pros.jz").id, elsewhere = world.identity.user("pros.sy").id
            let leaderID = world.identity.user("leader.jz").id
            try await ServerHarness.application(client: client).test(.router) { http in
                let leader = try await WebClient.signIn(http, "leader.jz", WebPagesTests.password)
                let page = try await WebClient.page(http, "/app/cases/\(a1)", leader)
                #expect(page.contains("value=\"\(prosecutor)\"") && !page.contains("value=\"\(elsewhere)\""), "only the case's unit is offered")
                let refused = try await WebClient.post(http, "/app/cases/\(a1)/assign", ["assignee_id": String(elsewhere), "csrf_token": leader.csrf],
                                                       cookie: leader.cookie)
                #expect(refused.status == .unprocessableContent)
                #expect(String(buffer: refused.body).contains("只能分派给本案所属检察院"))
                for id in [a1, a2] {
                    let done = try await WebClient.post(http, "/app/cases/\(id)/assign", ["assignee_id": String(prosecutor), "csrf_token": leader.csrf],
                                                        cookie: leader.cookie)
                    #expect(done.status == .seeOther)
                }
                #expect(try await world.state(a1).assignee == prosecutor)

                let preview = try await WebClient.post(http, "/app/assignments", ["from": String(prosecutor), "to": String(leaderID), "step": "preview",
                                                                                  "csrf_token": leader.csrf], cookie: leader.cookie)
                let html = String(buffer: preview.body)
                #expect(html.contains("将改派 2 件") && html.contains("A-1") && html.contains("A-2"))
                #expect(try await world.state(a1).assignee == prosecutor, "a preview changes nothing")
                let confirmed = try await WebClient.post(http, "/app/assignments", ["from": String(prosecutor), "to": String(leaderID), "step": "confirm",
                                                                                    "csrf_token": leader.csrf], cookie: leader.cookie)
                #expect(confirmed.status == .seeOther)
                let (after1, after2) = (try await world.state(a1), try await world.state(a2))
                #expect(after1.assignee == leaderID && after2.assignee == leaderID)
            }
        }
    }

    @Test("the holder replies to a deadline and holds the case through the case page; an empty reply is refused and re-shown")
    func replyAndHold() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WebPagesTests.world(client)
            try await world.upload(WorkflowWorld.rows(1, prefix: "R", petition: true))
            let id = try await world.caseID("R-1")
            _ = try await CaseQueue.claimNext(unit: nil, stage: .triage, by: try await world.principal("pros.jz"), address: "t", using: client)
            let deadline = try await client.query("SELECT id FROM case_deadlines WHERE case_id = \(id) AND kind = 'procedural_reply'")[0]
                .decode(Int64.self, at: 0)
            try await ServerHarness.application(client: client).test(.router) { http in
                let session = try await WebClient.signIn(http, "pros.jz", WebPagesTests.password)
                let empty = try await WebClient.post(http, "/app/cases/\(id)/reply", ["deadline_id": String(deadline), "note": " ", "csrf_token": session.csrf],
                                                     cookie: session.cookie)
                #expect(empty.status == .unprocessableContent)
                #expect(String(buffer: empty.body).contains("请填写答复内容"))
                let replied = try await WebClient.post(http, "/app/cases/\(id)/reply", ["deadline_id": String(deadline), "note": "已电话告知企业受理情况。",
                                                                                       "csrf_token": session.csrf], cookie: session.cookie)
                #expect(replied.status == .seeOther)
                let closed = try await client.query("SELECT closed_on IS NOT NULL FROM case_deadlines WHERE id = \(deadline)")[0].decode(Bool.self, at: 0)
                #expect(closed)
                let held = try await WebClient.post(http, "/app/cases/\(id)/hold", ["reason": "等待企业补充材料", "csrf_token": session.csrf],
                                                    cookie: session.cookie)
                #expect(held.status == .seeOther)
                let page = try await WebClient.page(http, "/app/cases/\(id)", session)
                #expect(page.contains("恢复办理（中止原因：等待企业补充材料）"))
            }
        }
    }
}
