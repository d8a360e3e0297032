import Domain
import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Postgres
import Server
import Store
import Testing
import TestSupport

/// Passwords as people meet them: the 账号 page, where everyone replaces the initial password an
/// administrator gave them, and the administrator's reset for someone who forgot theirs.
@Suite("web pages: account and passwords")
struct AccountPagesTests {
    static let newPassword = "Jinzhou-autumn-2026"

    func signedOut(_ http: any TestClientProtocol, _ session: WebClient.Session) async throws -> Bool {
        let response = try await http.execute(uri: "/app/account", method: .get, headers: [.cookie: session.cookie])
        return response.status == .seeOther && response.headers[.location]?.hasPrefix("/login") == true
    }

    func audited(_ client: PostgresClient, _ action: String) async throws -> [String] {
        try await client.query("""
            SELECT entity_id || ' ' || coalesce(summary ->> 'sessions_ended', '') FROM audit_events WHERE action = \(action) ORDER BY id
            """).map { try $0.decode(String.self, at: 0) }
    }

    @Test("a person replaces the initial password: wrong, mismatched, short or unchanged passwords are refused; then only the new one signs in, other sessions end, this one stays")
    func changeOwnPassword() async throws {
        try await TestDatabase.withClient { client in
            _ = try await WebPagesTests.world(client)
            try await client.query("UPDATE users SET password_is_initial = true WHERE login = 'pros.jz'")  // as an administrator gave it
            try await ServerHarness.application(client: client).test(.router) { http in
                let here = try await WebClient.signIn(http, "pros.jz", WebPagesTests.password)
                let elsewhere = try await WebClient.signIn(http, "pros.jz", WebPagesTests.password)
                let page = try await WebClient.page(http, "/app/account", here)
                #expect(page.contains("id=\"initial-password\""), "an administrator set this password: every page asks to replace it")
                #expect(page.contains("管理员设置的初始密码") && page.contains("<dd>锦州市人民检察院</dd>") && page.contains("<dd>承办检察官</dd>"), "\(page)")
                #expect(page.contains("<nav aria-label=\"主导航\"></nav>") && page.contains("id=\"signed-in\""), "no menu to lead elsewhere; the name and 退出 stay")
                // Until it is replaced, the 账号 page is all a session opens: pages lead back to it,
                // the API answers who one is and nothing else.
                let queues = try await http.execute(uri: "/app/queues", method: .get, headers: [.cookie: here.cookie])
                #expect(queues.status == .seeOther && queues.headers[.location] == "/app/account?next=/app/queues")
                let claim = try await WebClient.post(http, "/app/queues/claim", ["stage": "triage", "csrf_token": here.csrf], cookie: here.cookie)
                #expect(claim.status == .seeOther && claim.headers[.location] == "/app/account", "a form elsewhere does nothing")
                let api = try await http.execute(uri: "/api/v1/cases", method: .get, headers: [.cookie: here.cookie])
                #expect(api.status == .forbidden && String(buffer: api.body).contains("identity.password_initial"), "\(String(buffer: api.body))")
                #expect(try await http.execute(uri: "/api/v1/me", method: .get, headers: [.cookie: here.cookie]).status == .ok)
                let uploader = try await WebClient.page(http, "/app/account", try await WebClient.signIn(http, "uploader.a", WebPagesTests.password))
                #expect(uploader.contains("<dt>单位</dt><dd>辽宁省工商业联合会</dd>"), "a partner's person belongs to the partner")

                func change(_ current: String, _ new: String, _ repeated: String? = nil, csrf: String? = nil) async throws -> TestResponse {
                    try await WebClient.post(http, "/app/account/password",
                                             ["current_password": current, "new_password": new, "repeat_password": repeated ?? new,
                                              "csrf_token": csrf ?? here.csrf], cookie: here.cookie)
                }
                #expect(try await change(WebPagesTests.password, Self.newPassword, csrf: "forged").status == .forbidden)
                let refusals: [(TestResponse, String)] = [
                    (try await change("not my password", Self.newPassword), "当前密码不正确。"),
                    (try await change(WebPagesTests.password, Self.newPassword, "Jinzhou-autumn-2025"), "两次输入的新密码不一致。"),
                    (try await change(WebPagesTests.password, "short"), "密码至少需要 10 个字符。"),
                    (try await change(WebPagesTests.password, WebPagesTests.password), "新密码不能与当前密码相同。"),
                ]
                for (response, message) in refusals {
                    #expect(response.status == .unprocessableContent && String(buffer: response.body).contains(message), "\(message)")
                }
                let failures = try await client.query("SELECT count(*) FROM login_failures WHERE login = 'pros.jz'")[0].decode(Int.self, at: 0)
                #expect(failures == 1, "only the wrong current password counts as a failed guess")
                _ = try await WebClient.signIn(http, "pros.jz", WebPagesTests.password)  // nothing changed yet

                let changed = try await change(WebPagesTests.password, Self.newPassword)
                #expect(changed.status == .seeOther)
                let cookie = try #require(changed.headers[.setCookie].map { String($0.split(separator: ";")[0]) }, "a new session cookie")
                let renewed = WebClient.Session(cookie: cookie, csrf: "")
                let after = try await WebClient.page(http, try #require(changed.headers[.location]), renewed)
                #expect(after.contains("密码已修改。您在其他地方的 2 个登录已退出。"), "the second browser and the check above")
                #expect(!after.contains("id=\"initial-password\"") && !after.contains("管理员设置的初始密码"))
                #expect(after.contains("<a href=\"/app/queues\">工作队列</a>"), "the menu is back")
                #expect(try await http.execute(uri: "/app/queues", method: .get, headers: [.cookie: renewed.cookie]).status == .ok, "now every page opens")
                #expect(try await http.execute(uri: "/api/v1/cases", method: .get, headers: [.cookie: renewed.cookie]).status == .ok)
                #expect(try await signedOut(http, elsewhere), "whoever knew the old password is signed out")
                #expect(try await signedOut(http, renewed) == false, "the browser that changed it stays signed in")
                #expect(try await signedOut(http, here), "under a new session: a copy of its old cookie no longer works")
                await #expect(throws: (any Error).self) { try await WebClient.signIn(http, "pros.jz", WebPagesTests.password) }
                _ = try await WebClient.signIn(http, "pros.jz", Self.newPassword)
                #expect(try await audited(client, "user.password_change") == ["pros.jz 2"])
                let stored = try await client.query("SELECT password_hash FROM users WHERE login = 'pros.jz'")[0].decode(String.self, at: 0)
                #expect(stored.hasPrefix("$2") && !stored.contains(Self.newPassword))
                let leaked = try await client.query("SELECT count(*) FROM audit_events WHERE summary::text LIKE '%' || \(Self.newPassword) || '%'")
                #expect(try leaked[0].decode(Int.self, at: 0) == 0)
            }
        }
    }

    @Test("guessing the current password on the 账号 page is throttled like a login")
    func guessesThrottled() async throws {
        try await TestDatabase.withClient { client in
            _ = try await WebPagesTests.world(client)
            try await ServerHarness.application(client: client).test(.router) { http in
                let session = try await WebClient.signIn(http, "pros.jz", WebPagesTests.password)
                func change(_ current: String) async throws -> TestResponse {
                    try await WebClient.post(http, "/app/account/password",
                                             ["current_password": current, "new_password": Self.newPassword, "repeat_password": Self.newPassword,
                                              "csrf_token": session.csrf], cookie: session.cookie)
                }
                for guess in 1...5 { #expect(try await change("guess number \(guess)").status == .unprocessableContent) }
                let throttled = try await change(WebPagesTests.password)
                #expect(throttled.status == .tooManyRequests && String(buffer: throttled.body).contains("失败次数过多"))
                #expect(try await audited(client, "user.password_change").isEmpty, "the right password did not get through either")
            }
        }
    }

    @Test("an administrator resets a forgotten password: the person's sessions end, the new one signs in as an initial password; not one's own, not by others")
    func administratorReset() async throws {
        try await TestDatabase.withClient { client in
            _ = try await WebPagesTests.world(client)
            try await client.query("UPDATE users SET password_is_initial = true WHERE login IN ('pros.jz', 'pros.lh')")  // as an administrator gave them
            try await ServerHarness.application(client: client).test(.router) { http in
                let pros = try await WebClient.signIn(http, "pros.jz", WebPagesTests.password)
                _ = try await WebClient.page(http, "/app/account", pros)
                let changed = try await WebClient.post(http, "/app/account/password",
                                                       ["current_password": WebPagesTests.password, "new_password": Self.newPassword,
                                                        "repeat_password": Self.newPassword, "csrf_token": pros.csrf], cookie: pros.cookie)
                #expect(changed.status == .seeOther)
                let prosNow = try await WebClient.session(http, cookie: try #require(changed.headers[.setCookie].map { String($0.split(separator: ";")[0]) }))
                let admin = try await WebClient.signIn(http, "admin", WebPagesTests.password)
                let users = try await WebClient.page(http, "/app/admin/users", admin)
                #expect(users.contains("action=\"/app/admin/users/password\""))
                let rowOf = { (login: String) in users.components(separatedBy: "<tr>").first { $0.contains("<td>\(login)</td>") } ?? "" }
                #expect(!rowOf("pros.jz").contains("初始密码未改") && rowOf("pros.lh").contains("初始密码未改"), "who still has the password an administrator gave")
                func reset(_ login: String, _ password: String, as session: WebClient.Session) async throws -> (TestResponse, String) {
                    let response = try await WebClient.post(http, "/app/admin/users/password",
                                                            ["login": login, "password": password, "csrf_token": session.csrf], cookie: session.cookie)
                    guard let location = response.headers[.location] else { return (response, String(buffer: response.body)) }
                    return (response, try await WebClient.page(http, location, session))
                }
                #expect(try await reset("admin", "Admin-new-password-1", as: admin).1.contains("不能在这里重置自己的密码"))
                #expect(try await reset("nobody", "Admin-new-password-1", as: admin).1.contains("用户 nobody 不存在"))
                #expect(try await reset("pros.jz", "short", as: admin).1.contains("密码至少需要 10 个字符"))
                #expect(try await reset("admin", "Admin-new-password-1", as: prosNow).0.status == .notFound, "a prosecutor is no administrator")
                #expect(try await audited(client, "user.password_reset").isEmpty)

                let (done, page) = try await reset("PROS.JZ", "Temporary-pass-2026", as: admin)
                #expect(done.status == .seeOther && page.contains("已为 pros.jz 设置新的初始密码，结束了 1 个登录会话"), "\(page)")
                #expect(try await signedOut(http, prosNow))
                await #expect(throws: (any Error).self) { try await WebClient.signIn(http, "pros.jz", Self.newPassword) }
                let again = try await WebClient.signIn(http, "pros.jz", "Temporary-pass-2026")
                #expect(try await WebClient.page(http, "/app/account", again).contains("id=\"initial-password\""), "set by someone else: to be replaced")
                // On the way to a page, the initial password stops them at the 账号 page; once
                // replaced, they go on to where they were going (this site only).
                let stopped = try await http.execute(uri: "/app/cases?mine=1", method: .get, headers: [.cookie: again.cookie])
                let detour = try #require(stopped.headers[.location])
                #expect(detour == "/app/account?next=/app/cases%3Fmine%3D1")
                #expect(try await WebClient.page(http, detour, again).contains("<input type=\"hidden\" name=\"next\" value=\"/app/cases?mine=1\">"))
                func replace(_ current: String, _ new: String, next: String) async throws -> String? {
                    try await WebClient.post(http, "/app/account/password",
                                             ["current_password": current, "new_password": new, "repeat_password": new,
                                              "next": next, "csrf_token": again.csrf], cookie: again.cookie).headers[.location]
                }
                #expect(try await replace("Temporary-pass-2026", Self.newPassword, next: "//evil.example/app")?.hasPrefix("/app/account?ok=") == true,
                        "a next elsewhere is ignored")
                let onward = try await WebClient.signIn(http, "pros.jz", Self.newPassword)
                let location = try await WebClient.post(http, "/app/account/password",
                                                        ["current_password": Self.newPassword, "new_password": "Second-own-pass-2026",
                                                         "repeat_password": "Second-own-pass-2026", "next": "/app/cases?mine=1",
                                                         "csrf_token": onward.csrf], cookie: onward.cookie).headers[.location]
                #expect(location?.hasPrefix("/app/cases?mine=1&ok=") == true, "\(location ?? "")")
                #expect(try await audited(client, "user.password_reset") == ["pros.jz 1"])
            }
        }
    }

    @Test("the 账号 page lists where one is signed in; 退出其他登录 ends the others, not this one, and not another person's")
    func signOutElsewhere() async throws {
        try await TestDatabase.withClient { client in
            _ = try await WebPagesTests.world(client)
            try await ServerHarness.application(client: client).test(.router) { http in
                let here = try await WebClient.signIn(http, "pros.jz", WebPagesTests.password)
                let elsewhere = try await WebClient.signIn(http, "pros.jz", WebPagesTests.password)
                let colleague = try await WebClient.signIn(http, "pros.lh", WebPagesTests.password)
                let idle = try await WebClient.signIn(http, "pros.jz", WebPagesTests.password)
                try await client.query("UPDATE sessions SET last_seen_at = now() - interval '2 hours' WHERE user_id = (SELECT id FROM users WHERE login = 'pros.jz') AND csrf_token = \(idle.csrf)")
                let page = try await WebClient.page(http, "/app/account", here)
                let listed = AuditPagesTests.rows(page.components(separatedBy: "id=\"sessions\"").last ?? "")
                #expect(listed.count == 2 && listed.filter { $0.last == "本次登录" }.count == 1, "\(listed)")
                #expect(page.contains("退出其他 1 处登录"))
                #expect(try await WebClient.post(http, "/app/account/sessions", ["csrf_token": "forged"], cookie: here.cookie).status == .forbidden)
                #expect(try await signedOut(http, elsewhere) == false)

                let done = try await WebClient.post(http, "/app/account/sessions", ["csrf_token": here.csrf], cookie: here.cookie)
                #expect(done.status == .seeOther)
                let after = try await WebClient.page(http, try #require(done.headers[.location]), here)
                #expect(after.contains("已退出其他 1 处登录。") && after.contains("没有其他地方的登录。"))
                #expect(try await signedOut(http, elsewhere))
                let (hereOut, colleagueOut) = (try await signedOut(http, here), try await signedOut(http, colleague))
                #expect(!hereOut && !colleagueOut)
                #expect(try await audited(client, "auth.logout_others").count == 1)
            }
        }
    }
}
