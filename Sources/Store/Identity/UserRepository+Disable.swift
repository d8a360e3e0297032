import Domain
import Postgres

/// What disabling or enabling a person did.
public struct AccountChange: Sendable {
    /// The person afterwards.
    public var user: User
    /// Web sessions ended (disabling ends every open one).
    public var sessionsEnded: Int
    /// Open cases the person still holds: a leader should hand them on (批量转办).
    public var casesHeld: Int
}

extension IdentityError {
    /// An administrator may not disable their own account (nobody could undo it on the pages).
    public static let disableSelf = IdentityError(.conflict, "identity.disable_self", "不能停用自己正在使用的账号。")
    /// An administrator may not take their own admin role away (another administrator can).
    public static let withdrawOwnAdmin = IdentityError(.conflict, "identity.withdraw_own_admin", "不能撤销自己的系统管理员角色；如确需撤销，请由另一位管理员操作。")
    /// A status other than disabled or enabled was asked for.
    public static let statusInvalid = IdentityError(.invalidInput, "identity.status_invalid", "账号状态只能是“停用”或“启用”。")
}

extension UserRepository {
    /// Disables (`disabled == true`) or enables a person, audited as `user.disable` / `user.enable`.
    ///
    /// A disabled person cannot sign in, their sessions end now, and their API tokens are refused
    /// (`auth.user_disabled`) on every instance at once (the change is announced to the read
    /// caches). Their tokens are kept, not revoked: enabling the person again makes them work.
    /// Cases they hold stay with them; the answer counts them so that a leader can hand them on.
    /// `actorUserID`: the person doing it, who may not disable themselves.
    public func setDisabled(login: String, _ disabled: Bool, actorUserID: Int? = nil, by actor: AuditEvent) async throws -> AccountChange {
        try await client.withTransaction { connection in
            guard let row = try await connection.query("SELECT id FROM users WHERE login = \(login) FOR UPDATE").first else {
                throw IdentityError.unknownUser(login)
            }
            let id = try row.decode(Int.self, at: 0)
            if disabled, id == actorUserID { throw IdentityError.disableSelf }
            try await connection.query("""
                UPDATE users SET disabled_at = CASE WHEN \(disabled) THEN coalesce(disabled_at, now()) END WHERE id = \(id)
                """)
            let ended = disabled
                ? try await connection.query("UPDATE sessions SET ended_at = now() WHERE user_id = \(id) AND ended_at IS NULL").affectedRows
                : 0
            let held = try await connection.query(
                "SELECT count(*) FROM cases WHERE assignee_id = \(id) AND stage <> 'closed'")[0].decode(Int.self, at: 0)
            var event = actor
            event.action = disabled ? "user.disable" : "user.enable"
            event.entity = "user"
            event.entityID = login
            event.summary = ["sessions_ended": String(ended), "cases_held": String(held)]
            try await AuditLog.append(event, on: connection)
            let user = try await connection.query(Self.columns + " WHERE u.id = \(id)")[0].decodeUser()
            return AccountChange(user: user, sessionsEnded: ended, casesHeld: held)
        }
    }
}
