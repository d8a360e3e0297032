import Hummingbird

/// Empties this instance's read caches when a state-changing request (anything but GET, HEAD and
/// OPTIONS) ends, whether it succeeded or not: its transaction has committed or rolled back by
/// then, so the next read — the caller's own included — goes to the database.
///
/// Announcements would empty the right entries within milliseconds anyway; this makes reading
/// one's own write immediate instead of nearly so. Writes are rare next to reads: a cache emptied
/// by each costs one query per busy answer afterwards.
struct LocalWriteMiddleware: RouterMiddleware {
    typealias Context = HuqiRequestContext
    let caches: ReadCaches

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard ![.get, .head, .options].contains(request.method) else { return try await next(request, context) }
        defer { caches.forgetAll() }
        return try await next(request, context)
    }
}
