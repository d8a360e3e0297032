import Domain
import Foundation
import Hummingbird
import HTTPTypes
import Postgres
import Store

/// Passwords: every signed-in person changes their own on the 账号 page (the current one
/// first, checked and throttled like a login); an administrator gives someone who forgot theirs
/// a new initial password on the users page. Either way the person's other sessions end (the
/// changing browser's own continues under a new token), and
/// the repositories audit it (`user.password_change`, `user.password_reset`). The page also
/// lists where the person is signed in and signs out everywhere else on request.
struct AccountPages: Sendable {
    let database: PostgresClient
    let gate: WebGate
    let passwords: PasswordHasher

    func register(on router: Router<HuqiRequestContext>) {
        router.get("/app/account") { request, _ in
            try await gate.page(request) {
                try await account(request, $0, notice: WebPage.Notice.from(request), next: request.uri.queryParameters["next"].map(String.init))
            }
        }
        router.post("/app/account/password") { request, context in
            try await gate.page(request) { try await change(request, context, $0) }
        }
        router.post("/app/account/sessions") { request, context in
            try await gate.page(request) { try await endOthers(request, context, $0) }
        }
        router.post("/app/admin/users/password") { request, context in
            try await gate.page(request) { try await reset(request, context, $0) }
        }
    }

    /// `next`: the page the person was on their way to when an initial password sent them here;
    /// once it is replaced, they go on there.
    private func account(_ request: Request, _ user: WebUser, notice: WebPage.Notice?, status: HTTPResponse.Status = .ok,
                         next: String? = nil) async throws -> Response {
        let principal = user.principal
        guard let id = principal.userID, let token = request.cookies[AuthenticationMiddleware.cookieName]?.value else { throw WebError.notFound() }
        let sessions = try await SessionRepository(client: database).open(userID: id, current: token)
        let state = try await UserRepository(client: database).password(userID: id).state
        var unit = try await principal.unitCode.asyncMap { try await UnitRepository(client: database).find(code: $0, for: principal)?.name ?? $0 }
        if unit == nil, let partnerID = principal.partnerID {
            unit = try await PartnerRepository(client: database).list(for: principal).first { $0.id == partnerID }?.name
        }
        let changed = state.changedAt.map(ShanghaiTime.minute) ?? "未记录"
        return WebPage.render("账号", user: user, notice: notice, status: status, body: """
            <section class="card"><h2>基本情况</h2><dl class="facts">
            <dt>登录名</dt><dd>\(principal.label)</dd>
            <dt>姓名</dt><dd>\(principal.displayName ?? "—")</dd>
            <dt>单位</dt><dd>\(unit ?? "—")</dd>
            <dt>角色</dt><dd>\(principal.roles.sorted { $0.rawValue < $1.rawValue }.map(\.chineseName).joined(separator: "、"))</dd>
            <dt>密码最近修改</dt><dd id="password-changed">\(changed)\(state.isInitial ? "（管理员设置的初始密码）" : "")</dd>
            </dl></section>
            <form class="card narrow" method="post" action="/app/account/password">\(user.csrfField)\(Self.nextField(next))<h2>修改密码</h2>
            <label for="current-password">当前密码</label><input id="current-password" name="current_password" type="password" autocomplete="current-password" required>
            <label for="new-password">新密码（至少 \(PasswordRules.minimumLength) 个字符）</label><input id="new-password" name="new_password" type="password" autocomplete="new-password" required>
            <label for="repeat-password">再次输入新密码</label><input id="repeat-password" name="repeat_password" type="password" autocomplete="new-password" required>
            <p class="hint">修改后，您在其他电脑或浏览器上的登录将退出。</p>
            <button type="submit">修改密码</button></form>
            \(Self.sessionsCard(sessions, user))
            """)
    }

    /// The page to go on to after the change, when one was asked for: this site's pages only
    /// (not the bare home page, which only redirects onward and would lose the notice).
    private static func accepted(next: String?) -> String? {
        guard let next, WebSession.safeNext(next) == next, next != "/app", !next.hasPrefix("/app/account") else { return nil }
        return next
    }

    private static func nextField(_ next: String?) -> Markup {
        accepted(next: next).map { "<input type=\"hidden\" name=\"next\" value=\"\($0)\">" } ?? .empty
    }

    /// Where the person is signed in, and a button to sign out everywhere else.
    private static func sessionsCard(_ sessions: [OpenSession], _ user: WebUser) -> Markup {
        let rows: [Markup] = sessions.map { session in
            """
            <tr\(session.isCurrent ? " id=\"this-session\"" : "")><td>\(ShanghaiTime.minute(session.startedAt))</td>\
            <td>\(ShanghaiTime.minute(session.lastSeenAt))</td><td>\(session.address.isEmpty ? "—" : session.address)</td>\
            <td>\(session.isCurrent ? "本次登录" : "")</td></tr>
            """
        }
        let others = sessions.filter { !$0.isCurrent }.count
        let button: Markup = others == 0 ? "<p class=\"hint\">没有其他地方的登录。</p>" : """
            <form method="post" action="/app/account/sessions">\(user.csrfField)\
            <button type="submit" class="secondary">退出其他 \(others) 处登录</button></form>
            """
        return """
            <section class="card" id="sessions"><h2>登录情况</h2>
            <table><thead><tr><th scope="col">登录时间</th><th scope="col">最近活动</th><th scope="col">来源地址</th><th scope="col"></th></tr></thead>
            <tbody>\(rows)</tbody></table>
            \(button)
            <p class="hint">不认识的登录，请退出它们并修改密码。</p></section>
            """
    }

    private func endOthers(_ request: Request, _ context: HuqiRequestContext, _ user: WebUser) async throws -> Response {
        _ = try await WebForm.read(request, user: user, limit: 16_384)
        guard let token = request.cookies[AuthenticationMiddleware.cookieName]?.value else { throw WebError.notFound() }
        let ended = try await SessionRepository(client: database).endOthers(of: user.principal, keeping: token, address: context.clientAddress)
        return WebPage.redirect(to: "/app/account", notice: .success("已退出其他 \(ended) 处登录。"))
    }

    private func change(_ request: Request, _ context: HuqiRequestContext, _ user: WebUser) async throws -> Response {
        let form = try await WebForm.read(request, user: user, limit: 16_384)
        guard user.principal.userID != nil, let token = request.cookies[AuthenticationMiddleware.cookieName]?.value else {
            throw WebError.notFound()
        }
        let (current, new, repeated) = (form.fields["current_password"]?.first ?? "", form.fields["new_password"]?.first ?? "",
                                        form.fields["repeat_password"]?.first ?? "")
        do {
            guard new == repeated else { throw IdentityError.passwordMismatch }
            let outcome = try await OwnPasswordChange(database: database, passwords: passwords)
                .perform(principal: user.principal, sessionToken: token, current: current, new: new, address: context.clientAddress)
            let ended = outcome.sessionsEnded
            let others = ended > 0 ? "您在其他地方的 \(ended) 个登录已退出。" : ""
            var response = WebPage.redirect(to: Self.accepted(next: form.fields["next"]?.first) ?? "/app/account",
                                            notice: .success("密码已修改。\(others)"))
            // This browser continues under a new session: a copy of the old cookie is worth nothing now.
            if let issued = outcome.session { response.setCookie(SessionController.cookie(issued.token, for: request)) }
            return response
        } catch let error as IdentityError {
            let status: HTTPResponse.Status = error.kind == .throttled ? .tooManyRequests : (error.kind == .conflict ? .conflict : .unprocessableContent)
            return try await account(request, user, notice: .error(error.message), status: status, next: form.fields["next"]?.first)
        }
    }

    /// The users page's card for giving someone a new initial password.
    static func resetCard(_ user: WebUser) -> Markup {
        """
        <form class="card narrow" method="post" action="/app/admin/users/password">\(user.csrfField)<h2>重置密码</h2>
        <p class="hint">用户忘记密码时使用：设置新的初始密码并结束其所有登录，请当面或电话告知本人；本人登录后须先改为只有自己知道的密码，才能使用其他功能。</p>
        <label for="reset-login">登录名</label><input id="reset-login" name="login" required>
        <label for="reset-password">新的初始密码（至少 \(PasswordRules.minimumLength) 个字符）</label><input id="reset-password" name="password" type="password" autocomplete="new-password" required>
        <button type="submit" class="secondary">重置密码</button></form>
        """
    }

    private func reset(_ request: Request, _ context: HuqiRequestContext, _ user: WebUser) async throws -> Response {
        guard AccessPolicy.canAdminister(user.principal) else { throw WebError.notFound() }
        let form = try await WebForm.read(request, user: user, limit: 16_384)
        let login = (form["login"] ?? "").lowercased()
        do {
            let password = form.fields["password"]?.first ?? ""
            try PasswordRules.check(password)
            let ended = try await UserRepository(client: database).resetPassword(
                login: login, to: try await passwords.hash(password), actorUserID: user.principal.userID,
                by: AuditEvent(by: user.principal, action: "user.password_reset", address: context.clientAddress))
            return WebPage.redirect(to: "/app/admin/users",
                                    notice: .success("已为 \(login) 设置新的初始密码，结束了 \(ended) 个登录会话。请告知本人：登录后须先修改密码。"))
        } catch let error as IdentityError {
            return WebPage.redirect(to: "/app/admin/users", notice: .error(error.message))
        }
    }
}

extension Optional {
    /// `map` with an asynchronous transform.
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
