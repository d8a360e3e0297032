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

/// The web pages over HTTP (the browser test in ops/e2e drives the same pages in Chromium):
/// sessions and redirects, CSRF, security headers, escaping, forms re-shown with the user's
/// input, scope as 404 pages, the partner upload form, the audited look at personal data.
@Suite("web pages")
struct WebPagesTests {
    static let password = "网页测试 password 2026"

    /// A world whose users can sign in with `password`.
    static func world(_ client: PostgresClient) async throws -> WorkflowWorld {
        WorkflowWorld(client: client, identity: try await IdentityFixture.make(client: client, passwordHash: Bcrypt.hash(password, cost: 4)))
    }

    @Test("a page without a session leads to the login page and back; a failed login says so; `next` stays on this site")
    func loginFlow() async throws {
        try await TestDatabase.withClient { client in
            _ = try await Self.world(client)
            try await ServerHarness.application(client: client).test(.router) { http in
                let anonymous = try await http.execute(uri: "/app/queues?stage=triage", method: .get)
                #expect(anonymous.status == .seeOther)
                #expect(anonymous.headers[.location] == "/login?next=/app/queues%3Fstage%3Dtriage")
                let failed = try await WebClient.post(http, "/login", ["login": "pros.jz", "password": "wrong"])
                #expect(failed.status == .unauthorized)
                #expect(String(buffer: failed.body).contains("用户名或密码错误"))
                #expect(String(buffer: failed.body).contains("value=\"pros.jz\""), "the login is kept in the form")
                let ok = try await WebClient.post(http, "/login", ["login": "pros.jz", "password": Self.password, "next": "/app/cases?mine=1"])
                #expect(ok.status == .seeOther && ok.headers[.location] == "/app/cases?mine=1")
                #expect(ok.headers[.setCookie]?.contains("HttpOnly") == true)
                let elsewhere = try await WebClient.post(http, "/login", ["login": "pros.jz", "password": Self.password, "next": "//evil.example/app"])
                #expect(elsewhere.headers[.location] == "/app")
            }
        }
    }

    @Test("pages carry the security headers and escape what users wrote")
    func headersAndEscaping() async throws {
        try await TestDatabase.withClient { client in
            let world = try await Self.world(client)
            try await world.upload(WorkflowWorld.rows(1, prefix: "X", petition: true, claimSuffix: "<script>alert(1)</script>"))
            let id = try await world.caseID("X-1")
            try await ServerHarness.application(client: client).test(.router) { http in
                let session = try await WebClient.signIn(http, "leader.jz", Self.password)
                let page = try await http.execute(uri: "/app/cases/\(id)", method: .get, headers: [.cookie: session.cookie])
                #expect(page.status == .ok)
                let csp = try #require(page.headers[.contentSecurityPolicy])
                #expect(csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'none'") && !csp.contains("unsafe-inline"))
                #expect(page.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                #expect(page.headers[HTTPField.Name("Referrer-Policy")!] == "same-origin")
                let html = String(buffer: page.body)
                #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
                #expect(!html.contains("<script>"))
            }
        }
    }

    @Test("a form without the session's CSRF token is refused; with it, it goes through and redirects")
    func csrf() async throws {
        try await TestDatabase.withClient { client in
            let world = try await Self.world(client)
            try await world.upload(WorkflowWorld.rows(1, prefix: "C", petition: true))
            try await ServerHarness.application(client: client).test(.router) { http in
                let session = try await WebClient.signIn(http, "pros.jz", Self.password)
                let missing = try await WebClient.post(http, "/app/queues/claim", ["stage": "triage"], cookie: session.cookie)
                #expect(missing.status == .forbidden)
                let other = try await WebClient.post(http, "/app/queues/claim", ["stage": "triage", "csrf_token": "not-it"], cookie: session.cookie)
                #expect(other.status == .forbidden)
                #expect(try await world.state(try await world.caseID("C-1")).assignee == nil, "nothing was claimed")
                let good = try await WebClient.post(http, "/app/queues/claim", ["stage": "triage", "csrf_token": session.csrf], cookie: session.cookie)
                #expect(good.status == .seeOther)
                #expect(good.headers[.location]?.hasPrefix("/app/cases/\(try await world.caseID("C-1"))") == true)
            }
        }
    }

    @Test("a refused stage change re-shows its form with what the user typed and the field's message")
    func validationReShown() async throws {
        try await TestDatabase.withClient { client in
            let world = try await Self.world(client)
            try await world.upload(WorkflowWorld.rows(1, prefix: "V", petition: true))
            let id = try await world.caseID("V-1")
            let leader = try await world.principal("leader.jz")
            _ = try await CaseTransitions.perform(caseID: id, TransitionRequest(to: .evaluation), by: leader, address: "t", using: client)
            try await ServerHarness.application(client: client).test(.router) { http in
                let session = try await WebClient.signIn(http, "leader.jz", Self.password)
                let refused = try await WebClient.post(http, "/app/cases/\(id)/transition",
                                                       ["to": "review", "risk_level": "中", "merits": " ", "jurisdiction": "本院管辖",
                                                        "csrf_token": session.csrf], cookie: session.cookie)
                #expect(refused.status == .unprocessableContent)
                let html = String(buffer: refused.body)
                #expect(html.contains("请填写诉求是否有理的评估意见"))
                #expect(html.contains("value=\"本院管辖\""), "the user's input is kept")
                #expect(html.contains("<option selected>中</option>"))
                #expect(html.contains("name=\"merits\" rows=\"3\" required aria-invalid=\"true\""))
                #expect(try await world.state(id).stage == "evaluation")
            }
        }
    }

    @Test("after a stage change the last holder is told where the case went; a closed case says so")
    func whereTheCaseWent() async throws {
        try await TestDatabase.withClient { client in
            let world = try await Self.world(client)
            try await world.upload(WorkflowWorld.rows(1, prefix: "N", petition: true) + WorkflowWorld.rows(1, prefix: "M", petition: false))
            let (id, other) = (try await world.caseID("N-1"), try await world.caseID("M-1"))
            let leader = try await world.principal("leader.jz")
            var referral = TransitionRequest(to: .referred)
            referral.referredTo = "锦州市市场监督管理局"
            _ = try await CaseTransitions.perform(caseID: other, referral, by: leader, address: "t", using: client)
            var closing = TransitionRequest(to: .closed)
            closing.reply = "已转市场监管部门处理并告知企业。"
            _ = try await CaseTransitions.perform(caseID: other, closing, by: leader, address: "t", using: client)
            _ = try await CaseQueue.claimNext(unit: nil, stage: .triage, by: try await world.principal("pros.jz"), address: "t", using: client)
            try await ServerHarness.application(client: client).test(.router) { http in
                let session = try await WebClient.signIn(http, "pros.jz", Self.password)
                let moved = try await WebClient.post(http, "/app/cases/\(id)/transition", ["to": "evaluation", "csrf_token": session.csrf],
                                                     cookie: session.cookie)
                #expect(moved.status == .seeOther)
                let page = String(buffer: try await http.execute(uri: "/app/cases/\(id)", method: .get, headers: [.cookie: session.cookie]).body)
                #expect(page.contains("案件在锦州市人民检察院的“评估”队列中等待领取"), "not a bare 'nothing to do'")
                #expect(page.contains("<a href=\"/app/queues\">工作队列</a>"))
                let closed = String(buffer: try await http.execute(uri: "/app/cases/\(other)", method: .get, headers: [.cookie: session.cookie]).body)
                #expect(closed.contains("<p>案件已办结。</p>"))
            }
        }
    }

    @Test("the timeline shows what each stage change recorded; a reply form names a provisional due date")
    func recordedDetails() async throws {
        try await TestDatabase.withClient { client in
            let world = try await Self.world(client)
            try await world.upload(WorkflowWorld.rows(1, prefix: "E", petition: true))
            let id = try await world.caseID("E-1")
            let leader = try await world.principal("leader.jz")
            _ = try await CaseTransitions.perform(caseID: id, TransitionRequest(to: .evaluation), by: leader, address: "t", using: client)
            var evaluated = TransitionRequest(to: .review)
            (evaluated.riskLevel, evaluated.merits, evaluated.jurisdiction, evaluated.regulationTrack) = ("高", "处罚<b>畸重</b>，诉求有理", "本院管辖", true)
            _ = try await CaseTransitions.perform(caseID: id, evaluated, by: leader, address: "t", using: client)
            try await client.query("UPDATE case_deadlines SET provisional = (kind = 'result_reply') WHERE case_id = \(id)")
            try await ServerHarness.application(client: client).test(.router) { http in
                let session = try await WebClient.signIn(http, "leader.jz", Self.password)
                let page = String(buffer: try await http.execute(uri: "/app/cases/\(id)", method: .get, headers: [.cookie: session.cookie]).body)
                #expect(page.contains("<dt>风险等级</dt><dd>高</dd>"), "the evaluation's findings are on the page, not only in the API")
                #expect(page.contains("<dt>评估意见</dt><dd>处罚&lt;b&gt;畸重&lt;/b&gt;，诉求有理</dd>"))
                #expect(page.contains("<dt>管辖意见</dt><dd>本院管辖</dd><dt>走《信访工作条例》程序</dt><dd>是</dd>"))
                #expect(page.contains("到期，暂定）</summary>") && page.contains("（7日）（"), "only the provisional reply says so")
            }
        }
    }

    @Test("a leader approves the one 信访条例 extension on the case page, with a reason; a prosecutor has no such form")
    func regulationExtension() async throws {
        try await TestDatabase.withClient { client in
            let world = try await Self.world(client)
            try await world.upload(WorkflowWorld.rows(1, prefix: "X", petition: true))
            let id = try await world.caseID("X-1")
            let leader = try await world.principal("leader.jz")
            _ = try await CaseTransitions.perform(caseID: id, TransitionRequest(to: .evaluation), by: leader, address: "t", using: client)
            var evaluated = TransitionRequest(to: .review)
            (evaluated.riskLevel, evaluated.merits, evaluated.jurisdiction, evaluated.regulationTrack) = ("中", "有理", "本院管辖", true)
            _ = try await CaseTransitions.perform(caseID: id, evaluated, by: leader, address: "t", using: client)
            let (deadline, due) = try await client.query("""
                SELECT id, due_on FROM case_deadlines WHERE case_id = \(id) AND kind = 'regulation_handling'
                """)[0].decode((Int64, CalendarDate).self)
            try await ServerHarness.application(client: client).test(.router) { http in
                let prosecutor = try await WebClient.signIn(http, "pros.jz", Self.password)
                let seen = String(buffer: try await http.execute(uri: "/app/cases/\(id)", method: .get, headers: [.cookie: prosecutor.cookie]).body)
                #expect(!seen.contains("可延长一次 30 日"))
                let session = try await WebClient.signIn(http, "leader.jz", Self.password)
                let page = String(buffer: try await http.execute(uri: "/app/cases/\(id)", method: .get, headers: [.cookie: session.cookie]).body)
                #expect(page.contains("延长信访条例办理期限（60日）（\(due) 到期，可延长一次 30 日）"))
                let refused = try await WebClient.post(http, "/app/cases/\(id)/extend", ["deadline_id": String(deadline), "reason": " ", "csrf_token": session.csrf],
                                                       cookie: session.cookie)
                #expect(refused.status == .unprocessableContent && String(buffer: refused.body).contains("延期须填写理由"))
                let done = try await WebClient.post(http, "/app/cases/\(id)/extend",
                                                    ["deadline_id": String(deadline), "reason": "企业补充材料需时，经审批延期", "csrf_token": session.csrf],
                                                    cookie: session.cookie)
                #expect(done.status == .seeOther)
                let (extended, moved) = try await client.query("SELECT extended_days, due_on FROM case_deadlines WHERE id = \(deadline)")[0]
                    .decode((Int, CalendarDate).self)
                #expect(extended == 30 && moved > due)
                let after = String(buffer: try await http.execute(uri: "/app/cases/\(id)", method: .get, headers: [.cookie: session.cookie]).body)
                #expect(!after.contains("可延长一次 30 日") && after.contains("延长期限：企业补充材料需时，经审批延期"), "used once, then on the timeline")
            }
        }
    }

    @Test("the holder sees until when the claim lasts and renews it while reading; once it is gone, renewing says so")
    func renewClaim() async throws {
        try await TestDatabase.withClient { client in
            let world = try await Self.world(client)
            try await world.upload(WorkflowWorld.rows(1, prefix: "L", petition: true))
            let id = try await world.caseID("L-1")
            _ = try await CaseQueue.claimNext(unit: nil, stage: .triage, by: try await world.principal("pros.jz"), address: "t", using: client)
            try await client.query("UPDATE cases SET lease_until = now() + interval '1 minute' WHERE id = \(id)")
            try await ServerHarness.application(client: client).test(.router) { http in
                let session = try await WebClient.signIn(http, "pros.jz", Self.password)
                let page = String(buffer: try await http.execute(uri: "/app/cases/\(id)", method: .get, headers: [.cookie: session.cookie]).body)
                #expect(page.contains("领取有效至 ") && page.contains("action=\"/app/cases/\(id)/renew\""))
                let renewed = try await WebClient.post(http, "/app/cases/\(id)/renew", ["csrf_token": session.csrf], cookie: session.cookie)
                #expect(renewed.status == .seeOther)
                let minutes = try await client.query("""
                    SELECT extract(epoch FROM lease_until - now()) / 60 FROM cases WHERE id = \(id)
                    """)[0].decode(Double.self, at: 0)
                #expect(minutes > 25, "renewed to the configured 30 minutes, not the minute left: \(minutes)")
                try await client.query("UPDATE cases SET assignee_id = NULL, lease_until = NULL WHERE id = \(id)")
                let gone = try await WebClient.post(http, "/app/cases/\(id)/renew", ["csrf_token": session.csrf], cookie: session.cookie)
                #expect(gone.status == .unprocessableContent && String(buffer: gone.body).contains("您已不再持有该案件"), "re-shown like every refused form")
            }
        }
    }

    @Test("the weekly page refuses a week that has not begun, saying which week it is now")
    func weeklyPageFutureWeek() async throws {
        try await TestDatabase.withClient { client in
            _ = try await Self.world(client)
            try await ServerHarness.application(client: client).test(.router) { http in
                let session = try await WebClient.signIn(http, "leader.jz", Self.password)
                let current = ISOWeek(containing: CalendarDate.today())
                let future = try await http.execute(uri: "/app/reports/weekly?week=\(current.adding(weeks: 1))", method: .get,
                                                    headers: [.cookie: session.cookie])
                #expect(future.status == .unprocessableContent)
                #expect(String(buffer: future.body).contains("尚未开始（本周是 \(current)）"))
                let now = try await http.execute(uri: "/app/reports/weekly?week=\(current)", method: .get, headers: [.cookie: session.cookie])
                #expect(now.status == .ok && String(buffer: now.body).contains("/api/v1/reports/weekly/\(current)?format=html"))
            }
        }
    }

    @Test("a case outside the user's scope is a 404 page, like a missing one; the look at personal data is audited")
    func scopeAndPersonalData() async throws {
        try await TestDatabase.withClient { client in
            let world = try await Self.world(client)
            try await world.upload(WorkflowWorld.rows(1, prefix: "S", petition: true))
            let id = try await world.caseID("S-1")
            try await ServerHarness.application(client: client).test(.router) { http in
                let other = try await WebClient.signIn(http, "pros.sy", Self.password)
                for uri in ["/app/cases/\(id)", "/app/cases/999999"] {
                    let page = try await http.execute(uri: uri, method: .get, headers: [.cookie: other.cookie])
                    #expect(page.status == .notFound)
                    #expect(String(buffer: page.body).contains("页面不存在，或您无权查看"))
                }
                let leader = try await WebClient.signIn(http, "leader.jz", Self.password)
                let masked = String(buffer: try await http.execute(uri: "/app/cases/\(id)", method: .get, headers: [.cookie: leader.cookie]).body)
                #expect(!masked.contains("11010519491231002X") && masked.contains("110105********002X"))
                let shown = try await WebClient.post(http, "/app/cases/\(id)/personal-data", ["csrf_token": leader.csrf], cookie: leader.cookie)
                #expect(String(buffer: shown.body).contains("11010519491231002X"))
                let audited = try await client.query("""
                    SELECT count(*) FROM audit_events WHERE action = 'case.personal_data_viewed' AND entity_id = \(String(id))
                    """)[0].decode(Int.self, at: 0)
                #expect(audited == 1)
            }
        }
    }

    @Test("a partner uploads through the form: counts and rejected rows; a bad batch number re-shows the form")
    func partnerUpload() async throws {
        try await TestDatabase.withClient { client in
            _ = try await Self.world(client)
            try await ServerHarness.application(client: client).test(.router) { http in
                let session = try await WebClient.signIn(http, "uploader.a", Self.password)
                var rows = WorkflowWorld.rows(2, prefix: "U", petition: false)
                rows.append(rows[0].replacingOccurrences(of: "U-1,", with: "U-3,").replacingOccurrences(of: "91210231550644863P", with: "91210231550644863X"))
                let file = BatchSamples.csv(rows)
                let bad = try await WebClient.upload(http, session, file: file, fields: ["batch_no": "第三批"])
                #expect(bad.status == .unprocessableContent)
                #expect(String(buffer: bad.body).contains("value=\"第三批\""))
                // 试运行: the same counts and the rejected row's problem on the answer page itself
                // (there is no stored batch to list it from; it said "没有问题行" before).
                let dry = try await WebClient.upload(http, session, file: file, fields: ["batch_no": "3", "dry_run": "1"])
                let dryPage = String(buffer: dry.body)
                #expect(dry.status == .ok && dryPage.contains("试运行完成"))
                #expect(dryPage.contains("<dd id=\"count-rejected\">1</dd>") && dryPage.contains("credit_code.checksum"), "\(dryPage)")
                #expect(!dryPage.contains("没有问题行"))
                let posted = try await WebClient.upload(http, session, file: file, fields: ["batch_no": "3"])
                #expect(posted.status == .seeOther)
                let location = try #require(posted.headers[.location])
                let page = String(buffer: try await http.execute(uri: location, method: .get, headers: [.cookie: session.cookie]).body)
                #expect(page.contains("<dd id=\"count-total\">3</dd>") && page.contains("<dd id=\"count-rejected\">1</dd>"))
                #expect(page.contains("credit_code.checksum"))
                #expect(page.contains("批次已保存"))
                // A second, clean batch: the list pages and sorts on the server.
                _ = try await WebClient.upload(http, session, file: BatchSamples.csv(WorkflowWorld.rows(1, prefix: "Z", petition: false)), fields: [:])
                func firstBatch(_ sort: String) async throws -> String {
                    let list = String(buffer: try await http.execute(uri: "/app/batches?sort=\(sort)", method: .get, headers: [.cookie: session.cookie]).body)
                    return String(list.split(separator: "<tbody>")[1].split(separator: "</td>")[0])
                }
                let (newest, rejected) = (try await firstBatch("newest"), try await firstBatch("rejected"))
                #expect(newest != rejected && rejected.contains("/app/batches/" + String(location.split(separator: "?")[0].split(separator: "/").last ?? "") + "\""),
                        "newest first by default; the batch with rejected rows first when asked")
            }
        }
    }
}

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
                let page = String(buffer: try await http.execute(uri: "/app/cases/\(a1)", method: .get, headers: [.cookie: leader.cookie]).body)
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
                let page = String(buffer: try await http.execute(uri: "/app/cases/\(id)", method: .get, headers: [.cookie: session.cookie]).body)
                #expect(page.contains("恢复办理（中止原因：等待企业补充材料）"))
            }
        }
    }
}

@Suite("web pages: supervision clues")
struct CluePagesTests {
    @Test("a clue found in review is transferred, then its result recorded, through the case page's forms")
    func clueForms() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WebPagesTests.world(client)
            try await world.upload(WorkflowWorld.rows(1, prefix: "K", petition: true))
            let id = try await world.caseID("K-1")
            let leader = try await world.principal("leader.jz")
            _ = try await CaseTransitions.perform(caseID: id, TransitionRequest(to: .evaluation), by: leader, address: "t", using: client)
            var evaluation = TransitionRequest(to: .review)
            (evaluation.riskLevel, evaluation.merits, evaluation.jurisdiction) = ("中", "有理", "本院")
            _ = try await CaseTransitions.perform(caseID: id, evaluation, by: leader, address: "t", using: client)
            var review = TransitionRequest(to: .followUp)
            (review.grade, review.clues) = ("合格", ["某局超期未答复"])
            _ = try await CaseTransitions.perform(caseID: id, review, by: leader, address: "t", using: client)
            let clue = try await client.query("SELECT id FROM supervision_clues WHERE case_id = \(id)")[0].decode(Int64.self, at: 0)
            try await ServerHarness.application(client: client).test(.router) { http in
                let session = try await WebClient.signIn(http, "leader.jz", WebPagesTests.password)
                func page() async throws -> String {
                    String(buffer: try await http.execute(uri: "/app/cases/\(id)", method: .get, headers: [.cookie: session.cookie]).body)
                }
                // Found is not transferred: the words match the weekly summary's 新发现 / 已移送 / 有结果.
                let found = try await page()
                #expect(found.contains("发现监督线索：某局超期未答复") && found.contains("<li>某局超期未答复（待移送）</li>"))
                #expect(!found.contains("移送监督线索"))
                #expect(!found.contains("记录线索</button>"), "clues are noted in review; this case is in follow-up")
                let transferred = try await WebClient.post(http, "/app/cases/\(id)/clues/\(clue)/transfer",
                                                           ["department": "行政检察部", "csrf_token": session.csrf], cookie: session.cookie)
                #expect(transferred.status == .seeOther)
                let result = try await WebClient.post(http, "/app/cases/\(id)/clues/\(clue)/result",
                                                      ["result": "立案", "csrf_token": session.csrf], cookie: session.cookie)
                #expect(result.status == .seeOther)
                let (department, outcome) = try await client.query("SELECT department, result FROM supervision_clues WHERE id = \(clue)")[0]
                    .decode((String?, String?).self)
                #expect(department == "行政检察部" && outcome == "立案")
                let done = try await page()
                #expect(done.contains("移送监督线索") && done.contains("线索办理结果") && done.contains("<li>某局超期未答复（已反馈结果）</li>"))
            }
        }
    }
}

extension CluePagesTests {
    @Test("in review a clue is noted as soon as it is found, before the review is finished")
    func clueNotedInReview() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WebPagesTests.world(client)
            try await world.upload(WorkflowWorld.rows(1, prefix: "Q", petition: true))
            let id = try await world.caseID("Q-1")
            let leader = try await world.principal("leader.jz")
            _ = try await CaseTransitions.perform(caseID: id, TransitionRequest(to: .evaluation), by: leader, address: "t", using: client)
            var evaluation = TransitionRequest(to: .review)
            (evaluation.riskLevel, evaluation.merits, evaluation.jurisdiction) = ("中", "有理", "本院")
            _ = try await CaseTransitions.perform(caseID: id, evaluation, by: leader, address: "t", using: client)
            try await ServerHarness.application(client: client).test(.router) { http in
                let session = try await WebClient.signIn(http, "leader.jz", WebPagesTests.password)
                let empty = try await WebClient.post(http, "/app/cases/\(id)/clues", ["summary": " ", "csrf_token": session.csrf], cookie: session.cookie)
                #expect(empty.status == .unprocessableContent && String(buffer: empty.body).contains("请填写线索内容"))
                let noted = try await WebClient.post(http, "/app/cases/\(id)/clues", ["summary": "某局未依法送达处罚决定书", "csrf_token": session.csrf],
                                                     cookie: session.cookie)
                #expect(noted.status == .seeOther)
                let page = String(buffer: try await http.execute(uri: "/app/cases/\(id)", method: .get, headers: [.cookie: session.cookie]).body)
                #expect(page.contains("发现监督线索：某局未依法送达处罚决定书") && page.contains("<li>某局未依法送达处罚决定书（待移送）</li>"))
                #expect(page.contains("记录线索</button>"), "more may follow while the review goes on")
                #expect(try await world.state(id).stage == "review")
            }
        }
    }
}

@Suite("web pages: administration")
struct AdminPagesTests {
    @Test("an admin adds a partner (its key shown once) and users, changes roles; a refused user is re-shown; others get 404")
    func administration() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WebPagesTests.world(client)
            try await ServerHarness.application(client: client).test(.router) { http in
                let pros = try await WebClient.signIn(http, "pros.jz", WebPagesTests.password)
                #expect(try await http.execute(uri: "/app/admin/users", method: .get, headers: [.cookie: pros.cookie]).status == .notFound)
                let admin = try await WebClient.signIn(http, "admin", WebPagesTests.password)
                let added = try await WebClient.post(http, "/app/admin/partners", ["code": "DLCHAMBER", "name": "大连市总商会", "csrf_token": admin.csrf],
                                                     cookie: admin.cookie)
                let page = String(buffer: added.body)
                #expect(page.contains("大连市总商会") && page.contains("<code id=\"new-key\">huqi_"))
                let key = String(page.split(separator: "<code id=\"new-key\">")[1].split(separator: "<")[0])
                let secret = String(key.split(separator: "_").last ?? "")
                let stored = try await client.query("SELECT count(*) FROM api_keys k WHERE position(\(secret) in k::text) > 0")[0].decode(Int.self, at: 0)
                #expect(!secret.isEmpty && stored == 0, "the key's secret is not stored")
                let partner = try await APIKeyRepository(client: client).authenticate(key)
                #expect(partner.partnerID != nil, "the shown key works")

                let short = try await WebClient.post(http, "/app/admin/users", ["login": "pros.new", "name": "新检察官", "unit": "210781", "role": "prosecutor",
                                                                               "password": "short", "csrf_token": admin.csrf], cookie: admin.cookie)
                #expect(short.status == .unprocessableContent)
                #expect(String(buffer: short.body).contains("value=\"pros.new\"") && String(buffer: short.body).contains("value=\"prosecutor\" checked"))
                let ok = try await WebClient.post(http, "/app/admin/users", ["login": "pros.new", "name": "新检察官", "unit": "210781", "role": "prosecutor",
                                                                            "password": "a-long-enough-password", "csrf_token": admin.csrf], cookie: admin.cookie)
                #expect(ok.status == .seeOther)
                _ = try await WebClient.post(http, "/app/admin/users/pros.new/roles", ["role": "leader", "csrf_token": admin.csrf], cookie: admin.cookie)
                let roles = try await client.query("""
                    SELECT string_agg(r.role, ',') FROM user_roles r JOIN users u ON u.id = r.user_id WHERE u.login = 'pros.new'
                    """)[0].decode(String.self, at: 0)
                #expect(roles == "leader")
                _ = world
            }
        }
    }
}
