import Domain
import Hummingbird
import NIOCore
import Store

/// The request context of every huqi route: Hummingbird's core storage plus who is calling.
public struct HuqiRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The authenticated caller, set by `AuthenticationMiddleware`; nil for anonymous requests.
    public var principal: Principal?
    /// How the caller authenticated, for CSRF and logout.
    public var credential: Credential?
    /// The client's address (no port), for the audit log and login throttling.
    public let clientAddress: String

    /// How a request was authenticated.
    public enum Credential: Sendable {
        case apiKey
        case session(token: String, csrfToken: String)
    }

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress ?? ""
    }

    /// The principal, or a 401 `auth.required`.
    public func requirePrincipal() throws -> Principal {
        guard let principal else { throw Problem(AuthError.required) }
        return principal
    }
}
