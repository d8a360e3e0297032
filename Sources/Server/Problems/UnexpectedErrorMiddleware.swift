import Hummingbird
import HTTPTypes
import Logging
import Postgres

/// The last line: an error no handler turned into an answer (a bug) becomes a 500 with a
/// Chinese message and a stable code — problem+json for the API, a page for people — and one
/// error-level log line naming its kind, never an empty 500 or a stack in the answer. The log
/// keeps SQLSTATE and the constraint, not PostgreSQL's message or detail, which may quote
/// submitted values (personal data stays out of logs).
struct UnexpectedErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    static var problem: Problem {
        Problem(status: .internalServerError, code: "internal.error", title: "服务器内部错误，已记录。请稍后重试；如反复出现，请联系管理员。")
    }

    /// A query-string value of the request holds U+0000 (`%00`), which PostgreSQL
    /// text can neither store nor compare. Not a bug: the caller's input (JSON bodies and forms
    /// are refused earlier, by their readers, with the same code).
    static var nulProblem: Problem {
        Problem(status: .badRequest, code: "request.nul_character", title: "请求中含有空字符（\\u0000），无法处理。请删除后重试。")
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        let isPage = path.hasPrefix("/app") || path == "/login" || path == "/logout"
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError {
            throw error
        } catch let error as PostgresError where error.code == .nulInParameter {
            if isPage { return WebPage.problem(.badRequest, title: "请求无效", message: Self.nulProblem.title, user: nil) }
            throw Self.nulProblem
        } catch {
            context.logger.error("unexpected error", metadata: Self.metadata(error, request))
            if isPage {
                return WebPage.problem(.internalServerError, title: "服务器内部错误", message: Self.problem.title, user: nil)
            }
            throw Self.problem
        }
    }

    /// What the log line says about the error: its type, and for database errors the kind,
    /// SQLSTATE and constraint.
    static func metadata(_ error: any Error, _ request: Request) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["error_type": "\(type(of: error))", "method": "\(request.method)", "path": "\(request.uri.path)"]
        if let database = error as? PostgresError {
            metadata["pg_code"] = "\(database.code)"
            if let state = database.sqlState { metadata["sqlstate"] = "\(state)" }
            if let constraint = database.constraint { metadata["constraint"] = "\(constraint)" }
        }
        return metadata
    }
}
