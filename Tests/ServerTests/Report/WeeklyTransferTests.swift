import Domain
import Foundation
import Postgres
import Store
import Testing
import TestSupport

/// A 移送 in the weekly summary: the figures of a case count for the unit that had it at the
/// time (`sql/0024_case_unit_moves.sql`). The hand-made week 45 of `WeeklySummaryTests`, then
/// 锦州's leader moves P-3 (waiting in triage, its procedural reply overdue) to 沈阳 in week 46.
@Suite("weekly summary and 移送")
struct WeeklyTransferTests {
    static let week45 = ISOWeek("2026-W45")!, week46 = ISOWeek("2026-W46")!

    private struct Seen: Equatable {
        let triageStock: Int, overdue: Int, overdueCases: [String], openByUnit: [String: Int], acceptedByUnit: [String: Int]

        init(_ s: WeeklySummary) {
            triageStock = s.stages.first { $0.stage == .triage }!.stockAtEnd
            overdue = s.timeliness.overdueAtEnd
            overdueCases = s.overdueLongest.map { "\($0.externalRef) \($0.unitName)" }
            openByUnit = Dictionary(uniqueKeysWithValues: s.units.filter { $0.openAtEnd != 0 }.map { ($0.code, $0.openAtEnd) })
            acceptedByUnit = Dictionary(uniqueKeysWithValues: s.units.filter { $0.accepted != 0 }.map { ($0.code, $0.accepted) })
        }
    }

    @Test("the week before the 移送 keeps the case where it was; from its week on, its stage and overdue reply count for the new unit")
    func countsWhereItWas() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            try await client.query("UPDATE workflow_settings SET programme_start = '2026-10-01'")
            let last = try await WeeklySummaryTests().weekFortyFive(world)
            let (office, leader) = (try await world.principal("office"), try await world.principal("leader.jz"))
            let officeBefore = Seen(try await WeeklyQueries.compute(week: Self.week45, for: office, using: client))
            let leaderBefore = Seen(try await WeeklyQueries.compute(week: Self.week45, for: leader, using: client))
            #expect(officeBefore.overdueCases == ["P-3 锦州市人民检察院"] && officeBefore.openByUnit == ["210700": 4])
            #expect(leaderBefore.triageStock == 1 && leaderBefore.overdue == 1)

            let p3 = try await world.caseID("P-3")
            _ = try await CaseTransfer.transfer(caseID: p3, to: "210100", reason: "企业住所地在沈阳", by: leader, address: "t", using: client)
            // As if it happened on Tuesday of week 46.
            _ = try await WeeklySummaryTests().backdate(after: last, to: "2026-11-10 10:00+08", client)
            try await client.query("UPDATE case_unit_moves SET moved_at = '2026-11-10 10:00+08' WHERE case_id = \(p3)")

            #expect(Seen(try await WeeklyQueries.compute(week: Self.week45, for: office, using: client)) == officeBefore)
            #expect(Seen(try await WeeklyQueries.compute(week: Self.week45, for: leader, using: client)) == leaderBefore,
                    "week 45 was 锦州's, and its intake of P-3 stays 锦州's")

            let office46 = try await WeeklyQueries.compute(week: Self.week46, for: office, using: client)
            #expect(Seen(office46).openByUnit == ["210700": 3, "210100": 1])
            let moved = office46.units.filter { $0.movedIn + $0.movedOut > 0 }.map { "\($0.code) +\($0.movedIn) -\($0.movedOut)" }
            #expect(moved == ["210100 +1 -0", "210700 +0 -1"])
            #expect(office46.cities.first { $0.code == "210100" }?.movedIn == 1 && office46.cities.first { $0.code == "210700" }?.movedOut == 1)
            #expect(Seen(office46).overdueCases == ["P-3 沈阳市人民检察院", "P-2 锦州市人民检察院"], "P-2's result reply fell due on the 12th")
            #expect(Seen(office46).triageStock == 1 && office46.timeliness.overdueAtEnd == 2)
            let triage46 = office46.stages.first { $0.stage == .triage }!
            #expect(triage46.entered == 0 && triage46.left == 0, "a 移送 is not a stage change")
            #expect(triage46.movedIn == 1 && triage46.movedOut == 1, "from one unit of the province to another: once each")
            #expect(office46.triage.cumulative.petitionRelated == 3, "taken in by 锦州: counted there")

            let leaderSummary46 = try await WeeklyQueries.compute(week: Self.week46, for: leader, using: client)
            let leaderTriage46 = leaderSummary46.stages.first { $0.stage == .triage }!
            #expect((leaderTriage46.entered, leaderTriage46.left, leaderTriage46.movedIn, leaderTriage46.movedOut) == (0, 0, 0, 1),
                    "锦州's triage stock fell by the case it moved out")
            let leader46 = Seen(leaderSummary46)
            #expect(leader46.triageStock == 0 && leader46.overdue == 1 && leader46.overdueCases == ["P-2 锦州市人民检察院"])
            #expect(leader46.openByUnit == ["210700": 3])
        }
    }

    @Test("upgrading to sql/0024 finds the moves made before it in the timelines: 移送 and corrected regions")
    func movesBeforeTheUpgrade() async throws {
        try await TestDatabase.withClient(migrated: false) { client in
            let all = try Migration.load(from: TestDatabase.migrationsDirectory)
            // Every migration but 0024: the world below is made by today's code, which needs the later ones.
            try await Migrator(migrations: all.filter { $0.version != 24 }, logger: TestDatabase.logger).migrate(using: client)
            let world = try await WorkflowWorld.make(client: client)
            try await world.upload(WorkflowWorld.rows(2, prefix: "U", petition: true))
            let (u1, u2) = (try await world.caseID("U-1"), try await world.caseID("U-2"))
            _ = try await CaseTransfer.transfer(caseID: u1, to: "210781", reason: "由凌海市院办理", by: try await world.principal("leader.jz"),
                                                address: "t", using: client)
            try await world.upload([WorkflowWorld.rows(2, prefix: "U", petition: true, region: "沈阳市")[1]])  // U-2 corrected to 沈阳
            #expect(try await client.query("SELECT unit_code FROM cases WHERE id = \(u2)")[0].decode(String.self, at: 0) == "210100")
            try await client.query("INSERT INTO weekly_cache_weeks (week) VALUES ('2026-11-02')")

            try await Migrator(migrations: all, logger: TestDatabase.logger).migrate(using: client)
            let moves = try await client.query("""
                SELECT m.case_id, m.from_unit, m.to_unit, m.moved_at = e.occurred_at
                FROM case_unit_moves m JOIN case_events e ON e.case_id = m.case_id AND e.kind IN ('transfer', 'update')
                ORDER BY m.id
                """).map { try $0.decode((Int64, String, String, Bool).self) }
            #expect(moves.count == 2)
            #expect(moves.first.map { $0 == (u1, "210700", "210781", true) } == true)
            #expect(moves.last.map { $0 == (u2, "210700", "210100", true) } == true)
            #expect(try await client.query("SELECT count(*) FROM weekly_cache_weeks")[0].decode(Int.self, at: 0) == 0,
                    "weeks summed the old way are summed again")
        }
    }

    @Test("a snapshot issued before moves were counted reads back with none")
    func snapshotsBefore() throws {
        var flow = WeeklySummary.StageFlow(stage: .triage, name: Stage.triage.chineseName)
        (flow.entered, flow.left, flow.stockAtEnd, flow.movedIn) = (3, 1, 2, 1)
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        var fields = try #require(try JSONSerialization.jsonObject(with: try encoder.encode(flow)) as? [String: Any])
        #expect(fields["moved_in"] as? Int == 1)
        (fields["moved_in"], fields["moved_out"]) = (nil, nil)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let old = try decoder.decode(WeeklySummary.StageFlow.self, from: try JSONSerialization.data(withJSONObject: fields))
        #expect((old.entered, old.left, old.stockAtEnd, old.movedIn, old.movedOut) == (3, 1, 2, 0, 0))

        var area = WeeklySummary.AreaRow(code: "210700", name: "锦州市人民检察院")
        (area.accepted, area.openAtEnd, area.movedOut) = (4, 3, 1)
        var row = try #require(try JSONSerialization.jsonObject(with: try encoder.encode(area)) as? [String: Any])
        (row["moved_in"], row["moved_out"]) = (nil, nil)
        let oldArea = try decoder.decode(WeeklySummary.AreaRow.self, from: try JSONSerialization.data(withJSONObject: row))
        #expect((oldArea.accepted, oldArea.openAtEnd, oldArea.movedIn, oldArea.movedOut) == (4, 3, 0, 0))
    }
}
