import Domain
import Postgres
import Store
import Testing
import TestSupport

/// The increment cache behind the weekly summary: over a random but consistent history of eight
/// weeks, every figure equals what the plain definition over the whole history gives (written
/// here as its own SQL, not through the cache), week after week, in the office's and a leader's
/// scope, with cases moved between units counted where they were; rows written later into a
/// cached week are seen.
@Suite("weekly increment cache")
struct WeeklyCacheTests {
    static let weeks = (40...47).map { ISOWeek(year: 2026, week: $0)! }
    static let programmeStart = CalendarDate(iso: "2026-10-07")!  // a Wednesday: week 41 counts from then on
    /// 锦州 and the units below it, as a condition over a case's unit (`Figures.defined`).
    static let jinzhou = "$UNIT IN (SELECT code FROM units WHERE path LIKE (SELECT path FROM units WHERE code = '210700') || '%')"

    @Test("every figure equals its definition over the whole history, for eight weeks and two scopes")
    func equalsDefinition() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            try await RandomHistory.write(world, seed: 2026)
            for week in Self.weeks {
                let office = Figures(try await WeeklyQueries.compute(week: week, for: try await world.principal("office"), using: client))
                let officeDefined = try await Figures.defined(week: week, scope: "TRUE", client: client)
                #expect(office == officeDefined, "office, \(week): \(office.difference(from: officeDefined))")
                let leader = Figures(try await WeeklyQueries.compute(week: week, for: try await world.principal("leader.jz"), using: client))
                let leaderDefined = try await Figures.defined(week: week, scope: Self.jinzhou, client: client)
                #expect(leader == leaderDefined, "leader, \(week): \(leader.difference(from: leaderDefined))")
            }
            let cached = try await client.query("SELECT count(*) FROM weekly_cache_weeks WHERE week BETWEEN '2026-09-28' AND '2026-11-16'")
            #expect(try cached[0].decode(Int.self, at: 0) == 8, "weeks 40–47 are final and cached")
        }
    }

    @Test("an event written later into a cached week shows in the next summary; a move today changes no past week, one dated back does")
    func invalidation() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            try await RandomHistory.write(world, seed: 7)
            let office = try await world.principal("office"), leader = try await world.principal("leader.jz")
            let week = Self.weeks.last!
            let before = try await WeeklyQueries.compute(week: week, for: office, using: client)
            let caseID = try await client.query("""
                SELECT case_id FROM case_events WHERE kind = 'intake' AND occurred_at < '2026-10-12' ORDER BY id LIMIT 1
                """)[0].decode(Int64.self, at: 0)
            try await client.query("""
                INSERT INTO case_events (case_id, kind, actor, occurred_at, payload)
                VALUES (\(caseID), 'override', 'repair', '2026-10-14 10:00+08', '{"petition_related": true}')
                """)
            #expect(try await client.query("SELECT count(*) FROM weekly_cache_weeks WHERE week >= '2026-10-12'")[0].decode(Int.self, at: 0) == 0)
            let after = try await WeeklyQueries.compute(week: week, for: office, using: client)
            #expect(after.triage.cumulative.overrides == before.triage.cumulative.overrides + 1)
            #expect(Figures(after) == (try await Figures.defined(week: week, scope: "TRUE", client: client)))

            let leaderBefore = try await WeeklyQueries.compute(week: week, for: leader, using: client)
            let cachedBefore = try await client.query("SELECT count(*) FROM weekly_cache_weeks")[0].decode(Int.self, at: 0)
            let moved = try await client.query("""
                UPDATE cases SET unit_code = '210100' WHERE id = (SELECT min(id) FROM cases WHERE unit_code = '210700' AND stage <> 'closed')
                RETURNING id
                """)
            #expect(moved.count == 1)
            let recorded = try await client.query("""
                SELECT m.from_unit, m.to_unit, m.moved_at > now() - interval '1 minute'
                FROM case_unit_moves m WHERE m.case_id = \(try moved[0].decode(Int64.self, at: 0)) ORDER BY m.id DESC LIMIT 1
                """)
            let move = try #require(recorded.first).decode((String, String, Bool).self)
            #expect(move == ("210700", "210100", true), "recorded by the trigger, with the time of the change")
            #expect(try await client.query("SELECT count(*) FROM weekly_cache_weeks")[0].decode(Int.self, at: 0) == cachedBefore,
                    "a move today changes no past week: nothing is forgotten")
            let leaderAfter = try await WeeklyQueries.compute(week: week, for: leader, using: client)
            #expect(leaderAfter == leaderBefore, "the case was 锦州's in week 47; it stays so in week 47's figures")
            #expect(Figures(leaderAfter) == (try await Figures.defined(week: week, scope: Self.jinzhou, client: client)))

            // A 移送 done on paper on 10 November, recorded now and dated back by hand.
            let repaired = try await client.query("""
                UPDATE cases SET unit_code = '210781'
                WHERE id = (SELECT c.id FROM cases c WHERE c.unit_code = '210700' AND c.stage <> 'closed'
                              AND NOT EXISTS (SELECT 1 FROM case_unit_moves m WHERE m.case_id = c.id)
                              AND (SELECT min(occurred_at) FROM case_events e WHERE e.case_id = c.id) < '2026-11-10' ORDER BY c.id LIMIT 1)
                RETURNING id
                """)
            #expect(repaired.count == 1)
            try await client.query("""
                UPDATE case_unit_moves SET moved_at = '2026-11-10 10:00+08' WHERE case_id = \(try repaired[0].decode(Int64.self, at: 0))
                """)
            #expect(try await client.query("SELECT count(*) FROM weekly_cache_weeks WHERE week >= '2026-11-09'")[0].decode(Int.self, at: 0) == 0)
            #expect(try await client.query("SELECT count(*) FROM weekly_cache_weeks WHERE week < '2026-11-09'")[0].decode(Int.self, at: 0) > 0)
            let leaderRepaired = try await WeeklyQueries.compute(week: week, for: leader, using: client)
            func openAt(_ summary: WeeklySummary, _ unit: String) -> Int { summary.units.first { $0.code == unit }?.openAtEnd ?? 0 }
            #expect(openAt(leaderRepaired, "210781") == openAt(leaderAfter, "210781") + 1
                    && openAt(leaderRepaired, "210700") == openAt(leaderAfter, "210700") - 1)
            #expect(Figures(leaderRepaired) == (try await Figures.defined(week: week, scope: Self.jinzhou, client: client)))
            let officeRepaired = try await WeeklyQueries.compute(week: week, for: office, using: client)
            #expect(Figures(officeRepaired) == (try await Figures.defined(week: week, scope: "TRUE", client: client)))
        }
    }

    @Test("summaries computed at the same time fill each week once and agree")
    func concurrentFill() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            try await RandomHistory.write(world, seed: 11)
            let office = try await world.principal("office")
            let summaries = try await withThrowingTaskGroup(of: WeeklySummary.self) { group in
                for _ in 0..<4 { group.addTask { try await WeeklyQueries.compute(week: Self.weeks.last!, for: office, using: client) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(summaries.count == 4 && summaries.allSatisfy { $0 == summaries[0] })
            let duplicates = try await client.query("""
                SELECT count(*) FROM (SELECT week, unit_code, partner_id, metric, key FROM weekly_increments
                                      GROUP BY 1, 2, 3, 4, 5 HAVING count(*) > 1) d
                """)
            #expect(try duplicates[0].decode(Int.self, at: 0) == 0)
        }
    }
}
