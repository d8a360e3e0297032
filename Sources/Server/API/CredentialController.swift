import Domain
import Hummingbird
import Postgres
import Store

/// Administrators hand out and withdraw the secrets callers of the API present, as the 合作单位
/// page and `huqi partner` / `huqi user token` do:
/// `POST /api/v1/partners` (a new partner and its first key), `POST /api/v1/partners/{code}/key`
/// (a new key; the old ones stop working), `DELETE /api/v1/partners/{code}/key` (every key
/// revoked: a leaked key, a partner that left), `POST /api/v1/users/{id}/tokens` (a token for a
/// person's scripts) and `DELETE /api/v1/users/{id}/tokens` (all of them revoked; signing in on
/// the pages is unaffected). A secret is in the answer once, `Cache-Control: no-store`; only its
/// SHA-256 is kept. Each change is audited by `PartnerRepository` / `APIKeyRepository`.
struct CredentialController: Sendable {
    let database: PostgresClient

    struct NewPartnerBody: Decodable { let code, name: String }

    /// A secret given out: the partner's key or the person's token, shown this once.
    struct Issued: ResponseEncodable {
        let partner: PartnerBody?
        let user: String?
        let key: String
        let prefix: String
    }
    struct Revoked: ResponseEncodable { let revoked: Int }

    func register(on group: RouterGroup<HuqiRequestContext>) {
        group.post("partners") { request, context -> Response in
            let principal = try Self.requireAdministrator(context)
            let body = try await RequestBody.decode(NewPartnerBody.self, from: request)
            let (partner, key) = try await AdministratorAPI.answeringIdentityErrors {
                try await PartnerRepository(client: database).add(
                    code: body.code, name: body.name, by: AuditEvent(by: principal, action: "partner.create", address: context.clientAddress))
            }
            return try Self.secret(Issued(partner: PartnerBody(partner), user: nil, key: key.plaintext, prefix: key.prefix), request, context)
        }
        group.post("partners/{code}/key") { request, context -> Response in
            let principal = try Self.requireAdministrator(context)
            let partner = try await partner(context, principal)
            let key = try await APIKeyRepository(client: database).rotate(
                owner: .partner(id: partner.id), by: AuditEvent(by: principal, action: "api_key.rotate", address: context.clientAddress),
                entity: "partner", entityID: partner.code)
            return try Self.secret(Issued(partner: PartnerBody(partner), user: nil, key: key.plaintext, prefix: key.prefix), request, context)
        }
        group.delete("partners/{code}/key") { _, context -> Revoked in
            let principal = try Self.requireAdministrator(context)
            let partner = try await partner(context, principal)
            return Revoked(revoked: try await APIKeyRepository(client: database).revoke(
                owner: .partner(id: partner.id), by: AuditEvent(by: principal, action: "api_key.revoke", address: context.clientAddress),
                entity: "partner", entityID: partner.code))
        }
        group.post("users/{id}/tokens") { request, context -> Response in
            let principal = try Self.requireAdministrator(context)
            let user = try await user(context, principal)
            let key = try await APIKeyRepository(client: database).issue(
                owner: .user(id: user.id), by: AuditEvent(by: principal, action: "api_key.create", address: context.clientAddress),
                entity: "user", entityID: user.login)
            return try Self.secret(Issued(partner: nil, user: user.login, key: key.plaintext, prefix: key.prefix), request, context)
        }
        group.delete("users/{id}/tokens") { _, context -> Revoked in
            let principal = try Self.requireAdministrator(context)
            let user = try await user(context, principal)
            return Revoked(revoked: try await APIKeyRepository(client: database).revoke(
                owner: .user(id: user.id), by: AuditEvent(by: principal, action: "api_key.revoke", address: context.clientAddress),
                entity: "user", entityID: user.login))
        }
    }

    private func partner(_ context: HuqiRequestContext, _ principal: Principal) async throws -> Partner {
        guard let code = context.parameters.get("code"),
              let partner = try await PartnerRepository(client: database).find(code: code, for: principal) else { throw Problem.notFound }
        return partner
    }

    private func user(_ context: HuqiRequestContext, _ principal: Principal) async throws -> User {
        guard let id = context.parameters.get("id", as: Int.self),
              let user = try await UserRepository(client: database).find(id: id, for: principal) else { throw Problem.notFound }
        return user
    }

    /// 201 with the secret, never kept by a browser or a proxy.
    private static func secret(_ issued: Issued, _ request: Request, _ context: HuqiRequestContext) throws -> Response {
        var response = try issued.response(from: request, context: context)
        response.status = .created
        response.headers[.cacheControl] = "no-store"
        return response
    }

    private static func requireAdministrator(_ context: HuqiRequestContext) throws -> Principal {
        try AdministratorAPI.caller(context, refusal: "只有系统管理员可以签发或吊销密钥。")
    }
}
