import HTTPTypes
import NIOCore
import Synchronization

/// Finished `200` answers of read-only routes, per caller and request target, in memory.
///
/// Only the storage and its invalidation rules live here; when it may be used at all is
/// `ReadCaches`' business. An answer is filled in three steps — `begin` leaves a placeholder,
/// the route runs against the database, `finish` keeps the answer only if the placeholder is
/// still there — so a change announced while the route was reading (which removes the
/// placeholder) can never leave an answer from before the change behind.
public final class ResponseCache: Sendable {
    /// What an answer was computed from, so a change forgets exactly what it may have altered.
    public enum Dependency: Sendable, Hashable {
        /// One case's page.
        case oneCase(Int64)
        /// Any case in the caller's scope (queue counts, lists).
        case anyCase
    }

    /// A caller (`u12` for user 12, `k7` for API key 7) and the request's path and query.
    struct Key: Hashable, Sendable {
        var caller: String
        var target: String
    }

    /// A kept answer and the Asia/Shanghai day it was computed on (deadline states depend on it).
    struct Answer: Sendable {
        var headers: HTTPFields
        var body: ByteBuffer
        var day: Int
        var lastUse: UInt64
    }

    private enum Slot {
        case filling(token: UInt64)
        case ready(Answer)
    }

    private struct State {
        var slots: [Key: Slot] = [:]
        var dependency: [Key: Dependency] = [:]
        var byCase: [Int64: Set<Key>] = [:]
        var anyCase: Set<Key> = []
        var bytes = 0
        var ticks: UInt64 = 0
    }

    /// The most answers kept, and the most body bytes; past either the least recently used
    /// quarter is dropped.
    public let maximumEntries: Int
    public let maximumBytes: Int
    private let state = Mutex(State())

    /// An empty cache with these bounds.
    public init(maximumEntries: Int = 20_000, maximumBytes: Int = 64 * 1_048_576) {
        self.maximumEntries = maximumEntries
        self.maximumBytes = maximumBytes
    }

    /// The kept answer for `key` computed on `day`, if any.
    func lookup(_ key: Key, day: Int) -> Answer? {
        state.withLock { state in
            guard case .ready(var answer)? = state.slots[key], answer.day == day else { return nil }
            state.ticks += 1
            answer.lastUse = state.ticks
            state.slots[key] = .ready(answer)
            return answer
        }
    }

    /// Leaves a placeholder for `key`; false when another request is filling it already (this
    /// one then answers without keeping its answer).
    func begin(_ key: Key, dependency: Dependency, token: UInt64) -> Bool {
        state.withLock { state in
            if case .filling? = state.slots[key] { return false }
            Self.remove(key, from: &state)
            state.slots[key] = .filling(token: token)
            state.dependency[key] = dependency
            switch dependency {
            case .oneCase(let id): state.byCase[id, default: []].insert(key)
            case .anyCase: state.anyCase.insert(key)
            }
            return true
        }
    }

    /// Keeps `answer` if the placeholder `token` is still in place; returns whether it was kept.
    @discardableResult
    func finish(_ key: Key, token: UInt64, headers: HTTPFields, body: ByteBuffer, day: Int) -> Bool {
        state.withLock { state in
            guard case .filling(let placed)? = state.slots[key], placed == token else { return false }
            state.ticks += 1
            state.slots[key] = .ready(Answer(headers: headers, body: body, day: day, lastUse: state.ticks))
            state.bytes += body.readableBytes
            if state.slots.count > maximumEntries || state.bytes > maximumBytes { Self.evictLeastRecentlyUsed(from: &state) }
            return true
        }
    }

    /// Removes the placeholder `token` (the route failed or its answer is not kept).
    func abandon(_ key: Key, token: UInt64) {
        state.withLock { state in
            if case .filling(let placed)? = state.slots[key], placed == token { Self.remove(key, from: &state) }
        }
    }

    /// Forgets every answer (and placeholder) computed from this case, and every list.
    public func forget(caseID: Int64) {
        state.withLock { state in
            for key in state.byCase[caseID] ?? [] { Self.remove(key, from: &state) }
            for key in state.anyCase { Self.remove(key, from: &state) }
        }
    }

    /// Forgets everything.
    public func forgetAll() {
        state.withLock { state in
            let ticks = state.ticks
            state = State()
            state.ticks = ticks
        }
    }

    /// The number of answers kept and of fills under way.
    public var count: (answers: Int, filling: Int) {
        state.withLock { state in
            let filling = state.slots.values.count { if case .filling = $0 { true } else { false } }
            return (state.slots.count - filling, filling)
        }
    }

    private static func remove(_ key: Key, from state: inout State) {
        guard let slot = state.slots.removeValue(forKey: key) else { return }
        if case .ready(let answer) = slot { state.bytes -= answer.body.readableBytes }
        switch state.dependency.removeValue(forKey: key) {
        case .oneCase(let id)?:
            state.byCase[id]?.remove(key)
            if state.byCase[id]?.isEmpty == true { state.byCase[id] = nil }
        case .anyCase?: state.anyCase.remove(key)
        case nil: break
        }
    }

    private static func evictLeastRecentlyUsed(from state: inout State) {
        let ready = state.slots.compactMap { key, slot -> (Key, UInt64)? in
            if case .ready(let answer) = slot { (key, answer.lastUse) } else { nil }
        }
        for (key, _) in ready.sorted(by: { $0.1 < $1.1 }).prefix(max(1, ready.count / 4)) { remove(key, from: &state) }
    }
}
