import Domain
import Foundation
import Hummingbird
import Postgres
import HTTPTypes
import Store

/// `POST /api/v1/session` (log in with login + password: sets the `huqi_session` cookie and
/// returns the CSRF token), `DELETE /api/v1/session` (log out: the session row is ended, so
/// the cookie is worthless even if kept) and `POST /api/v1/me/password` (a signed-in person
/// replaces their password — also the way out of an initial one for a client of the API).
struct SessionController: Sendable {
    let database: PostgresClient
    let passwords: PasswordHasher

    struct LoginRequest: Decodable {
        let login: String
        let password: String
    }

    struct LoginResponse: ResponseEncodable {
        let login: String
        let roles: [String]
        let csrfToken: String

        enum CodingKeys: String, CodingKey {
            case login, roles
            case csrfToken = "csrf_token"
        }
    }

    func register(on group: RouterGroup<HuqiRequestContext>) {
        group.post("session") { request, context in try await login(request, context) }
        group.delete("session") { _, context in try await logout(context) }
        group.post("me/password") { request, context in try await changePassword(request, context) }
    }

    private func login(_ request: Request, _ context: HuqiRequestContext) async throws -> Response {
        let body: LoginRequest
        do {
            body = try await request.decode(as: LoginRequest.self, context: context)
        } catch {
            throw Problem(status: .badRequest, code: "request.body_invalid", title: "请求体应为 JSON：{\"login\": …, \"password\": …}")
        }
        let login = body.login.trimmingCharacters(in: .whitespaces).lowercased()
        guard !login.utf8.contains(0) else {
            throw Problem(status: .badRequest, code: "request.nul_character", title: "登录名中含有空字符（\\u0000）。")
        }
        do {
            let (principal, issued) = try await Self.startSession(login: login, password: body.password, address: context.clientAddress,
                                                                  database: database, passwords: passwords)
            var response = try LoginResponse(login: login, roles: principal.roles.map(\.rawValue).sorted(), csrfToken: issued.csrfToken)
                .response(from: request, context: context)
            response.status = .created
            response.setCookie(Self.cookie(issued.token, for: request))
            return response
        } catch let error as IdentityError {
            throw Problem(error)
        }
    }

    /// Checks a login and password (throttled, audited) and starts a session.
    static func startSession(login: String, password: String, address: String, database: PostgresClient,
                             passwords: PasswordHasher) async throws -> (Principal, SessionRepository.Issued) {
        let throttle = LoginThrottle(client: database)
        try await throttle.check(login: login, address: address)
        let users = UserRepository(client: database)
        let account = try await users.credentials(login: login)
        let valid = try await passwords.verify(password, against: account?.passwordHash)
        guard valid, let account else {
            try await throttle.recordFailure(login: login, address: address)
            throw AuthError.loginFailed
        }
        guard !account.disabled else { throw AuthError.userDisabled }
        let principal = try await users.principal(userID: account.id)
        return (principal, try await SessionRepository(client: database).start(userID: account.id, login: login, address: address))
    }

    /// The session cookie: HttpOnly, SameSite=Lax, Secure behind HTTPS.
    static func cookie(_ token: String, for request: Request) -> Cookie {
        Cookie(name: AuthenticationMiddleware.cookieName, value: token, path: "/",
               secure: request.uri.scheme == .https || request.headers[HTTPField.Name("X-Forwarded-Proto")!] == "https",
               httpOnly: true, sameSite: .lax)
    }

    /// The cookie that removes the session cookie.
    static let expiredCookie = Cookie(name: AuthenticationMiddleware.cookieName, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .lax)

    struct PasswordChangeRequest: Decodable {
        let currentPassword: String
        let newPassword: String

        enum CodingKeys: String, CodingKey {
            case currentPassword = "current_password", newPassword = "new_password"
        }
    }

    struct PasswordChangeResponse: ResponseEncodable {
        let sessionsEnded: Int
        let csrfToken: String?

        enum CodingKeys: String, CodingKey {
            case sessionsEnded = "sessions_ended", csrfToken = "csrf_token"
        }
    }

    /// Only a signed-in person changes their password, never an API key or token (whoever holds
    /// a token does not thereby know the password). The session continues under a new cookie
    /// and CSRF token; every other session of the person ends.
    private func changePassword(_ request: Request, _ context: HuqiRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        guard case .session(let token, _) = context.credential else {
            throw Problem(status: .forbidden, code: "auth.not_a_session", title: "只有网页登录会话可以修改密码（POST /api/v1/session 登录后再修改），API 密钥不能。")
        }
        let body: PasswordChangeRequest
        do {
            body = try await request.decode(as: PasswordChangeRequest.self, context: context)
        } catch {
            throw Problem(status: .badRequest, code: "request.body_invalid",
                          title: "请求体应为 JSON：{\"current_password\": …, \"new_password\": …}")
        }
        do {
            let outcome = try await OwnPasswordChange(database: database, passwords: passwords).perform(
                principal: principal, sessionToken: token, current: body.currentPassword, new: body.newPassword, address: context.clientAddress)
            var response = try PasswordChangeResponse(sessionsEnded: outcome.sessionsEnded, csrfToken: outcome.session?.csrfToken)
                .response(from: request, context: context)
            if let issued = outcome.session { response.setCookie(Self.cookie(issued.token, for: request)) }
            return response
        } catch let error as IdentityError {
            throw Problem(error)
        }
    }

    private func logout(_ context: HuqiRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        guard case .session(let token, _) = context.credential else {
            throw Problem(status: .badRequest, code: "auth.not_a_session", title: "当前请求不是网页登录会话，无需退出。")
        }
        try await SessionRepository(client: database).end(token: token, principal: principal, address: context.clientAddress)
        var response = Response(status: .noContent)
        response.setCookie(Self.expiredCookie)
        return response
    }
}
