import Domain
import Hummingbird
import HTTPTypes
import Store

/// Finds out who is calling: `Authorization: Bearer <API key>` or the `huqi_session` cookie.
///
/// A request without credentials passes on anonymously (routes that need a principal ask for
/// one); wrong, revoked or expired credentials are refused here with 401 and a coded problem.
/// In a cookie session, every state-changing request must carry the session's CSRF token in
/// `X-CSRF-Token`. (The web pages, when they come, must also accept it as a form field.)
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = HuqiRequestContext
    static let cookieName = "huqi_session"
    static let csrfHeader = HeaderNames.csrfToken

    let keys: APIKeyRepository
    let sessions: SessionRepository
    /// Remembers the callers behind API keys (sessions are looked up every time: each request
    /// extends their idle timeout).
    let caches: ReadCaches

    /// What a session still signed in with an initial password may call.
    static let openWithInitialPassword: Set<String> = [
        "GET /api/v1/me", "POST /api/v1/session", "DELETE /api/v1/session", "POST /api/v1/me/password",
    ]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        do {
            if let header = request.headers[.authorization] {
                let parts = header.split(separator: " ", maxSplits: 1)
                guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw AuthError.headerMalformed
                }
                let presented = parts[1].trimmingCharacters(in: .whitespaces)
                context.principal = try await caches.principal(forKey: presented) { try await keys.authenticateWithExpiry(presented) }
                context.credential = .apiKey
            } else if let token = request.cookies[Self.cookieName]?.value, !token.isEmpty {
                let (principal, csrf, initial) = try await sessions.resolve(token: token)
                // Signed in with an administrator's initial password: who one is and signing
                // out, nothing else, until it is replaced (the 账号 page).
                if initial, !Self.openWithInitialPassword.contains("\(request.method.rawValue) \(request.uri.path)") {
                    throw IdentityError.passwordInitial
                }
                context.principal = principal
                context.credential = .session(token: token, csrfToken: csrf)
                if ![.get, .head, .options].contains(request.method), request.headers[Self.csrfHeader] != csrf {
                    throw AuthError.csrfMismatch
                }
            }
        } catch let error as IdentityError {
            throw Problem(error)
        }
        return try await next(request, context)
    }
}

/// Header names huqi reads beyond the standard ones.
public enum HeaderNames {
    /// The session's CSRF token on state-changing requests made with the session cookie.
    public static let csrfToken = HTTPField.Name("X-CSRF-Token")!
    /// Makes a repeated upload safe to retry (intake).
    public static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
}
