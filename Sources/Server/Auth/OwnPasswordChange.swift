import Domain
import Postgres
import Store

/// A person replacing their own password from a signed-in browser session: the 账号 page's form
/// and `POST /api/v1/me/password` both come here, so both follow the same rules.
///
/// The new password must pass `PasswordRules` and differ from the current one; a wrong current
/// password counts as a failed sign-in for the login throttle (so this is no side door for
/// guessing). On success every other session of the person ends (`UserRepository
/// .changeOwnPassword`, audited as `user.password_change`) and the asking session continues under
/// a new token, so a copied cookie is worth nothing.
struct OwnPasswordChange: Sendable {
    let database: PostgresClient
    let passwords: PasswordHasher

    /// What a change did.
    struct Outcome: Sendable {
        /// How many other sessions of the person were ended.
        let sessionsEnded: Int
        /// The session the asking browser continues with (nil only if its own session ended
        /// meanwhile; the password is changed all the same).
        let session: SessionRepository.Issued?
    }

    /// Changes the password of the session's user; throws `IdentityError` (wrong current
    /// password, unchanged, too weak, throttled, changed meanwhile).
    func perform(principal: Principal, sessionToken: String, current: String, new: String, address: String) async throws -> Outcome {
        guard let userID = principal.userID else { throw AuthError.forbidden }
        let throttle = LoginThrottle(client: database)
        try PasswordRules.check(new)
        try await throttle.check(login: principal.label, address: address)
        let users = UserRepository(client: database)
        let stored = try await users.password(userID: userID).hash
        guard let stored, try await passwords.verify(current, against: stored) else {
            try await throttle.recordFailure(login: principal.label, address: address)
            throw IdentityError.passwordWrong
        }
        guard new != current else { throw IdentityError.passwordUnchanged }
        let ended = try await users.changeOwnPassword(
            userID: userID, from: stored, to: try await passwords.hash(new), keepingSession: sessionToken,
            by: AuditEvent(by: principal, action: "user.password_change", address: address))
        return Outcome(sessionsEnded: ended, session: try await SessionRepository(client: database).rotate(token: sessionToken))
    }
}
