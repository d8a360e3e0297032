import Domain
import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Postgres
import Server
import Store
import Testing
import TestSupport

/// What a leader watching deadlines opens: the cases 临期 (due within the near-due window) and
/// 逾期, as lists that agree with the queue's badges, through the API and the pages.
@Suite("due lists")
struct DueListTests {
    @Test("near_due lists exactly the 临期 cases, overdue=false keeps cases without a deadline, and the queue's badges open those lists")
    func nearAndOverdue() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WebPagesTests.world(client)
            try await world.upload(WorkflowWorld.rows(4, prefix: "N", petition: true))
            try await world.upload(WorkflowWorld.rows(1, prefix: "L", petition: true, region: "凌海"))  // a unit below 锦州
            let ids = try await (1...4).asyncMap { try await world.caseID("N-\($0)") }
            let below = try await world.caseID("L-1")
            let clock = try await client.withConnection { try await WorkflowClock.read(on: $0) }
            try await client.query("UPDATE case_deadlines SET due_on = due_on - 400 WHERE case_id = \(ids[0])")        // 逾期
            try await client.query("UPDATE case_deadlines SET due_on = \(clock.nearDueUntil) WHERE case_id = \(ids[1])") // 临期, the window's last day
            try await client.query("UPDATE case_deadlines SET due_on = \(clock.calendar.adding(workingDays: 1, to: clock.nearDueUntil)) WHERE case_id = \(ids[2])")
            try await client.query("UPDATE case_deadlines SET closed_on = \(clock.today), closed_at = now() WHERE case_id = \(ids[3])")    // every deadline met
            try await client.query("UPDATE case_deadlines SET due_on = \(clock.today) WHERE case_id = \(below)")
            try await client.query("SELECT refresh_next_due(\(ids + [below])::bigint[])")

            let office = try await world.principal("office")
            func refs(_ change: (inout CaseFilter) -> Void) async throws -> [String] {
                var filter = CaseFilter()
                filter.sort = .id
                change(&filter)
                return try await CaseQueries.list(filter, for: office, using: client).map(\.externalRef)
            }
            #expect(try await refs { $0.nearDue = true } == ["N-2", "L-1"])
            #expect(try await refs { $0.nearDue = false } == ["N-1", "N-3", "N-4"])
            #expect(try await refs { $0.overdue = true } == ["N-1"])
            #expect(try await refs { $0.overdue = false } == ["N-2", "N-3", "N-4", "L-1"], "a case whose deadlines are all met is not overdue")
            let flagged = try await CaseQueries.list(CaseFilter(), for: office, using: client)
            #expect(Set(flagged.filter(\.nearDue).map(\.externalRef)) == ["N-2", "L-1"] && flagged.filter(\.overdue).map(\.externalRef) == ["N-1"],
                    "the list's badges follow the same rule")

            try await ServerHarness.application(client: client).test(.router) { http in
                let api = try await http.execute(uri: "/api/v1/cases?near_due=true", method: .get, headers: [.authorization: "Bearer \(world.token("leader.jz"))"])
                #expect(api.status == .ok && String(buffer: api.body).contains("\"N-2\"") && !String(buffer: api.body).contains("\"N-1\""))
                let wrong = try await http.execute(uri: "/api/v1/cases?near_due=perhaps", method: .get, headers: [.authorization: "Bearer \(world.token("leader.jz"))"])
                #expect(wrong.status == .unprocessableContent || wrong.status == .badRequest, "\(wrong.status)")

                let leader = try await WebClient.signIn(http, "leader.jz", WebPagesTests.password)
                let queues = try await WebClient.page(http, "/app/queues", leader)
                let near = try #require(queues.range(of: #"<a class="badge near" href="([^"]+)">临期 1</a>"#, options: .regularExpression))
                let href = String(queues[near].split(separator: "\"")[3]).replacingOccurrences(of: "&amp;", with: "&")
                #expect(href.hasSuffix("&near=1"), "\(href)")
                let list = try await WebClient.page(http, href, leader)
                #expect(list.contains(">N-2</a>") && !list.contains(">N-1</a>") && !list.contains(">N-3</a>"), "the badge opens its cases")
                #expect(!list.contains(">L-1</a>"), "锦州's own queue: not 凌海's near case, which 凌海's row counts")
                #expect(queues.contains("unit=210781&amp;subunits=0&amp;near=1\">临期 1</a>"))
                let wider = try await WebClient.page(http, "/app/cases?unit=210700&near=1", leader)
                #expect(wider.contains(">N-2</a>") && wider.contains(">L-1</a>"), "the list's own unit filter still covers the units below")
                #expect(list.contains("near_due=true"), "the Excel export keeps the filter")
                #expect(queues.contains("&amp;overdue=1\">逾期 1</a>"))
            }
        }
    }
}

extension Sequence {
    /// `map` with an asynchronous transform, in order.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
