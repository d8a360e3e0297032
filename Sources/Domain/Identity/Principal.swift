/// Who is making a request: a signed-in user (session or API token) or a partner's API key.
public struct Principal: Sendable, Hashable {
    /// The kind of caller.
    public enum Kind: Sendable, Hashable {
        /// A person with a login.
        case user(id: Int, login: String)
        /// A partner organisation calling with its API key.
        case partnerKey(partnerID: Int, keyID: Int)
    }

    /// The kind of caller and its identifiers.
    public var kind: Kind
    /// A readable name for logs and the audit trail (login or partner code).
    public var label: String
    /// The roles held.
    public var roles: Set<Role>
    /// The user's unit (division code), for prosecutors and leaders.
    public var unitCode: String?
    /// The unit's path (`/210000/210700/`), used for "this unit and below".
    public var unitPath: String?
    /// The partner the caller belongs to (partner keys and uploaders).
    public var partnerID: Int?
    /// A person's name as pages greet them (`users.display_name`); nil when not looked up.
    public var displayName: String?

    /// Creates a principal.
    public init(kind: Kind, label: String, roles: Set<Role>, unitCode: String? = nil, unitPath: String? = nil, partnerID: Int? = nil,
                displayName: String? = nil) {
        self.displayName = displayName
        self.kind = kind
        self.label = label
        self.roles = roles
        self.unitCode = unitCode
        self.unitPath = unitPath
        self.partnerID = partnerID
    }

    /// The user id when the caller is a user.
    public var userID: Int? {
        if case .user(let id, _) = kind { return id }
        return nil
    }

    /// The actor string written to the audit log: `user:12` or `partner:3/key:7`.
    public var auditActor: String {
        switch kind {
        case .user(let id, _): "user:\(id)"
        case .partnerKey(let partnerID, let keyID): "partner:\(partnerID)/key:\(keyID)"
        }
    }

    /// True when the principal holds `role`.
    public func has(_ role: Role) -> Bool { roles.contains(role) }
}
