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

/// The case page over HTTP: refused stage changes re-shown, where a case went after a stage
/// change, what each stage change recorded, the 信访条例 extension, and renewing a claim.
@Suite("web pages: the case page")
struct CasePageTests {
    static var password: String { WebPagesTests.password }
    static func world(_ client: PostgresClient) async throws -> WorkflowWorld { try await WebPagesTests.world(client) }

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
                let page = try await WebClient.page(http, "/app/cases/\(id)", session)
                #expect(page.contains("案件在锦州市人民检察院的“评估”队列中等待领取"), "not a bare 'nothing to do'")
                #expect(page.contains("<a href=\"/app/queues\">工作队列</a>"))
                let closed = try await WebClient.page(http, "/app/cases/\(other)", session)
                #expect(closed.contains("<p>案件已办结。</p>"))
            }
        }
    }

    @Test("the timeline shows what each stage change recorded; a reply form names a provisional due date")
    func recordedDetails() async throws {
        try await TestDatabase.withClient { client in
            let world = try await Self.world(client)
            let id = try await world.caseInReview("E", risk: "高", merits: "处罚<b>畸重</b>，诉求有理", regulationTrack: true)
            try await client.query("UPDATE case_deadlines SET provisional = (kind = 'result_reply') WHERE case_id = \(id)")
            try await ServerHarness.application(client: client).test(.router) { http in
                let session = try await WebClient.signIn(http, "leader.jz", Self.password)
                let page = try await WebClient.page(http, "/app/cases/\(id)", session)
                #expect(page.contains("<dt>风险等级</dt><dd>高</dd>"), "the evaluation's findings are on the page, not only in the API")
                let accepted = try await client.query("SELECT accepted_on FROM cases WHERE id = \(id)")[0].decode(CalendarDate.self, at: 0)
                #expect(page.contains("<dt>受理日期</dt><dd id=\"accepted-on\">\(accepted)（答复期限自此计算）</dd>"), "the day the reply deadlines count from")
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
            let id = try await world.caseInReview("X", regulationTrack: true)
            let (deadline, due) = try await client.query("""
                SELECT id, due_on FROM case_deadlines WHERE case_id = \(id) AND kind = 'regulation_handling'
                """)[0].decode((Int64, CalendarDate).self)
            try await ServerHarness.application(client: client).test(.router) { http in
                let prosecutor = try await WebClient.signIn(http, "pros.jz", Self.password)
                let seen = try await WebClient.page(http, "/app/cases/\(id)", prosecutor)
                #expect(!seen.contains("可延长一次 30 日"))
                let session = try await WebClient.signIn(http, "leader.jz", Self.password)
                let page = try await WebClient.page(http, "/app/cases/\(id)", session)
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
                let after = try await WebClient.page(http, "/app/cases/\(id)", session)
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
                let page = try await WebClient.page(http, "/app/cases/\(id)", session)
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

}
