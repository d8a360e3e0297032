import Domain
import Foundation
import Postgres
import Server
import Store
import Testing
import TestSupport

/// The fixture batches plus the scripted week of fixtures/workflow/week-actions.txt give the
/// believable summary the script's header promises.
@Suite("fixture week")
struct FixtureWeekTests {
    static let folder = TestDatabase.repositoryRoot.appendingPathComponent("fixtures")

    /// Runs the script as `leader`; each line goes through huqi's own workflow path.
    static func runScript(as leader: Principal, client: PostgresClient) async throws -> Int {
        let text = try String(contentsOf: folder.appendingPathComponent("workflow/week-actions.txt"), encoding: .utf8)
        var count = 0
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.isEmpty {
            let parts = line.split(separator: " ", maxSplits: 2).map(String.init)
            let id = try await client.query("SELECT id FROM cases WHERE external_ref = \(parts[0])")[0].decode(Int64.self, at: 0)
            let json = Data(parts[2].utf8)
            switch parts[1] {
            case "transition":
                _ = try await CaseTransitions.perform(caseID: id, try JSONDecoder().decode(TransitionRequest.self, from: json),
                                                      by: leader, address: "fixture", using: client)
            case "typical":
                let body = try JSONDecoder().decode([String: String].self, from: json)
                try await CaseStewardship.markTypical(caseID: id, summary: body["summary"]!, by: leader, address: "fixture", using: client)
            case "lead":
                let body = try JSONDecoder().decode([String: String].self, from: json)
                try await CaseStewardship.takeCharge(caseID: id, targetDate: CalendarDate(iso: body["target_date"]!)!, by: leader,
                                                     address: "fixture", using: client)
            default:
                throw TestSetupError("unknown action \(parts[1]) in week-actions.txt")
            }
            count += 1
        }
        return count
    }

    @Test("four fixture batches and the scripted week: 92 cases, 41 petition-related, the stage counts the script implies")
    func fixtureWeek() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            for path in ["batch1-utf8-bom.csv", "batch2-gb18030.csv", "batch3.json", "batch4-utf8.csv"] {
                let bytes = try Data(contentsOf: Self.folder.appendingPathComponent("batches/\(path)"))
                _ = try await BatchIntake(client: client).submit(BatchSubmission(
                    partnerID: world.identity.partnerA.id, batchNumber: nil, uploader: IdentityFixture.setupActor,
                    payload: Array(bytes), idempotencyKey: nil, dryRun: false))
            }
            let user = try await UserRepository(client: client).add(
                NewUser(login: "leader.ln", displayName: "省院领导", roles: [.leader], unitCode: "210000", partnerCode: nil, passwordHash: nil),
                by: IdentityFixture.setupActor)
            let leader = try await UserRepository(client: client).principal(userID: user.id)
            #expect(try await Self.runScript(as: leader, client: client) == 13)

            let week = ISOWeek(containing: CalendarDate.today())
            let s = try await WeeklyQueries.compute(week: week, for: try await world.principal("office"), using: client)
            #expect(s.triage.week.petitionRelated + s.triage.week.other == 92)
            #expect(s.triage.week.petitionRelated == 41)
            let stock = Dictionary(uniqueKeysWithValues: s.stages.map { ($0.stage, $0.stockAtEnd) })
            #expect(stock == [.triage: 86, .evaluation: 2, .review: 1, .followUp: 0, .resolved: 1, .unresolved: 0, .referred: 1, .closed: 1])
            #expect(s.resolution.week.resolved == 1 && s.resolution.week.takenIntoHandling == 4)
            #expect(s.resolution.week.rate.percentText == "25.0%")
            #expect(s.clues.week.created == 1)
            #expect(s.typicalCases.map(\.summary) == ["检察机关督促行政机关履行付款义务，企业息诉罢访"])
            #expect(s.leadCases.first { $0.level == "province" }?.cases == 1)
            #expect(s.cities.count == 14 && s.cities.allSatisfy { $0.accepted > 0 }, "the fixtures cover all 14 cities")
            #expect(s.cities.map(\.accepted).reduce(0, +) == 92)
            let lnfic = try #require(s.intake.first { $0.partner == "LNFIC" })
            #expect(lnfic.week.batches == 4 && lnfic.week.accepted == 92)
        }
    }
}
