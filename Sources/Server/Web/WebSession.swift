import Domain
import Foundation
import Hummingbird
import HTTPTypes
import Postgres
import Store

/// The signed-in user of a page request: who, and the session's CSRF token for forms.
struct WebUser: Sendable {
    let principal: Principal
    let csrfToken: String
    /// The password was set by someone else: every page asks the person to replace it.
    var passwordIsInitial = false

    /// The hidden form field every page form carries.
    var csrfField: Markup { "<input type=\"hidden\" name=\"csrf_token\" value=\"\(csrfToken)\">" }

    /// This user when an administrator; for anyone else an administration page does not exist (404).
    func administrator() throws -> WebUser {
        guard AccessPolicy.canAdminister(principal) else { throw WebError.notFound() }
        return self
    }
}

/// An error a page handler shows as a page (not problem+json).
struct WebError: Error, Sendable {
    let status: HTTPResponse.Status
    let message: String

    static func forbidden(_ message: String) -> WebError { WebError(status: .forbidden, message: message) }
    static func notFound(_ message: String = "页面不存在，或您无权查看。") -> WebError { WebError(status: .notFound, message: message) }
    static func badRequest(_ message: String) -> WebError { WebError(status: .badRequest, message: message) }
    static func tooLarge(_ message: String) -> WebError { WebError(status: .contentTooLarge, message: message) }
}

/// Login and logout pages, and the gate in front of every `/app` page: without a valid session
/// cookie a page request is redirected to the login page (and back after signing in).
struct WebSession: Sendable {
    let database: PostgresClient
    let passwords: PasswordHasher

    func register(on router: Router<HuqiRequestContext>) {
        router.get("/") { _, _ in WebPage.redirect(to: "/app") }
        router.get("/login") { request, _ in loginPage(next: request.uri.queryParameters["next"].map(String.init), login: "", message: nil) }
        router.post("/login") { request, context in try await login(request, context) }
        router.post("/logout") { request, context in try await logout(request, context) }
    }

    /// The user of a page request, or nil when there is no valid session (an unknown, ended or
    /// expired one). A database failure is thrown, not taken for "signed out".
    static func user(of request: Request, database: PostgresClient) async throws -> WebUser? {
        guard let token = request.cookies[AuthenticationMiddleware.cookieName]?.value, !token.isEmpty else { return nil }
        do {
            let (principal, csrf, initial) = try await SessionRepository(client: database).resolve(token: token)
            return WebUser(principal: principal, csrfToken: csrf, passwordIsInitial: initial)
        } catch is IdentityError {
            return nil
        }
    }

    /// Where to go after signing in: only a path of this site.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/app"), !next.contains("//"), !next.contains("\\") else { return "/app" }
        return next
    }

    private func loginPage(next: String?, login: String, message: String?, status: HTTPResponse.Status = .ok) -> Response {
        WebPage.render("登录", user: nil, notice: message.map { .error($0) }, status: status, body: """
            <form class="card narrow" method="post" action="/login">
            <input type="hidden" name="next" value="\(Self.safeNext(next))">
            <label for="login">用户名</label><input id="login" name="login" autocomplete="username" required value="\(login)">
            <label for="password">密码</label><input id="password" name="password" type="password" autocomplete="current-password" required>
            <button type="submit">登录</button>
            </form>
            """)
    }

    private func login(_ request: Request, _ context: HuqiRequestContext) async throws -> Response {
        let form: WebForm
        do {
            form = try await WebForm.parse(request, limit: 16_384)
        } catch let error as WebError {
            return loginPage(next: nil, login: "", message: error.message, status: error.status)
        }
        let login = (form["login"] ?? "").lowercased()
        let next = Self.safeNext(form["next"])
        do {
            let (_, issued) = try await SessionController.startSession(login: login, password: form.fields["password"]?.first ?? "",
                                                                       address: context.clientAddress, database: database, passwords: passwords)
            var response = WebPage.redirect(to: next)
            response.setCookie(SessionController.cookie(issued.token, for: request))
            return response
        } catch let error as IdentityError {
            return loginPage(next: next, login: login, message: error.message, status: error.kind == .throttled ? .tooManyRequests : .unauthorized)
        }
    }

    private func logout(_ request: Request, _ context: HuqiRequestContext) async throws -> Response {
        guard let user = try await Self.user(of: request, database: database),
              let token = request.cookies[AuthenticationMiddleware.cookieName]?.value else { return WebPage.redirect(to: "/login") }
        _ = try await WebForm.read(request, user: user)
        try await SessionRepository(client: database).end(token: token, principal: user.principal, address: context.clientAddress)
        var response = WebPage.redirect(to: "/login", notice: .success("您已退出登录。"))
        response.setCookie(SessionController.expiredCookie)
        return response
    }
}

/// Runs a page handler for a signed-in user: no session → the login page; a `WebError` or a
/// coded workflow error → a page with its Chinese message.
struct WebGate: Sendable {
    let database: PostgresClient

    /// The pages a person signed in with an initial password may open.
    static let openWithInitialPassword: Set<String> = ["/app/account", "/app/account/password", "/app/account/sessions"]

    /// The request's path and query, percent-encoded as one `next` parameter.
    static func encoded(_ request: Request) -> String {
        let next = request.uri.path + (request.uri.query.map { "?\($0)" } ?? "")
        return next.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "/-_.~"))) ?? "/app"
    }

    func page(_ request: Request, _ body: (WebUser) async throws -> Response) async throws -> Response {
        guard let user = try await WebSession.user(of: request, database: database) else {
            return WebPage.redirect(to: "/login?next=\(Self.encoded(request))")
        }
        // An administrator's initial password opens the 账号 page only, until it is replaced.
        if user.passwordIsInitial, !Self.openWithInitialPassword.contains(request.uri.path) {
            guard request.method == .get else { return WebPage.redirect(to: "/app/account") }
            return WebPage.redirect(to: "/app/account?next=\(Self.encoded(request))")  // and on there once it is replaced
        }
        do {
            return try await body(user)
        } catch let error as WebError {
            return WebPage.problem(error.status, title: error.status == .notFound ? "未找到" : "无法完成", message: error.message, user: user)
        } catch let error as CaseActionError {
            return WebPage.problem(error.kind == .notFound ? .notFound : (error.kind == .forbidden ? .forbidden : .conflict), title: "无法完成", message: error.message, user: user)
        }
    }
}
