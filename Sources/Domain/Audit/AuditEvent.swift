/// One entry for the audit log: who did what to which thing, from where.
public struct AuditEvent: Sendable, Equatable {
    /// `user:12`, `partner:3/key:7`, `cli:root`, `system`.
    public var actor: String
    /// A readable name for the actor (login, partner code).
    public var actorLabel: String
    /// What happened, `area.verb`: `auth.login`, `user.create`, `api_key.revoke`, …
    public var action: String
    /// The kind of thing acted on: `user`, `partner`, `api_key`, `session`, …
    public var entity: String
    /// Its identifier.
    public var entityID: String
    /// The client address, when there is one.
    public var address: String
    /// A short before/after summary. Never secrets, never unmasked personal data.
    public var summary: [String: String]

    /// Creates an event.
    public init(actor: String, actorLabel: String = "", action: String, entity: String = "", entityID: String = "",
                address: String = "", summary: [String: String] = [:]) {
        self.actor = actor
        self.actorLabel = actorLabel
        self.action = action
        self.entity = entity
        self.entityID = entityID
        self.address = address
        self.summary = summary
    }

    /// An event caused by `principal`.
    public init(by principal: Principal, action: String, entity: String = "", entityID: String = "",
                address: String = "", summary: [String: String] = [:]) {
        self.init(actor: principal.auditActor, actorLabel: principal.label, action: action, entity: entity,
                  entityID: entityID, address: address, summary: summary)
    }
}
