import Foundation
import Hummingbird
import HTTPTypes
import Synchronization

/// A per-caller rate limit for the API: a token bucket per principal (API key or user), in
/// memory, per instance. A caller over its budget gets 429 with `Retry-After` and a Chinese
/// message; memory stays bounded because idle buckets are dropped once there are many.
public final class RateLimiter: Sendable {
    /// Burst size and sustained rate.
    public struct Configuration: Sendable {
        public var burst: Double
        public var perSecond: Double
        /// Defaults: 600 requests at once, 100 a second after that (`HUQI_RATE_LIMIT` sets the rate).
        public init(burst: Double = 600, perSecond: Double = 100) {
            self.burst = burst
            self.perSecond = perSecond
        }
    }

    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    /// The limits.
    public let configuration: Configuration
    private let buckets = Mutex<[String: Bucket]>([:])
    static let maximumBuckets = 10_000

    /// A limiter with these limits.
    public init(_ configuration: Configuration) { self.configuration = configuration }

    /// Takes one token for `caller`; nil when allowed, else the seconds to wait.
    public func take(_ caller: String, now: ContinuousClock.Instant = .now) -> Int? {
        buckets.withLock { buckets in
            if buckets.count > Self.maximumBuckets {
                // Drop the callers whose bucket has refilled: they lose nothing.
                buckets = buckets.filter { refilled($0.value, now: now).tokens < configuration.burst }
            }
            var bucket = refilled(buckets[caller] ?? Bucket(tokens: configuration.burst, updated: now), now: now)
            defer { buckets[caller] = bucket }
            guard bucket.tokens >= 1 else {
                return max(1, Int(((1 - bucket.tokens) / configuration.perSecond).rounded(.up)))
            }
            bucket.tokens -= 1
            return nil
        }
    }

    private func refilled(_ bucket: Bucket, now: ContinuousClock.Instant) -> Bucket {
        let elapsed = now - bucket.updated
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Bucket(tokens: min(configuration.burst, bucket.tokens + seconds * configuration.perSecond), updated: now)
    }
}

/// Applies the `RateLimiter` to every authenticated API request (anonymous ones are refused
/// elsewhere or cheap).
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = HuqiRequestContext
    let limiter: RateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let principal = context.principal, let wait = limiter.take(principal.auditActor) {
            var problem = Problem(status: .tooManyRequests, code: "rate.limited", title: "请求过于频繁，请稍后再试。")
            problem.retryAfterSeconds = wait
            throw problem
        }
        return try await next(request, context)
    }
}
