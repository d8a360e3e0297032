import Hummingbird
import HTTPTypes
import Postgres
import Store

/// While the database cannot be reached, every request fails fast with 503 and a Chinese
/// message (problem+json for the API, a page for the web pages) and `Retry-After`, instead of a
/// 500: the pool gives up on a connection it cannot open, and this turns that into an answer
/// clients can wait out.
///
/// The same for a database that is there but said "not now" (`PostgresError.isTransient`): a
/// lock not granted within the operator's `lock_timeout` — a second upload of a partner waits
/// for the first's turn —, a `statement_timeout`, a deadlock. Those are 503 `db.busy`, with
/// what happened in `detail`, and never a 500 `internal.error`: the request was fine and its
/// transaction was rolled back whole.
///
/// And for a database short of a resource (`PostgresError.isResourceShortage`: disk full, out of
/// memory, an operator's `temp_file_limit`): 503 `db.resources`, logged as an error, because an
/// administrator has to act.
struct DatabaseOutageMiddleware<Context: RequestContext>: RouterMiddleware {
    static var retryAfterSeconds: Int { 5 }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as PostgresError where error.isConnectionError {
            return try answer(request, Problem.databaseUnavailable, page: "数据库暂时不可用，请稍后重试。")
        } catch let error as PostgresError where error.isTransient {
            context.logger.notice("database busy", metadata: ["sqlstate": "\(error.sqlState ?? error.code.rawValue)", "path": "\(request.uri.path)"])
            let problem = Problem.databaseBusy.with(detail: BusyDatabase.reason(error))
            return try answer(request, problem, page: "\(problem.title)（\(problem.detail ?? "")）")
        } catch let error as PostgresError where error.isResourceShortage {
            context.logger.error("database short of resources", metadata: [
                "sqlstate": "\(error.sqlState ?? "")", "message": "\(error.message ?? "")", "path": "\(request.uri.path)",
            ])
            let problem = Problem.databaseResources.with(detail: DatabaseResources.reason(error))
            return try answer(request, problem, page: "\(problem.title)（\(problem.detail ?? "")）")
        }
    }

    /// A 503 page for the web pages, the problem (thrown, for the API's error handling) otherwise.
    private func answer(_ request: Request, _ problem: Problem, page message: String) throws -> Response {
        let path = request.uri.path
        if path.hasPrefix("/app") || path == "/login" || path == "/logout" {
            var response = WebPage.problem(.serviceUnavailable, title: "暂时无法服务", message: message, user: nil)
            response.headers[.retryAfter] = String(Self.retryAfterSeconds)
            return response
        }
        var problem = problem
        problem.retryAfterSeconds = Self.retryAfterSeconds
        throw problem
    }
}
