import Crypto
import Domain
import Foundation
import Synchronization

/// Callers behind API keys, remembered for a minute at most so that a busy client is not looked
/// up in the database on every request.
///
/// Keyed by the SHA-256 of the presented key (the key itself is not kept). Only successful
/// look-ups are remembered, never past the key's own expiry. A revoked key, a disabled person or
/// a changed role is forgotten at once: those changes are announced as `everything`, which
/// empties this cache (`ReadCaches`), and `ReadCaches` does not use it at all while
/// announcements might be missed.
public final class PrincipalCache: Sendable {
    private struct Entry {
        var principal: Principal
        var validUntil: Date
    }

    /// How long a caller is remembered (default 60 s): also how stale a key's `last_used_at` may get.
    public let lifetime: TimeInterval
    /// The most callers remembered; past it, the expired ones go, and if that is not enough, all.
    public let maximumEntries: Int
    private let entries = Mutex<(map: [SHA256Digest: Entry], generation: UInt64)>(([:], 0))

    /// An empty cache.
    public init(lifetime: TimeInterval = 60, maximumEntries: Int = 10_000) {
        self.lifetime = lifetime
        self.maximumEntries = maximumEntries
    }

    /// The digest a presented key is remembered under.
    static func digest(of presented: String) -> SHA256Digest { SHA256.hash(data: Data(presented.utf8)) }

    /// The caller remembered for this key, if still valid at `now`.
    func principal(for digest: SHA256Digest, now: Date = Date()) -> Principal? {
        entries.withLock { entries in
            guard let entry = entries.map[digest] else { return nil }
            guard entry.validUntil > now else {
                entries.map[digest] = nil
                return nil
            }
            return entry.principal
        }
    }

    /// The current generation: read it before looking a key up in the database and hand it to
    /// `remember`, which then refuses an answer read before a `forgetAll`.
    var generation: UInt64 { entries.withLock { $0.generation } }

    /// Remembers a caller until `min(now + lifetime, expiresAt)`, unless everything was
    /// forgotten since `generation` (the look-up may predate a revocation).
    func remember(_ principal: Principal, for digest: SHA256Digest, expiresAt: Date?, generation: UInt64, now: Date = Date()) {
        let validUntil = min(now.addingTimeInterval(lifetime), expiresAt ?? .distantFuture)
        guard validUntil > now else { return }
        entries.withLock { entries in
            guard entries.generation == generation else { return }
            if entries.map.count >= maximumEntries {
                entries.map = entries.map.filter { $0.value.validUntil > now }
                if entries.map.count >= maximumEntries { entries.map.removeAll() }
            }
            entries.map[digest] = Entry(principal: principal, validUntil: validUntil)
        }
    }

    /// Forgets every caller.
    public func forgetAll() {
        entries.withLock {
            $0.map.removeAll()
            $0.generation &+= 1
        }
    }

    /// The number of callers remembered.
    public var count: Int { entries.withLock { $0.map.count } }
}
