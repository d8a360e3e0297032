import Domain
import Hummingbird
import Store

/// What the administrators' API routes share: who may call them, and how the repositories'
/// refusals become answers.
enum AdministratorAPI {
    /// The caller, who must hold the admin role; anyone else is 403 `auth.forbidden` with
    /// `refusal` (a Chinese sentence naming what only an administrator may do).
    static func caller(_ context: HuqiRequestContext, refusal: String) throws -> Principal {
        let principal = try context.requirePrincipal()
        guard AccessPolicy.canAdminister(principal) else { throw Problem(status: .forbidden, code: "auth.forbidden", title: refusal) }
        return principal
    }

    /// Runs `work`; an `IdentityError` (a taken login, a role without its unit, …) becomes its
    /// problem answer with the same code and sentence the pages show.
    static func answeringIdentityErrors<T>(_ work: () async throws -> T) async throws -> T {
        do { return try await work() } catch let error as IdentityError { throw Problem(error) }
    }
}
