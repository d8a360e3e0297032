import Domain
import Foundation
import Hummingbird
import Postgres
import HTTPTypes
import Store

/// `POST /api/v1/session` (log in with login + password: sets the `huqi_session` cookie and
/// returns the CSRF token) and `DELETE /api/v1/session` (log out: the session row is ended, so
/// the cookie is worthless even if kept).
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
    }

    private func login(_ request: Request, _ context: HuqiRequestContext) async throws -> Response {
        let body: LoginRequest
        do {
            body = try await request.decode(as: LoginRequest.self, context: context)
        } catch {
            throw Problem(status: .badRequest, code: "request.body_invalid", title: "请求体应为 JSON：{\"login\": …, \"password\": …}")
        }
        let login = body.login.trimmingCharacters(in: .whitespaces).lowercased()
        let throttle = LoginThrottle(client: database)
        do {
            try await throttle.check(login: login, address: context.clientAddress)
            let users = UserRepository(client: database)
            let account = try await users.credentials(login: login)
            let valid = try await passwords.verify(body.password, against: account?.passwordHash)
            guard valid, let account else {
                try await throttle.recordFailure(login: login, address: context.clientAddress)
                throw AuthError.loginFailed
            }
            guard !account.disabled else { throw AuthError.userDisabled }
            let principal = try await users.principal(userID: account.id)
            let issued = try await SessionRepository(client: database).start(userID: account.id, login: login, address: context.clientAddress)
            var response = try LoginResponse(login: login, roles: principal.roles.map(\.rawValue).sorted(), csrfToken: issued.csrfToken)
                .response(from: request, context: context)
            response.status = .created
            response.setCookie(Cookie(name: AuthenticationMiddleware.cookieName, value: issued.token, path: "/",
                                      secure: request.uri.scheme == .https || request.headers[HTTPField.Name("X-Forwarded-Proto")!] == "https",
                                      httpOnly: true, sameSite: .lax))
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
        response.setCookie(Cookie(name: AuthenticationMiddleware.cookieName, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .lax))
        return response
    }
}
