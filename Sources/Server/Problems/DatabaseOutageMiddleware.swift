import Hummingbird
import HTTPTypes
import Postgres

/// While the database cannot be reached, every request fails fast with 503 and a Chinese
/// message (problem+json for the API, a page for the web pages) and `Retry-After`, instead of a
/// 500: the pool gives up on a connection it cannot open, and this turns that into an answer
/// clients can wait out.
struct DatabaseOutageMiddleware<Context: RequestContext>: RouterMiddleware {
    static var retryAfterSeconds: Int { 5 }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as PostgresError where error.isConnectionError {
            let path = request.uri.path
            if path.hasPrefix("/app") || path == "/login" || path == "/logout" {
                var response = WebPage.problem(.serviceUnavailable, title: "暂时无法服务", message: "数据库暂时不可用，请稍后重试。", user: nil)
                response.headers[.retryAfter] = String(Self.retryAfterSeconds)
                return response
            }
            var problem = Problem.databaseUnavailable
            problem.retryAfterSeconds = Self.retryAfterSeconds
            throw problem
        }
    }
}
