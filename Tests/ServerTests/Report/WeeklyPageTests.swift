import Domain
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import Server
import Store
import Testing
import TestSupport

/// The 周报 page as the programme office reads it: whether the week was issued (which version,
/// when, by whom) or is live, the weeks issued lately, and stepping from week to week.
@Suite("web pages: weekly summary")
struct WeeklyPageTests {
    @Test("the office sees whether a week is issued, by whom and in which version, and the weeks issued lately; a leader reads live numbers")
    func issuedState() async throws {
        try await scene { client, world, http, office, current, last in
            let before = try await WebClient.page(http, "/app/reports/weekly?week=\(last)", office)
            #expect(before.contains("id=\"snapshot-state\">本周报尚未签发") && !before.contains("id=\"issued-weeks\""), "\(before)")

            let issuer = WeeklyIssuer(database: client)
            _ = try #require(try await issuer.issue(last, by: AuditEvent(actor: "system", action: "report.issue")))
            let officeID = world.identity.user("office").id
            _ = try #require(try await issuer.issue(last, by: AuditEvent(actor: "user:\(officeID)", action: "report.issue")))
            let after = try await WebClient.page(http, "/app/reports/weekly?week=\(last)", office)
            #expect(after.contains("已签发：第 2 版（共 2 版），") && after.contains("由项目办签发。"), "\(after)")
            #expect(after.contains("<td><a href=\"?week=\(last)\">\(last)</a></td><td>\(last.monday) 至 \(last.sunday)</td><td class=\"num\">2</td>"),
                    "the issued weeks, each with its newest version")
            #expect(after.contains("href=\"?week=\(last.adding(weeks: -1))\">‹ 上一周") && after.contains("id=\"next-week\" href=\"?week=\(current)\""))
            let now = try await WebClient.page(http, "/app/reports/weekly?week=\(current)", office)
            #expect(now.contains("本周报尚未签发") && !now.contains("id=\"next-week\""), "no step into a week that has not begun")

            let leader = try await WebClient.signIn(http, "leader.jz", WebPagesTests.password)
            let live = try await WebClient.page(http, "/app/reports/weekly?week=\(last)", leader)
            #expect(live.contains("（本院及下级院的实时数字）") && !live.contains("snapshot-state") && !live.contains("issued-weeks"),
                    "a leader's numbers are their scope's, live: no programme snapshots")
        }
    }

    @Test("the office issues an ended week from the page (a new version each time, audited); not the current week; not a leader")
    func issueFromPage() async throws {
        try await scene { client, world, http, office, current, last in
            let page = try await WebClient.page(http, "/app/reports/weekly?week=\(last)", office)
            #expect(page.contains("id=\"issue-week\"") && page.contains(">签发本周报</button>"))
            #expect(!(try await WebClient.page(http, "/app/reports/weekly?week=\(current)", office)).contains("id=\"issue-week\""),
                    "a week still running is not offered")
            func issue(_ week: ISOWeek, as session: WebClient.Session) async throws -> TestResponse {
                try await WebClient.post(http, "/app/reports/weekly/issue", ["week": week.description, "csrf_token": session.csrf], cookie: session.cookie)
            }
            for expected in 1...2 {
                let done = try await issue(last, as: office)
                let location = try #require(done.headers[.location])
                let shown = try await WebClient.page(http, location, office)
                #expect(done.status == .seeOther && shown.contains("已签发 \(last) 周报第 \(expected) 版。"), "\(shown)")
                #expect(shown.contains("由项目办签发") && shown.contains("重新签发（第 \(expected + 1) 版）"))
            }
            let running = try await WebClient.page(http, try #require(try await issue(current, as: office).headers[.location]), office)
            #expect(running.contains("\(current) 还没有结束，结束后才能签发"))
            let leader = try await WebClient.signIn(http, "leader.jz", WebPagesTests.password)
            #expect(try await issue(last, as: leader).status == .notFound, "the programme's snapshot is the office's to issue")
            let forged = try await WebClient.post(http, "/app/reports/weekly/issue", ["week": last.description, "csrf_token": "x"], cookie: office.cookie)
            #expect(forged.status == .forbidden)
            let versions = try await client.query("SELECT count(*) FROM weekly_reports WHERE week = \(last.description)")[0].decode(Int.self, at: 0)
            let audited = try await client.query("""
                SELECT count(*) FROM audit_events WHERE action = 'report.issue' AND entity_id = \(last.description) AND actor = 'user:' || \(world.identity.user("office").id)
                """)[0].decode(Int.self, at: 0)
            #expect(versions == 2 && audited == 2)
            #expect(try await client.query("SELECT count(*) FROM weekly_reports WHERE week = \(current.description)")[0].decode(Int.self, at: 0) == 0)
        }
    }

    /// Two petition cases of partner A, the application, the office signed in, and this and last week.
    func scene(_ body: @escaping @Sendable (PostgresClient, WorkflowWorld, any TestClientProtocol, WebClient.Session, ISOWeek, ISOWeek) async throws -> Void) async throws {
        try await TestDatabase.withClient { client in
            let world = try await WebPagesTests.world(client)
            try await world.upload(WorkflowWorld.rows(2, prefix: "A", petition: true))
            let current = ISOWeek(containing: CalendarDate.today())
            try await ServerHarness.application(client: client).test(.router) { http in
                let office = try await WebClient.signIn(http, "office", WebPagesTests.password)
                try await body(client, world, http, office, current, current.adding(weeks: -1))
            }
        }
    }
}
