import Domain
import Foundation
import HTTPTypes
import NIOCore
@testable import Server
import Store
import Testing

/// The rules of the two caches on their own, without a database: what is kept, what a change
/// forgets, and that an answer read before a change is never kept after it.
@Suite("read caches: storage rules")
struct ReadCacheStoreTests {
    let key = ResponseCache.Key(caller: "u1", target: "/api/v1/cases/7")
    let listKey = ResponseCache.Key(caller: "u1", target: "/api/v1/queues")
    let body = ByteBuffer(string: #"{"id":7}"#)

    @Test("an answer is kept only through its own placeholder, and a change during the fill discards it")
    func fillRace() {
        let cache = ResponseCache()
        #expect(cache.begin(key, dependency: .oneCase(7), token: 1))
        #expect(!cache.begin(key, dependency: .oneCase(7), token: 2), "a second fill of the same answer does not keep its own")
        cache.forget(caseID: 7)  // the case changed while the first fill was reading
        #expect(!cache.finish(key, token: 1, headers: [:], body: body, day: 100))
        #expect(cache.lookup(key, day: 100) == nil)

        #expect(cache.begin(key, dependency: .oneCase(7), token: 3))
        #expect(cache.finish(key, token: 3, headers: [.contentType: "application/json"], body: body, day: 100))
        #expect(cache.lookup(key, day: 100)?.body == body)
        #expect(cache.lookup(key, day: 101) == nil, "deadline states change with the day")
    }

    @Test("a case's change forgets that case's page and every list, not other cases' pages")
    func dependencies() {
        let cache = ResponseCache()
        let other = ResponseCache.Key(caller: "u1", target: "/api/v1/cases/8")
        for (key, dependency, token) in [(key, ResponseCache.Dependency.oneCase(7), UInt64(1)), (other, .oneCase(8), 2), (listKey, .anyCase, 3)] {
            #expect(cache.begin(key, dependency: dependency, token: token))
            #expect(cache.finish(key, token: token, headers: [:], body: body, day: 1))
        }
        cache.forget(caseID: 7)
        #expect(cache.lookup(key, day: 1) == nil)
        #expect(cache.lookup(listKey, day: 1) == nil)
        #expect(cache.lookup(other, day: 1) != nil)
        cache.forgetAll()
        #expect(cache.lookup(other, day: 1) == nil)
        #expect(cache.count.answers == 0 && cache.count.filling == 0)
    }

    @Test("past its bounds the cache drops the least recently used answers")
    func bounds() {
        let cache = ResponseCache(maximumEntries: 8)
        for n in 0..<8 {
            let key = ResponseCache.Key(caller: "u1", target: "/api/v1/cases/\(n)")
            #expect(cache.begin(key, dependency: .oneCase(Int64(n)), token: UInt64(n)))
            cache.finish(key, token: UInt64(n), headers: [:], body: body, day: 1)
        }
        _ = cache.lookup(ResponseCache.Key(caller: "u1", target: "/api/v1/cases/0"), day: 1)  // the oldest, used again
        let ninth = ResponseCache.Key(caller: "u1", target: "/api/v1/cases/8")
        #expect(cache.begin(ninth, dependency: .oneCase(8), token: 8))
        cache.finish(ninth, token: 8, headers: [:], body: body, day: 1)
        #expect(cache.count.answers < 9)
        #expect(cache.lookup(ResponseCache.Key(caller: "u1", target: "/api/v1/cases/0"), day: 1) != nil)
        #expect(cache.lookup(ResponseCache.Key(caller: "u1", target: "/api/v1/cases/1"), day: 1) == nil)
    }

    @Test("a caller is remembered within the key's expiry, and not at all when the look-up predates a change")
    func principals() {
        let cache = PrincipalCache(lifetime: 60)
        let principal = Principal(kind: .user(id: 3, login: "pros.jz"), label: "pros.jz", roles: [.prosecutor], unitCode: "210700")
        let (now, digest) = (Date(), PrincipalCache.digest(of: "huqi_x_y"))
        let generation = cache.generation
        cache.forgetAll()  // a key was revoked while this look-up ran
        cache.remember(principal, for: digest, expiresAt: nil, generation: generation, now: now)
        #expect(cache.principal(for: digest, now: now) == nil)

        cache.remember(principal, for: digest, expiresAt: now.addingTimeInterval(5), generation: cache.generation, now: now)
        #expect(cache.principal(for: digest, now: now.addingTimeInterval(4)) == principal)
        #expect(cache.principal(for: digest, now: now.addingTimeInterval(6)) == nil, "never past the key's expiry")
        cache.remember(principal, for: digest, expiresAt: nil, generation: cache.generation, now: now)
        #expect(cache.principal(for: digest, now: now.addingTimeInterval(61)) == nil, "never past the lifetime")
    }

    @Test("the caches are used only while this instance's heartbeats come back, and start empty each time")
    func liveness() async throws {
        let caches = ReadCaches(staleAfter: .seconds(1))
        #expect(!caches.isUsable, "no listener yet")
        caches.apply(.heartbeat(instance: "someone-else", sequence: 1))
        #expect(!caches.isUsable, "another instance's heartbeat proves nothing about this one")
        caches.apply(.heartbeat(instance: caches.instance, sequence: 1))
        #expect(caches.isUsable)
        #expect(caches.responses.begin(key, dependency: .oneCase(7), token: 1))
        caches.responses.finish(key, token: 1, headers: [:], body: body, day: 1)
        try await Task.sleep(for: .milliseconds(1_500))
        #expect(!caches.isUsable, "no heartbeat for longer than staleAfter")
        caches.apply(.heartbeat(instance: caches.instance, sequence: 2))
        #expect(caches.isUsable)
        #expect(caches.responses.lookup(key, day: 1) == nil, "what was kept before the gap is gone")
        caches.listenerLost()
        #expect(!caches.isUsable)
    }

    @Test("a kept answer's day is the Asia/Shanghai day, which turns at 16:00 UTC")
    func shanghaiDay() {
        let midnight = Date(timeIntervalSince1970: 1_795_708_800)  // 2026-11-27 00:00 in Shanghai
        #expect(ShanghaiDay.current(now: midnight) == 20_784)  // days from 1970-01-01 to 2026-11-27
        #expect(ShanghaiDay.current(now: midnight.addingTimeInterval(-1)) == 20_783)
        #expect(ShanghaiDay.current(now: midnight.addingTimeInterval(86_399)) == 20_784)
    }

    @Test("announcements are read as the triggers of sql/0016 write them")
    func payloads() {
        #expect(DataChange(payload: "case:42") == .oneCase(42))
        #expect(DataChange(payload: "all") == .everything)
        #expect(DataChange(payload: "beat:ab12cd34:7") == .heartbeat(instance: "ab12cd34", sequence: 7))
        #expect(DataChange(payload: "case:") == nil)
        #expect(DataChange(payload: "something-new") == nil)
        #expect(DataChange(payload: DataChange.heartbeatPayload(instance: "x", sequence: 3)) == .heartbeat(instance: "x", sequence: 3))
    }
}
