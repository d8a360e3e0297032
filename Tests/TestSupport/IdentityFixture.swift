import Domain
import Postgres
import Store

/// A small organisation for access tests: partners A and B with keys, and users of every role
/// in 锦州市 (210700), 凌海市 (210781, below 锦州) and 沈阳市 (210100), each with an API token.
public struct IdentityFixture: Sendable {
    public let partnerA: Partner
    public let partnerB: Partner
    public let keyA: IssuedKey
    public let keyB: IssuedKey
    /// Users by login: admin, office, leader.jz, pros.jz, pros.lh, pros.sy, uploader.a.
    public let users: [String: User]
    /// An API token per user login.
    public let tokens: [String: IssuedKey]

    /// The actor used for setup events.
    public static let setupActor = AuditEvent(actor: "test", action: "test.setup")

    /// Creates the organisation; `passwordHash` (bcrypt) is given to every user when set.
    public static func make(client: PostgresClient, passwordHash: String? = nil) async throws -> IdentityFixture {
        let partners = PartnerRepository(client: client)
        let (partnerA, keyA) = try await partners.add(code: "LNFIC", name: "辽宁省工商业联合会", by: setupActor)
        let (partnerB, keyB) = try await partners.add(code: "JZCHAMBER", name: "锦州市总商会", by: setupActor)
        let specs: [(String, String, Set<Role>, String?, String?)] = [
            ("admin", "管理员", [.admin], nil, nil),
            ("office", "项目办", [.office], nil, nil),
            ("leader.jz", "锦州院领导", [.leader], "210700", nil),
            ("pros.jz", "锦州检察官", [.prosecutor], "210700", nil),
            ("pros.lh", "凌海检察官", [.prosecutor], "210781", nil),
            ("pros.sy", "沈阳检察官", [.prosecutor], "210100", nil),
            ("uploader.a", "工商联上传员", [.uploader], nil, "LNFIC"),
        ]
        let repository = UserRepository(client: client)
        let keys = APIKeyRepository(client: client)
        var users: [String: User] = [:]
        var tokens: [String: IssuedKey] = [:]
        for (login, name, roles, unit, partner) in specs {
            let user = try await repository.add(
                NewUser(login: login, displayName: name, roles: roles, unitCode: unit, partnerCode: partner, passwordHash: passwordHash),
                by: setupActor)
            users[login] = user
            tokens[login] = try await keys.issue(owner: .user(id: user.id), by: setupActor, entity: "user", entityID: login)
        }
        // People who have been using huqi: each replaced the initial password the administrator
        // gave (with one, a session opens only the 账号 page; tests of that set it back).
        try await client.query("UPDATE users SET password_is_initial = false")
        return IdentityFixture(partnerA: partnerA, partnerB: partnerB, keyA: keyA, keyB: keyB, users: users, tokens: tokens)
    }

    /// The user with `login` (the fixture's logins only).
    public func user(_ login: String) -> User { users[login]! }
}
