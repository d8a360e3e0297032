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
                let claimed = try await WebClient.page(http, try #require(good.headers[.location]), session)
                #expect(claimed.contains("已领取案件 C-1。"), "the notice names the case by its number")
                let released = try await WebClient.post(http, "/app/cases/\(try await world.caseID("C-1"))/release", ["csrf_token": session.csrf],
                                                        cookie: session.cookie)
                #expect(released.status == .seeOther)
                #expect(try await world.state(try await world.caseID("C-1")).assignee == nil, "released")
                let queues = try await WebClient.page(http, try #require(released.headers[.location]), session)
                #expect(queues.contains("已退回案件 C-1，其他人可以领取。"))
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
                let masked = try await WebClient.page(http, "/app/cases/\(id)", leader)
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
            let world = try await Self.world(client)
            try await ServerHarness.application(client: client).test(.router) { http in
                let session = try await WebClient.signIn(http, "uploader.a", Self.password)
                // The upload form offers the blank handover form, and the link works with the page's session.
                let form = try await WebClient.page(http, "/app/batches", session)
                #expect(form.contains("<a href=\"/api/v1/batches/template?format=xlsx\" download>"), "\(form)")
                let template = try await http.execute(uri: "/api/v1/batches/template?format=xlsx", method: .get, headers: [.cookie: session.cookie])
                #expect(template.status == .ok && template.headers[.contentDisposition] == "attachment; filename=\"handover-template.xlsx\"")
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
                let page = try await WebClient.page(http, location, session)
                #expect(page.contains("<dd id=\"count-total\">3</dd>") && page.contains("<dd id=\"count-rejected\">1</dd>"))
                #expect(page.contains("credit_code.checksum"))
                #expect(page.contains("批次已保存"))
                let batchPath = String(location.split(separator: "?")[0])
                #expect(page.contains("<p id=\"rejected-rows\">下载被拒绝的 1 行：<a href=\"/api/v1\(batchPath.dropFirst(4))/rejected\" download>"),
                        "the rejected row, to fix and upload again")
                // When, by whom and which file: what a partner checks before asking whether it arrived.
                let uploader = try #require(world.identity.users["uploader.a"]?.displayName)
                let digest = try await client.query("SELECT encode(sha256(\(Data(file))), 'hex')")[0].decode(String.self, at: 0)
                #expect(page.contains("<a id=\"signed-in\" href=\"/app/account\" title=\"账号与密码\">\(uploader)（uploader.a）</a>"), "the page greets the person by name")
                #expect(page.contains("<dd>辽宁省工商业联合会（LNFIC）</dd>"), "the partner by name and code")
                #expect(page.contains("<dd id=\"uploader\">\(uploader)</dd>") && page.contains("<code>\(digest)</code>"), "\(page)")
                #expect(page.contains("<dd id=\"received-at\">\(ShanghaiTime.minute(Date()).prefix(10))"), "received today, Beijing time")
                // A second, clean batch: the list pages and sorts on the server.
                _ = try await WebClient.upload(http, session, file: BatchSamples.csv(WorkflowWorld.rows(1, prefix: "Z", petition: false)), fields: [:])
                func firstBatch(_ sort: String) async throws -> String {
                    let list = try await WebClient.page(http, "/app/batches?sort=\(sort)", session)
                    return String(list.split(separator: "<tbody>")[1].split(separator: "</td>")[0])
                }
                #expect(try await WebClient.page(http, "/app/batches", session).contains("<td>\(uploader)</td>"), "the list names the uploader")
                let (newest, rejected) = (try await firstBatch("newest"), try await firstBatch("rejected"))
                #expect(newest != rejected && rejected.contains("/app/batches/" + String(location.split(separator: "?")[0].split(separator: "/").last ?? "") + "\""),
                        "newest first by default; the batch with rejected rows first when asked")
            }
        }
    }
}
