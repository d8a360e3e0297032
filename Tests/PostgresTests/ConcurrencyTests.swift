import Foundation
import Postgres
import Testing
import TestSupport

@Suite("blocking calls stay off the cooperative pool")
struct ConcurrencyTests {
    @Test("8 concurrent pg_sleep(1) on a pool of 8 finish together while an unrelated task keeps running")
    func sleepsRunInParallel() async throws {
        try await TestDatabase.withClient(migrated: false, maximumConnections: 8) { client in
            // Open the 8 connections first so the measurement is about queries, not connects.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<8 { group.addTask { try await client.query("SELECT pg_sleep(0.2)") } }
                try await group.waitForAll()
            }
            let clock = ContinuousClock()
            let ticker = Task { () -> Int in
                var ticks = 0
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(10))
                    ticks += 1
                }
                return ticks
            }
            let elapsed = try await clock.measure {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<8 { group.addTask { try await client.query("SELECT pg_sleep(1)") } }
                    try await group.waitForAll()
                }
            }
            ticker.cancel()
            let ticks = await ticker.value
            // Serial execution would take 8 s; two cores blocked by libpq would starve the ticker.
            #expect(elapsed < .seconds(4))
            // Free: ~100 ticks per second; blocked pool (measured before the fix): 4 ticks in 8 s.
            #expect(ticks > 10, "the unrelated task ticked only \(ticks) times in \(elapsed)")
        }
    }
}
