import Domain
import Foundation
import Hummingbird
import Metrics
import Store
import Synchronization

/// The read caches of one gateway instance — finished answers of the busiest read routes
/// (`ResponseCache`) and the callers behind API keys (`PrincipalCache`) — and whether they may
/// be used at all.
///
/// They may be used only while this instance provably hears every change: its `ChangeListener`
/// is subscribed to the database's announcements (`sql/0016`) and its own heartbeats come back
/// through them (a listener that silently lost its connection, or a connection pooler that
/// drops LISTEN, stops the heartbeats). Otherwise every request goes to the database as if there
/// were no cache. Becoming usable again starts from empty caches.
///
/// Scope stays checked in SQL: an answer is kept per caller, as the caller's scoped query
/// returned it, and only `200` answers are kept (a case outside the scope is a 404 every time).
/// This instance's own writes empty both caches when they finish (`LocalWriteMiddleware`), so a
/// caller always reads its own writes; another instance's or the command line's writes arrive as
/// announcements within milliseconds.
public final class ReadCaches: Sendable {
    /// Finished answers.
    public let responses: ResponseCache
    /// Callers behind API keys.
    public let principals: PrincipalCache
    /// This instance's name in heartbeats.
    let instance = String(UUID().uuidString.prefix(8)).lowercased()
    /// How long after its last returned heartbeat the caches stop being used.
    public let staleAfter: Duration

    /// When this instance's last heartbeat came back (monotonic nanoseconds; 0: none since the
    /// listener subscribed).
    private let lastHeartbeat = Atomic<UInt64>(0)
    private let heartbeatLock = Mutex(())
    private let tokens = Atomic<UInt64>(0)
    private let hits = Counter(label: "huqi_read_cache_requests_total", dimensions: [("result", "hit")])
    private let misses = Counter(label: "huqi_read_cache_requests_total", dimensions: [("result", "miss")])
    private let bypasses = Counter(label: "huqi_read_cache_requests_total", dimensions: [("result", "bypass")])

    /// Empty caches, unusable until a `ChangeListener` runs for them. `staleAfter` should be a
    /// few of the listener's heartbeat intervals.
    public init(responses: ResponseCache = ResponseCache(), principals: PrincipalCache = PrincipalCache(),
                staleAfter: Duration = .seconds(3)) {
        self.responses = responses
        self.principals = principals
        self.staleAfter = staleAfter
    }

    /// Whether the caches are being used now: a heartbeat came back within `staleAfter`.
    public var isUsable: Bool {
        let last = lastHeartbeat.load(ordering: .acquiring)
        return last != 0 && Self.monotonicNanoseconds() &- last < Self.nanoseconds(staleAfter)
    }

    // MARK: - Announcements and the listener

    /// Applies one announcement from the database.
    public func apply(_ change: DataChange) {
        switch change {
        case .oneCase(let id):
            responses.forget(caseID: id)
        case .everything:
            forgetAll()
        case .heartbeat(let from, _):
            guard from == instance else { return }
            heartbeatLock.withLock { _ in
                // Coming back after a gap: what was kept may have missed announcements.
                if !isUsable { forgetAll() }
                lastHeartbeat.store(Self.monotonicNanoseconds(), ordering: .releasing)
            }
        }
    }

    /// The listener lost its subscription: stop using the caches until a heartbeat returns.
    func listenerLost() {
        heartbeatLock.withLock { _ in
            lastHeartbeat.store(0, ordering: .releasing)
            forgetAll()
        }
    }

    /// Forgets everything (this instance changed data, or somebody changed what every answer
    /// depends on).
    public func forgetAll() {
        responses.forgetAll()
        principals.forgetAll()
    }

    private static func monotonicNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }

    private static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        return UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
    }

    // MARK: - Use

    /// The caller as remembered for a presented API key, else as `lookUp` finds it (and then
    /// remembered, within the key's expiry).
    func principal(forKey presented: String, lookUp: () async throws -> (principal: Principal, expiresAt: Date?)) async throws -> Principal {
        guard isUsable else { return try await lookUp().principal }
        let digest = PrincipalCache.digest(of: presented)
        if let known = principals.principal(for: digest) { return known }
        let generation = principals.generation
        let (principal, expiresAt) = try await lookUp()
        if isUsable { principals.remember(principal, for: digest, expiresAt: expiresAt, generation: generation) }
        return principal
    }

    /// The answer of a read-only route for this caller: kept, or produced by `route` and kept
    /// when it is a `200`.
    func answer(
        for principal: Principal, request: Request, dependency: ResponseCache.Dependency,
        route: () async throws -> Response
    ) async throws -> Response {
        guard isUsable else {
            bypasses.increment()
            return try await route()
        }
        let key = ResponseCache.Key(caller: Self.callerKey(principal), target: request.uri.description)
        let day = ShanghaiDay.current()
        if let kept = responses.lookup(key, day: day) {
            hits.increment()
            return Response(status: .ok, headers: kept.headers, body: ResponseBody(byteBuffer: kept.body))
        }
        misses.increment()
        let token = tokens.add(1, ordering: .relaxed).newValue
        guard responses.begin(key, dependency: dependency, token: token) else { return try await route() }
        do {
            let response = try await route()
            guard response.status == .ok, ShanghaiDay.current() == day else {
                responses.abandon(key, token: token)
                return response
            }
            let body = try await response.body.collected()
            if body.readableBytes <= Self.largestKeptBody {
                responses.finish(key, token: token, headers: response.headers, body: body, day: day)
            } else {
                responses.abandon(key, token: token)
            }
            return Response(status: .ok, headers: response.headers, body: ResponseBody(byteBuffer: body))
        } catch {
            responses.abandon(key, token: token)
            throw error
        }
    }

    /// The largest answer kept (a queue page of 500 cases is about 400 KB).
    static let largestKeptBody = 1_048_576

    static func callerKey(_ principal: Principal) -> String {
        switch principal.kind {
        case .user(let id, _): "u\(id)"
        case .partnerKey(_, let keyID): "k\(keyID)"
        }
    }
}

/// The Asia/Shanghai day number (days since 1970-01-01 there). China has kept UTC+8 without
/// daylight saving since 1991, so this is arithmetic, not a time-zone look-up on every request.
enum ShanghaiDay {
    static func current(now: Date = Date()) -> Int {
        Int(((now.timeIntervalSince1970 + 8 * 3600) / 86_400).rounded(.down))
    }
}
