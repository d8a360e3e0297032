import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Server
import Testing
import TestSupport

/// A flood from one API key gets 429 with Retry-After and a Chinese message; other callers are
/// not affected; the budget refills with time.
@Suite("rate limit")
struct RateLimitTests {
    @Test("the bucket allows a burst, then refuses until it refills")
    func bucket() {
        let limiter = RateLimiter(.init(burst: 3, perSecond: 0.5))
        let start = ContinuousClock.now
        #expect((0..<3).allSatisfy { _ in limiter.take("key:1", now: start) == nil })
        #expect(limiter.take("key:1", now: start) == 2, "one token comes back in 2 s")
        #expect(limiter.take("key:2", now: start) == nil, "another caller has its own bucket")
        #expect(limiter.take("key:1", now: start + .seconds(2)) == nil)
        #expect(limiter.take("key:1", now: start + .seconds(2)) != nil)
    }

    @Test("over the limit: 429 problem+json with Retry-After; another key still served")
    func overHTTP() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            // One token back per 1 000 s: the fourth request is over the limit however slowly a
            // loaded machine serves the first three (at 0.1/s a full run once took 10 s for them).
            let app = try ServerHarness.application(client: client, rateLimit: .init(burst: 3, perSecond: 0.001))
            try await app.test(.router) { http in
                let a: HTTPFields = [.authorization: "Bearer \(fixture.keyA.plaintext)"]
                for _ in 0..<3 { #expect(try await http.execute(uri: "/api/v1/me", method: .get, headers: a).status == .ok) }
                let refused = try await http.execute(uri: "/api/v1/me", method: .get, headers: a)
                #expect(refused.status == .tooManyRequests)
                #expect(refused.headers[.retryAfter].flatMap { Int($0) }.map { $0 >= 1 } == true)
                #expect(String(buffer: refused.body).contains("\"code\":\"rate.limited\"") && String(buffer: refused.body).contains("请求过于频繁"))
                let b: HTTPFields = [.authorization: "Bearer \(fixture.keyB.plaintext)"]
                #expect(try await http.execute(uri: "/api/v1/me", method: .get, headers: b).status == .ok)
            }
        }
    }
}
