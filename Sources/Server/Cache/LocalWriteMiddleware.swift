import Hummingbird

/// Empties this instance's read caches when a state-changing request (anything but GET, HEAD and
/// OPTIONS) ends, unless it was refused with a 4xx: its transaction has committed by then, so the
/// next read — the caller's own included — goes to the database.
///
/// A refused request changed nothing a cached answer shows (huqi's handlers write in one
/// transaction that a refusal rolls back; a failed login's throttling row is not cached data),
/// so a flood of refused requests does not keep the caches empty. A 5xx may come after a commit
/// and empties them like a success.
///
/// Announcements would empty the right entries within milliseconds anyway; this makes reading
/// one's own write immediate instead of nearly so. Writes are rare next to reads: a cache emptied
/// by each costs one query per busy answer afterwards.
struct LocalWriteMiddleware: RouterMiddleware {
    typealias Context = HuqiRequestContext
    let caches: ReadCaches

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard ![.get, .head, .options].contains(request.method) else { return try await next(request, context) }
        do {
            let response = try await next(request, context)
            if !Self.refused(response.status) { caches.forgetAll() }
            return response
        } catch {
            if !((error as? any HTTPResponseError).map { Self.refused($0.status) } ?? false) { caches.forgetAll() }
            throw error
        }
    }

    private static func refused(_ status: HTTPResponse.Status) -> Bool { status.kind == .clientError }
}
