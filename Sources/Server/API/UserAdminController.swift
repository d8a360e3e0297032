import Domain
import Hummingbird
import Postgres
import Store

/// Administrators manage people through the API as on the 用户管理 page and with `huqi user`:
/// `POST /api/v1/users` (a new person with an initial password), `PATCH /api/v1/users/{id}`
/// (`roles`, the whole set; `disabled`) and `POST /api/v1/users/{id}/password` (a forgotten
/// password: a new initial one, and every session of the person ends). The repositories audit
/// each change (`user.create`, `user.roles`, `user.disable`/`user.enable`, `user.password_reset`)
/// and refuse with the same coded sentences the page shows.
struct UserAdminController: Sendable {
    let database: PostgresClient
    let passwords: PasswordHasher

    struct NewBody: Decodable {
        let login, displayName, password: String
        let roles: [String]
        let unit, partner: String?
        enum CodingKeys: String, CodingKey { case login, displayName = "display_name", password, roles, unit, partner }
    }
    struct ChangeBody: Decodable {
        let roles: [String]?
        let disabled: Bool?
    }
    struct PasswordBody: Decodable {
        let newPassword: String
        enum CodingKeys: String, CodingKey { case newPassword = "new_password" }
    }

    /// The person after a change, and what disabling did (null when the change did not disable).
    struct Changed: ResponseEncodable {
        let user: UserBody
        let sessionsEnded, casesHeld: Int?
        enum CodingKeys: String, CodingKey { case sessionsEnded = "sessions_ended", casesHeld = "cases_held" }

        func encode(to encoder: any Encoder) throws {
            try user.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(sessionsEnded, forKey: .sessionsEnded)
            try container.encode(casesHeld, forKey: .casesHeld)
        }
    }
    struct Reset: ResponseEncodable {
        let sessionsEnded: Int
        enum CodingKeys: String, CodingKey { case sessionsEnded = "sessions_ended" }
    }

    func register(on group: RouterGroup<HuqiRequestContext>) {
        group.post("users") { request, context -> Response in
            let principal = try Self.requireAdministrator(context)
            let body = try await RequestBody.decode(NewBody.self, from: request)
            let roles = try Self.roles(body.roles)
            let added = try await AdministratorAPI.answeringIdentityErrors {
                try PasswordRules.check(body.password)
                let new = NewUser(login: body.login.lowercased(), displayName: body.displayName, roles: roles, unitCode: body.unit,
                                  partnerCode: body.partner, passwordHash: try await passwords.hash(body.password))
                try new.validate()
                return try await UserRepository(client: database).add(
                    new, by: AuditEvent(by: principal, action: "user.create", address: context.clientAddress))
            }
            var response = try UserBody(added).response(from: request, context: context)
            response.status = .created
            return response
        }
        group.patch("users/{id}") { request, context -> Changed in
            let principal = try Self.requireAdministrator(context)
            // Read once: Swift 6.3's optimizer crashed ("Found ownership error") on
            // `principal.userID` read inside the `if` below in a release build.
            let actorUserID = principal.userID
            let user = try await target(context, principal)
            let body = try await RequestBody.decode(ChangeBody.self, from: request)
            let wanted = try body.roles.map(Self.roles)
            // Refused before anything changes: the roles are changed first and cannot be undone here.
            if body.disabled == true, user.id == actorUserID { throw Problem(IdentityError.disableSelf) }
            return try await AdministratorAPI.answeringIdentityErrors {
                var current = user
                let repository = UserRepository(client: database)
                if let wanted {
                    let had = Set(user.roles)
                    current = try await repository.changeRoles(
                        login: user.login, grant: wanted.subtracting(had), withdraw: had.subtracting(wanted), actorUserID: actorUserID,
                        by: AuditEvent(by: principal, action: "user.roles", address: context.clientAddress))
                }
                guard let disabled = body.disabled, disabled != current.disabled else {
                    return Changed(user: UserBody(current), sessionsEnded: nil, casesHeld: nil)
                }
                let change = try await repository.setDisabled(login: user.login, disabled, actorUserID: actorUserID,
                                                              by: AuditEvent(by: principal, action: "user.status", address: context.clientAddress))
                return Changed(user: UserBody(change.user), sessionsEnded: disabled ? change.sessionsEnded : nil,
                               casesHeld: disabled ? change.casesHeld : nil)
            }
        }
        group.post("users/{id}/password") { request, context -> Reset in
            let principal = try Self.requireAdministrator(context)
            let user = try await target(context, principal)
            let body = try await RequestBody.decode(PasswordBody.self, from: request)
            return try await AdministratorAPI.answeringIdentityErrors {
                try PasswordRules.check(body.newPassword)
                return Reset(sessionsEnded: try await UserRepository(client: database).resetPassword(
                    login: user.login, to: try await passwords.hash(body.newPassword), actorUserID: principal.userID,
                    by: AuditEvent(by: principal, action: "user.password_reset", address: context.clientAddress)))
            }
        }
    }

    /// The person named by `{id}`, or 404.
    private func target(_ context: HuqiRequestContext, _ principal: Principal) async throws -> User {
        guard let id = context.parameters.get("id", as: Int.self),
              let user = try await UserRepository(client: database).find(id: id, for: principal) else { throw Problem.notFound }
        return user
    }

    /// Role names as given; an unknown one is refused rather than dropped.
    static func roles(_ names: [String]) throws -> Set<Role> {
        try Set(names.map { name in
            guard let role = Role(rawValue: name) else {
                var problem = Problem(status: .unprocessableContent, code: "identity.role_invalid",
                                      title: "角色“\(name)”不存在。角色只能是：\(Role.allCases.map(\.rawValue).joined(separator: "、"))。")
                problem.field = "roles"
                throw problem
            }
            return role
        })
    }

    private static func requireAdministrator(_ context: HuqiRequestContext) throws -> Principal {
        try AdministratorAPI.caller(context, refusal: "只有系统管理员可以管理用户。")
    }
}
