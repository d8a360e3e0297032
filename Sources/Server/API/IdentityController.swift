import Domain
import Hummingbird
import Postgres
import Store

/// Read access to the organisation model, always through the access policy:
/// `GET /api/v1/me`, `/units`, `/units/{code}`, `/users`, `/users/{id}`, `/partners`,
/// `/partners/{code}`. Anything outside the caller's scope is 404, exactly like a thing that
/// does not exist.
struct IdentityController: Sendable {
    let database: PostgresClient

    struct Me: ResponseEncodable {
        let actor: String
        let label: String
        let roles: [String]
        let unit: String?
        let partnerID: Int?
        /// The person's name (a user), or the partner's (a partner's key).
        let displayName: String?

        enum CodingKeys: String, CodingKey {
            case actor, label, roles, unit
            case partnerID = "partner_id", displayName = "display_name"
        }
    }

    struct Page<Item: Encodable & Sendable>: ResponseEncodable {
        let items: [Item]
    }

    func register(on group: RouterGroup<HuqiRequestContext>) {
        group.get("me") { _, context in
            let principal = try context.requirePrincipal()
            return Me(actor: principal.auditActor, label: principal.label, roles: principal.roles.map(\.rawValue).sorted(),
                      unit: principal.unitCode, partnerID: principal.partnerID, displayName: principal.displayName)
        }
        group.get("units") { request, context in
            let (limit, offset) = try Paging.read(request)
            return Page(items: try await UnitRepository(client: database).list(for: try context.requirePrincipal(), limit: limit, offset: offset).map(UnitBody.init))
        }
        group.get("units/{code}") { _, context in
            let code = try context.parameters.require("code")
            guard let unit = try await UnitRepository(client: database).find(code: code, for: try context.requirePrincipal()) else {
                throw Problem.notFound
            }
            return UnitBody(unit)
        }
        group.get("users") { request, context in
            let (limit, offset) = try Paging.read(request)
            return Page(items: try await UserRepository(client: database).list(for: try context.requirePrincipal(), limit: limit, offset: offset).map(UserBody.init))
        }
        group.get("users/{id}") { _, context in
            guard let id = context.parameters.get("id", as: Int.self),
                  let user = try await UserRepository(client: database).find(id: id, for: try context.requirePrincipal()) else {
                _ = try context.requirePrincipal()
                throw Problem.notFound
            }
            return UserBody(user)
        }
        group.get("partners") { _, context in
            Page(items: try await PartnerRepository(client: database).list(for: try context.requirePrincipal()).map(PartnerBody.init))
        }
        group.get("partners/{code}") { _, context in
            let code = try context.parameters.require("code")
            guard let partner = try await PartnerRepository(client: database).find(code: code, for: try context.requirePrincipal()) else {
                throw Problem.notFound
            }
            return PartnerBody(partner)
        }
    }
}

/// `limit` (1–500, default 100) and `offset` (≥ 0) from the query string, or a 422 problem.
enum Paging {
    static func read(_ request: Request) throws -> (limit: Int, offset: Int) {
        let query = request.uri.queryParameters
        let limit = try query["limit"].map { text in
            guard let value = Int(String(text)), (1...500).contains(value) else {
                throw Problem(status: .unprocessableContent, code: "paging.limit_invalid", title: "limit 应为 1–500 之间的整数。")
            }
            return value
        } ?? 100
        let offset = try query["offset"].map { text in
            guard let value = Int(String(text)), value >= 0 else {
                throw Problem(status: .unprocessableContent, code: "paging.offset_invalid", title: "offset 应为不小于 0 的整数。")
            }
            return value
        } ?? 0
        return (limit, offset)
    }
}

struct UnitBody: ResponseEncodable {
    let code, name, level: String
    let parent: String?
    init(_ unit: Unit) { (code, name, level, parent) = (unit.code, unit.name, unit.level, unit.parentCode) }
}

struct UserBody: ResponseEncodable {
    let id: Int
    let login, name: String
    let unit, partner: String?
    let roles: [String]
    let disabled: Bool
    init(_ user: User) {
        (id, login, name, unit, partner, disabled) = (user.id, user.login, user.displayName, user.unitCode, user.partnerCode, user.disabled)
        roles = user.roles.map(\.rawValue)
    }
}

struct PartnerBody: ResponseEncodable {
    let code, name: String
    init(_ partner: Partner) { (code, name) = (partner.code, partner.name) }
}
