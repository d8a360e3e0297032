import Domain
import Foundation
import Postgres

/// A person's password as the 账号 page shows it (never the hash).
public struct PasswordState: Sendable, Equatable {
    /// When the password was last set (nil: before huqi recorded it, or no password).
    public var changedAt: Date?
    /// Someone else set it (an administrator or operator): its owner is asked to replace it.
    public var isInitial: Bool
    /// Whether the person has a password at all (an API-token-only account has none).
    public var exists: Bool
}

extension IdentityError {
    /// The current password given on the 账号 page is wrong.
    public static let passwordWrong = IdentityError(.invalidInput, "identity.password_wrong", "当前密码不正确。")
    /// The new password and its repetition differ.
    public static let passwordMismatch = IdentityError(.invalidInput, "identity.password_mismatch", "两次输入的新密码不一致。")
    /// The new password is the current one.
    public static let passwordUnchanged = IdentityError(.invalidInput, "identity.password_unchanged", "新密码不能与当前密码相同。")
    /// The password changed between reading and writing it (another tab, an administrator).
    public static let passwordChangedMeanwhile = IdentityError(.conflict, "identity.password_changed_meanwhile",
                                                              "密码刚刚被修改过（其他页面或管理员），请重新输入当前密码。")
    /// A person still signed in with the initial password an administrator set: until they
    /// replace it on the 账号 page, their session opens nothing else.
    public static let passwordInitial = IdentityError(.forbidden, "identity.password_initial",
                                                      "您的密码是管理员设置的初始密码，请先在网页的“账号”页（或 POST /api/v1/me/password）改为只有您知道的密码，再使用其他功能。")
    /// An administrator tried to reset their own password on the users page.
    public static let resetSelf = IdentityError(.conflict, "identity.reset_self", "不能在这里重置自己的密码，请在“账号”页修改。")
}

extension UserRepository {
    /// The stored bcrypt hash and state of a person's password.
    public func password(userID: Int) async throws -> (hash: String?, state: PasswordState) {
        guard let row = try await client.query(
            "SELECT password_hash, password_changed_at, password_is_initial FROM users WHERE id = \(userID)").first else {
            throw AuthError.keyInvalid
        }
        let (hash, changedAt, initial) = try row.decode((String?, Date?, Bool).self)
        return (hash, PasswordState(changedAt: changedAt, isInitial: initial, exists: hash != nil))
    }

    /// Of these logins, the ones whose password is still an initial one someone else set (the
    /// users page marks them, so an administrator can remind them).
    public func withInitialPassword(_ logins: [String]) async throws -> Set<String> {
        guard !logins.isEmpty else { return [] }
        return Set(try await client.query("SELECT login FROM users WHERE password_is_initial AND login = ANY(\(logins))")
            .map { try $0.decode(String.self, at: 0) })
    }

    /// A person replaces their own password, audited as `user.password_change`.
    ///
    /// `expected` is the hash the caller verified the current password against: when it is no
    /// longer the stored one, nothing changes (`identity.password_changed_meanwhile`). Every
    /// other web session of the person ends — whoever knew the old password is signed out —
    /// while `keepingSession` (the cookie token of the page that asked) stays signed in.
    /// Returns how many sessions ended.
    public func changeOwnPassword(userID: Int, from expected: String, to newHash: String, keepingSession token: String,
                                  by actor: AuditEvent) async throws -> Int {
        try await client.withTransaction { connection in
            guard let row = try await connection.query("""
                UPDATE users SET password_hash = \(newHash), password_changed_at = now(), password_is_initial = false
                WHERE id = \(userID) AND password_hash = \(expected) AND disabled_at IS NULL
                RETURNING login
                """).first else { throw IdentityError.passwordChangedMeanwhile }
            let login = try row.decode(String.self, at: 0)
            let ended = try await connection.query("""
                UPDATE sessions SET ended_at = now()
                WHERE user_id = \(userID) AND ended_at IS NULL AND token_sha256 <> \(SessionRepository.digest(token))
                """).affectedRows
            try await AuditLog.append(Self.passwordEvent(actor, "user.password_change", login: login, sessionsEnded: ended), on: connection)
            return ended
        }
    }

    /// An administrator or operator gives someone a new password (a forgotten one), audited as
    /// `user.password_reset`. It is an initial password: the pages ask its owner to replace it.
    /// Every web session of the person ends. `actorUserID`: the administrator, who changes
    /// their own password on the 账号 page instead (`identity.reset_self`).
    /// Returns how many sessions ended.
    public func resetPassword(login: String, to newHash: String, actorUserID: Int? = nil, by actor: AuditEvent) async throws -> Int {
        try await client.withTransaction { connection in
            guard let row = try await connection.query("SELECT id FROM users WHERE login = \(login) FOR UPDATE").first else {
                throw IdentityError.unknownUser(login)
            }
            let id = try row.decode(Int.self, at: 0)
            if id == actorUserID { throw IdentityError.resetSelf }
            try await connection.query("""
                UPDATE users SET password_hash = \(newHash), password_changed_at = now(), password_is_initial = true WHERE id = \(id)
                """)
            let ended = try await connection.query(
                "UPDATE sessions SET ended_at = now() WHERE user_id = \(id) AND ended_at IS NULL").affectedRows
            try await AuditLog.append(Self.passwordEvent(actor, "user.password_reset", login: login, sessionsEnded: ended), on: connection)
            return ended
        }
    }

    /// The audit event of a password change: who, whose, how many sessions ended (never a hash).
    private static func passwordEvent(_ actor: AuditEvent, _ action: String, login: String, sessionsEnded: Int) -> AuditEvent {
        var event = actor
        event.action = action
        event.entity = "user"
        event.entityID = login
        event.summary = ["sessions_ended": String(sessionsEnded)]
        return event
    }
}
