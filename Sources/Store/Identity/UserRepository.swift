import Domain
import Foundation
import Postgres

/// A person with a login, as lists and pages show it (never the password hash).
public struct User: Sendable, Equatable, Codable {
    /// Internal id.
    public var id: Int
    /// Login name.
    public var login: String
    /// 姓名.
    public var displayName: String
    /// The unit for prosecutors and leaders.
    public var unitCode: String?
    /// The partner for uploaders.
    public var partnerCode: String?
    /// Roles held, sorted.
    public var roles: [Role]
    /// Whether the account is disabled.
    public var disabled: Bool
}

/// What `add` needs to create a user.
public struct NewUser: Sendable {
    public var login: String
    public var displayName: String
    public var roles: Set<Role>
    public var unitCode: String?
    public var partnerCode: String?
    /// A bcrypt hash made by the caller (hashing is slow CPU work and belongs on a worker thread).
    /// Someone else chose it, so it is an initial password its owner is asked to replace.
    public var passwordHash: String?

    /// Bundles the fields.
    public init(login: String, displayName: String, roles: Set<Role>, unitCode: String? = nil, partnerCode: String? = nil, passwordHash: String? = nil) {
        self.login = login
        self.displayName = displayName
        self.roles = roles
        self.unitCode = unitCode
        self.partnerCode = partnerCode
        self.passwordHash = passwordHash
    }

    /// Checks the fields that do not need the database.
    public func validate() throws {
        guard login.range(of: #"^[a-z0-9][a-z0-9._-]{1,63}$"#, options: .regularExpression) != nil else { throw IdentityError.invalidLogin }
        let name = displayName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...50).contains(name.count) else { throw IdentityError.invalidName }
        guard !roles.isEmpty else { throw IdentityError.noRoles }
        guard unitCode == nil || partnerCode == nil else { throw IdentityError.unitAndPartner }
        if let role = roles.first(where: \.needsUnit), unitCode == nil { throw IdentityError.roleNeedsUnit(role.rawValue) }
        if roles.contains(where: \.needsPartner), partnerCode == nil { throw IdentityError.roleNeedsPartner }
    }
}

/// Creates users and reads them within a principal's scope.
public struct UserRepository: Sendable {
    let client: PostgresClient

    /// Creates a repository on a pool.
    public init(client: PostgresClient) { self.client = client }

    static let columns: PostgresQuery = """
        SELECT u.id, u.login, u.display_name, u.unit_code, p.code, u.disabled_at IS NOT NULL,
               coalesce((SELECT array_agg(r.role ORDER BY r.role) FROM user_roles r WHERE r.user_id = u.id), '{}')
        FROM users u LEFT JOIN partners p ON p.id = u.partner_id
        """

    /// Creates a user with roles, audited. Throws coded errors for every bad field.
    public func add(_ user: NewUser, by actor: AuditEvent) async throws -> User {
        try user.validate()
        return try await client.withTransaction { connection in
            if let unit = user.unitCode, try await connection.query("SELECT 1 FROM units WHERE code = \(unit)").isEmpty {
                throw IdentityError.unknownUnit(unit)
            }
            var partnerID: Int?
            if let code = user.partnerCode {
                guard let row = try await connection.query("SELECT id FROM partners WHERE lower(code) = lower(\(code))").first else {
                    throw IdentityError.unknownPartner(code)
                }
                partnerID = try row.decode(Int.self, at: 0)
            }
            let id: Int
            do {
                id = try await connection.query("""
                    INSERT INTO users (login, display_name, unit_code, partner_id, password_hash, password_changed_at, password_is_initial)
                    VALUES (\(user.login), \(user.displayName.trimmingCharacters(in: .whitespacesAndNewlines)),
                            \(user.unitCode), \(partnerID), \(user.passwordHash),
                            CASE WHEN \(user.passwordHash != nil) THEN now() END, \(user.passwordHash != nil))
                    RETURNING id
                    """)[0].decode(Int.self, at: 0)
            } catch let error as PostgresError where error.sqlState == PostgresError.SQLState.uniqueViolation {
                throw IdentityError.duplicateLogin(user.login)
            }
            for role in user.roles {
                try await connection.query("INSERT INTO user_roles (user_id, role) VALUES (\(id), \(role.rawValue))")
            }
            var event = actor
            event.action = "user.create"
            event.entity = "user"
            event.entityID = user.login
            event.summary = ["roles": user.roles.map(\.rawValue).sorted().joined(separator: ","),
                             "unit": user.unitCode ?? "", "partner": user.partnerCode ?? ""]
            try await AuditLog.append(event, on: connection)
            return try await connection.query(Self.columns + " WHERE u.id = \(id)")[0].decodeUser()
        }
    }

    /// One user, or nil when unknown or outside the principal's scope.
    public func find(id: Int, for principal: Principal) async throws -> User? {
        let scope = AccessPolicy.scope(of: principal, over: .user).condition(unitColumn: "u.unit_code", userColumn: "u.id")
        return try await client.query(Self.columns + " WHERE u.id = \(id)::bigint AND \(scope)").first?.decodeUser()
    }

    /// Users the principal may see, by login.
    public func list(for principal: Principal, limit: Int = 200, offset: Int = 0) async throws -> [User] {
        let scope = AccessPolicy.scope(of: principal, over: .user).condition(unitColumn: "u.unit_code", userColumn: "u.id")
        return try await client.query(Self.columns + " WHERE \(scope) ORDER BY u.login LIMIT \(limit) OFFSET \(offset)").map { try $0.decodeUser() }
    }

    /// Every user (operator commands).
    public func all() async throws -> [User] {
        try await client.query(Self.columns + " ORDER BY u.login").map { try $0.decodeUser() }
    }

    /// The user's id, or `identity.unknown_user`.
    public func id(ofLogin login: String) async throws -> Int {
        guard let row = try await client.query("SELECT id FROM users WHERE login = \(login)").first else {
            throw IdentityError.unknownUser(login)
        }
        return try row.decode(Int.self, at: 0)
    }

    /// What a login needs: id, bcrypt hash, disabled flag.
    public func credentials(login: String) async throws -> (id: Int, passwordHash: String?, disabled: Bool)? {
        try await client.query("SELECT id, password_hash, disabled_at IS NOT NULL FROM users WHERE login = \(login)")
            .first.map { try $0.decode((Int, String?, Bool).self) }
    }

    /// The principal of a user (roles, unit path, partner, name); `auth.user_disabled` when disabled.
    public func principal(userID: Int) async throws -> Principal {
        guard let row = try await client.query("""
            SELECT u.login, u.unit_code, un.path, u.partner_id, u.disabled_at IS NOT NULL,
                   coalesce((SELECT array_agg(r.role) FROM user_roles r WHERE r.user_id = u.id), '{}'), u.display_name
            FROM users u LEFT JOIN units un ON un.code = u.unit_code WHERE u.id = \(userID)
            """).first else { throw AuthError.keyInvalid }
        let (login, unit, path, partner, disabled, roles, name) = try row.decode((String, String?, String?, Int?, Bool, [String], String).self)
        guard !disabled else { throw AuthError.userDisabled }
        return Principal(kind: .user(id: userID, login: login), label: login, roles: Set(roles.compactMap(Role.init(rawValue:))),
                         unitCode: unit, unitPath: path, partnerID: partner, displayName: name)
    }
}

extension PostgresRow {
    func decodeUser() throws -> User {
        let (id, login, name, unit, partner, disabled, roles) = try decode((Int, String, String, String?, String?, Bool, [String]).self)
        return User(id: id, login: login, displayName: name, unitCode: unit, partnerCode: partner,
                    roles: roles.compactMap(Role.init(rawValue:)), disabled: disabled)
    }
}

extension UserRepository {
    /// Grants and withdraws roles, audited as `user.roles` with before and after.
    /// A role that needs a unit or partner the user lacks is refused. `actorUserID`: the
    /// administrator doing it, who may not withdraw their own admin role (the last administrator
    /// would lock everyone out of the pages; an operator at the command line passes nil).
    public func changeRoles(login: String, grant: Set<Role>, withdraw: Set<Role>, actorUserID: Int? = nil,
                            by actor: AuditEvent) async throws -> User {
        try await client.withTransaction { connection in
            guard let row = try await connection.query(
                "SELECT id, unit_code, partner_id FROM users WHERE login = \(login) FOR UPDATE").first else {
                throw IdentityError.unknownUser(login)
            }
            let (id, unit, partner) = try row.decode((Int, String?, Int?).self)
            if id == actorUserID, withdraw.contains(.admin) { throw IdentityError.withdrawOwnAdmin }
            if let role = grant.first(where: \.needsUnit), unit == nil { throw IdentityError.roleNeedsUnit(role.rawValue) }
            if grant.contains(where: \.needsPartner), partner == nil { throw IdentityError.roleNeedsPartner }
            let before = try await connection.query("SELECT role FROM user_roles WHERE user_id = \(id) ORDER BY role").map { try $0.decode(String.self, at: 0) }
            for role in grant {
                try await connection.query("INSERT INTO user_roles (user_id, role) VALUES (\(id), \(role.rawValue)) ON CONFLICT DO NOTHING")
            }
            for role in withdraw {
                try await connection.query("DELETE FROM user_roles WHERE user_id = \(id) AND role = \(role.rawValue)")
            }
            let user = try await connection.query(Self.columns + " WHERE u.id = \(id)")[0].decodeUser()
            guard !user.roles.isEmpty else { throw IdentityError.noRoles }
            var event = actor
            event.action = "user.roles"
            event.entity = "user"
            event.entityID = login
            event.summary = ["before": before.joined(separator: ","), "after": user.roles.map(\.rawValue).joined(separator: ",")]
            try await AuditLog.append(event, on: connection)
            return user
        }
    }
}
