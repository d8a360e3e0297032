import Hummingbird
import Store

extension Problem {
    /// The HTTP answer for a refused workflow action: 404, 403, 409 or 422.
    public init(_ error: CaseActionError) {
        let status: HTTPResponse.Status = switch error.kind {
        case .notFound: .notFound
        case .forbidden: .forbidden
        case .conflict: .conflict
        case .invalid: .unprocessableContent
        }
        self.init(status: status, code: error.code, title: error.message)
        field = error.field
    }
}
