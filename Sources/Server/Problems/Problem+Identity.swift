import Hummingbird
import Store

extension Problem {
    /// The HTTP answer for an identity error: 401, 403, 404, 409, 422 or 429.
    public init(_ error: IdentityError) {
        let status: HTTPResponse.Status = switch error.kind {
        case .invalidInput: .unprocessableContent
        case .notFound: .notFound
        case .conflict: .conflict
        case .unauthenticated: .unauthorized
        case .forbidden: .forbidden
        case .throttled: .tooManyRequests
        }
        self.init(status: status, code: error.code, title: error.message)
        retryAfterSeconds = error.retryAfterSeconds
    }
}
