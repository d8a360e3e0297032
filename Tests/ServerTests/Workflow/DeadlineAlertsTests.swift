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

/// 期限提醒 above the work queues: a prosecutor's own overdue and near-due cases, a leader's
/// whole scope, and each number opening exactly those cases.
@Suite("deadline alerts")
struct DeadlineAlertsTests {
    @Test("the queue page counts one's own and (for a leader) the scope's overdue, near-due and unheld cases; each number opens its cases")
    func counts() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WebPagesTests.world(client)
            try await world.upload(WorkflowWorld.rows(4, prefix: "N", petition: true))
            try await world.upload(WorkflowWorld.rows(1, prefix: "L", petition: true, region: "凌海"))  // a unit below 锦州
            let ids = try await (1...4).asyncMap { try await world.caseID("N-\($0)") }
            let below = try await world.caseID("L-1")
            let clock = try await client.withConnection { try await WorkflowClock.read(on: $0) }
            try await client.query("UPDATE case_deadlines SET due_on = due_on - 400 WHERE case_id = ANY(\([ids[0], ids[2]]))")  // 逾期
            try await client.query("UPDATE case_deadlines SET due_on = \(clock.nearDueUntil) WHERE case_id = ANY(\([ids[1], below]))")  // 临期
            try await client.query("SELECT refresh_next_due(\(ids + [below])::bigint[])")
            let leader = try await world.principal("leader.jz")
            for id in [ids[0], ids[1]] {
                try await CaseAssignment.assign(caseID: id, to: world.identity.user("pros.jz").id, by: leader, address: "test", using: client)
            }
            try await ServerHarness.application(client: client).test(.router) { http in
                func numbers(_ page: String, _ id: String) -> [String] {
                    guard let line = page.components(separatedBy: "id=\"\(id)\"").dropFirst().first?.components(separatedBy: "</p>").first else { return [] }
                    return line.replacingOccurrences(of: "<[^>]+>", with: "|", options: .regularExpression)
                        .split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasSuffix("件") }
                }
                let pros = try await WebClient.signIn(http, "pros.jz", WebPagesTests.password)
                let prosPage = try await WebClient.page(http, "/app/queues", pros)
                #expect(numbers(prosPage, "alerts-own") == ["逾期 1 件", "临期 1 件"])
                #expect(!prosPage.contains("alerts-scope"), "a prosecutor sees their own cases only")

                let leaderSession = try await WebClient.signIn(http, "leader.jz", WebPagesTests.password)
                let page = try await WebClient.page(http, "/app/queues", leaderSession)
                #expect(numbers(page, "alerts-own") == ["逾期 0 件", "临期 0 件"])
                #expect(numbers(page, "alerts-scope") == ["逾期 2 件", "临期 2 件", "无人承办 3 件"], "锦州 and 凌海 below it")
                #expect(page.contains("<a class=\"badge overdue\" href=\"/app/cases?due=overdue\">逾期 2 件</a>"))

                // Each number opens exactly its cases: the list counts the same.
                for (link, refs) in [("/app/cases?due=overdue", ["N-1", "N-3"]), ("/app/cases?due=near", ["N-2", "L-1"]),
                                     ("/app/cases?holder=none&stage=open", ["N-3", "N-4", "L-1"])] {
                    let list = try await WebClient.page(http, link, leaderSession)
                    let listed = ["N-1", "N-2", "N-3", "N-4", "L-1"].filter { list.contains(">\($0)</a>") }
                    #expect(Set(listed) == Set(refs), "\(link)")
                }
                let mine = try await WebClient.page(http, "/app/cases?holder=mine&due=overdue", pros)
                #expect(mine.contains(">N-1</a>") && !mine.contains(">N-3</a>"))
            }
        }
    }
}
