import Domain
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import Server
import Store
import Testing
import TestSupport

/// The case list page's filters, as a leader or the office narrows the list: by stage, triage,
/// deadline, holder, procuratorate, batch and 典型案例 — each kept by the form, the sort and
/// page links and the Excel export, and a wrong value said in Chinese instead of ignored.
@Suite("case list page")
struct CaseListPageTests {
    /// The 案件编号 of the cases a list page shows, in order.
    static func refs(_ html: String) -> [String] {
        html.matches(of: #/<a href="/app/cases/\d+">([^<]+)</a>/#).map { String($0.output.1) }
    }

    @Test("each filter narrows the list within the viewer's scope, and the form, links and export keep it")
    func filters() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WebPagesTests.world(client)
            try await world.upload(WorkflowWorld.rows(2, prefix: "P", petition: true) + WorkflowWorld.rows(2, prefix: "N", petition: false))
            let lingHai = try await world.upload(WorkflowWorld.rows(1, prefix: "L", petition: true, region: "凌海"))
            _ = try await world.caseInReview("R")
            let prosecutor = try await world.principal("pros.jz")
            let claimed = try #require(try await CaseQueue.claimNext(unit: nil, stage: .triage, by: prosecutor, address: "t", using: client))
            let claimedRef = try await client.query("SELECT external_ref FROM cases WHERE id = \(claimed)")[0].decode(String.self, at: 0)
            try await client.query("UPDATE cases SET typical_summary = '典型' WHERE external_ref = 'N-2'")
            try await ServerHarness.application(client: client).test(.router) { http in
                let leader = try await WebClient.signIn(http, "leader.jz", WebPagesTests.password)
                func list(_ query: String, _ session: WebClient.Session) async throws -> [String] {
                    Self.refs(try await WebClient.page(http, "/app/cases?\(query)", session)).sorted()
                }
                #expect(try await list("", leader) == ["L-1", "N-1", "N-2", "P-1", "P-2", "R-1"])
                #expect(try await list("petition=1", leader) == ["L-1", "P-1", "P-2", "R-1"])
                #expect(try await list("petition=0", leader) == ["N-1", "N-2"])
                #expect(try await list("stage=review", leader) == ["R-1"])
                #expect(try await list("stage=triage&petition=1", leader) == ["L-1", "P-1", "P-2"])
                #expect(try await list("unit=210781", leader) == ["L-1"])
                #expect(try await list("unit=210700&subunits=0", leader) == ["N-1", "N-2", "P-1", "P-2", "R-1"], "仅本院")
                #expect(try await list("unit=210700", leader) == ["L-1", "N-1", "N-2", "P-1", "P-2", "R-1"], "含下级院")
                #expect(try await list("batch=\(lingHai.batchID ?? 0)", leader) == ["L-1"])
                #expect(try await list("typical=1", leader) == ["N-2"])
                let unheld = try await list("holder=none", leader)
                #expect(unheld.count >= 4 && !unheld.contains(claimedRef), "\(unheld)")

                let page = try await WebClient.page(http, "/app/cases?petition=0&stage=open&sort=newest", leader)
                #expect(page.contains("<option value=\"0\" selected>非涉信访</option>") && page.contains("<option value=\"open\" selected>"))
                #expect(page.contains("petition_related=false") && page.contains("open=true") && page.contains("sort=newest"), "the export lists what the page lists")
                // …and the API takes every parameter the page writes: the workbook downloads.
                let every = try await WebClient.page(http, "/app/cases?petition=0&stage=open&due=near&holder=none&unit=210700&subunits=0&batch=1&typical=1&q=N&sort=newest", leader)
                let export = try #require(every.firstMatch(of: #/href="(/api/v1/cases\?format=xlsx[^"]+)" download/#).map { String($0.output.1) })
                let workbook = try await http.execute(uri: export.replacingOccurrences(of: "&amp;", with: "&"), method: .get, headers: [.cookie: leader.cookie])
                #expect(workbook.status == .ok && workbook.headers[.contentType]?.contains("spreadsheetml") == true, "\(export) \(workbook.status)")
                #expect(export.contains("near_due=true") && export.contains("unassigned=true") && export.contains("typical=true") && export.contains("batch=1"), "\(export)")
                #expect(page.contains("href=\"?petition=0&amp;stage=open\">最早到期</a>") && page.contains("<strong>最新受理</strong>"),
                        "the other order keeps the filters")
                let unitChoice = page.components(separatedBy: "<select id=\"unit\"").dropFirst().first?.components(separatedBy: "</select>").first ?? ""
                #expect(unitChoice.contains("<option value=\"210781\">　　凌海市人民检察院</option>") && !unitChoice.contains("沈阳"),
                        "a leader picks among the procuratorates in scope: \(unitChoice)")

                let office = try await WebClient.signIn(http, "office", WebPagesTests.password)
                #expect(try await list("unit=210700", office).contains("L-1"), "the office's choice of a city covers its counties too")
                #expect(try await list("unit=210700&subunits=0", office).contains("L-1") == false)
                let admin = try await WebClient.signIn(http, "admin", WebPagesTests.password)
                let batch = try await WebClient.page(http, "/app/batches/\(lingHai.batchID ?? 0)", admin)
                #expect(batch.contains("<a href=\"/app/cases?batch=\(lingHai.batchID ?? 0)\">查看本批案件</a>"))

                let own = try await WebClient.signIn(http, "pros.jz", WebPagesTests.password)
                #expect(try await list("holder=mine", own) == [claimedRef])
                let mine = try await WebClient.page(http, "/app/cases?mine=1", own)
                #expect(Self.refs(mine) == [claimedRef] && mine.contains("<h1>我的案件</h1>") && mine.contains("<option value=\"mine\" selected>"),
                        "the navigation bar's older link means the same")
                #expect(!mine.contains("<select id=\"unit\""), "one procuratorate: no choice to offer")
                let elsewhere = try await http.execute(uri: "/app/cases?unit=210781", method: .get, headers: [.cookie: own.cookie])
                #expect(elsewhere.status == .unprocessableContent && String(buffer: elsewhere.body).contains("不在您的查看范围内")
                        && Self.refs(String(buffer: elsewhere.body)).isEmpty, "a procuratorate outside one's scope is said, and lists nothing")
            }
        }
    }

    @Test("the list says how many cases match, on every page")
    func counts() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WebPagesTests.world(client)
            try await world.upload(WorkflowWorld.rows(27, prefix: "P", petition: true) + WorkflowWorld.rows(3, prefix: "N", petition: false))
            let office = try await world.principal("office")
            #expect(try await CaseQueries.count(CaseFilter(), for: office, using: client) == 30)
            #expect(try await CaseQueries.count(CaseFilter(), for: office, upTo: 5, using: client) == 6, "counting stops past its limit")
            try await ServerHarness.application(client: client).test(.router) { http in
                let leader = try await WebClient.signIn(http, "leader.jz", WebPagesTests.password)
                let first = try await WebClient.page(http, "/app/cases?petition=1", leader)
                #expect(Self.refs(first).count == 25 && first.contains("<strong id=\"case-count\">共 27 件</strong>"))
                let second = try await WebClient.page(http, "/app/cases?petition=1&page=2", leader)
                #expect(Self.refs(second).count == 2 && second.contains("共 27 件"), "a later page counts them all too")
                #expect(try await WebClient.page(http, "/app/cases?petition=0", leader).contains("共 3 件"))
                #expect(try await WebClient.page(http, "/app/cases", leader).contains("共 30 件"))
                let outside = try await WebClient.signIn(http, "pros.sy", WebPagesTests.password)
                #expect(try await WebClient.page(http, "/app/cases?page=2", outside).contains("共 0 件"), "counted within scope (a later page asks the database)")
            }
        }
    }

    @Test("a partner's people follow the cases their partner handed over — theirs only — from the menu and from each batch")
    func partnerView() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WebPagesTests.world(client)
            let ours = try await world.upload(WorkflowWorld.rows(2, prefix: "A", petition: true))
            try await BatchIntake(client: client).submit(BatchSubmission(
                partnerID: world.identity.partnerB.id, batchNumber: nil, uploader: IdentityFixture.setupActor,
                payload: BatchSamples.csv(WorkflowWorld.rows(1, prefix: "B", petition: false)), idempotencyKey: nil, dryRun: false))
            try await ServerHarness.application(client: client).test(.router) { http in
                let uploader = try await WebClient.signIn(http, "uploader.a", WebPagesTests.password)
                let list = try await WebClient.page(http, "/app/cases", uploader)
                #expect(list.contains("<a href=\"/app/cases\">移交的案件</a>") && list.contains("<h1>本单位移交的案件</h1>"))
                #expect(Self.refs(list).sorted() == ["A-1", "A-2"], "another partner's cases are not theirs to see")
                #expect(!list.contains("<select id=\"unit\""), "no procuratorate to choose")
                let batch = try await WebClient.page(http, "/app/batches/\(ours.batchID ?? 0)", uploader)
                #expect(batch.contains("<a href=\"/app/cases?batch=\(ours.batchID ?? 0)\">查看本批案件</a>"))
                #expect(Self.refs(try await WebClient.page(http, "/app/cases?batch=\(ours.batchID ?? 0)&petition=1", uploader)).sorted() == ["A-1", "A-2"])
                let page = try await WebClient.page(http, "/app/cases/\(try await world.caseID("A-1"))", uploader)
                #expect(page.contains("<p id=\"case-status\">案件正由锦州市人民检察院办理，当前阶段：分流。</p>") && !page.contains("href=\"/app/queues\""),
                        "where the case is, not how a prosecutor claims it")
            }
        }
    }

    @Test("a wrong filter value is said in Chinese, marked on its field, and lists nothing instead of everything")
    func wrongValues() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WebPagesTests.world(client)
            try await world.upload(WorkflowWorld.rows(2, prefix: "P", petition: true))
            try await ServerHarness.application(client: client).test(.router) { http in
                let leader = try await WebClient.signIn(http, "leader.jz", WebPagesTests.password)
                for (query, marked, message) in [("petition=2", "name=\"petition\" aria-invalid=\"true\"", "分流应为涉信访"),
                                                  ("stage=done", "name=\"stage\" aria-invalid=\"true\"", "没有名为“done”的阶段"),
                                                  ("batch=-3", "value=\"-3\" aria-invalid=\"true\"", "批次编号应为正整数"),
                                                  ("due=late", "name=\"due\" aria-invalid=\"true\"", "期限应为逾期"),
                                                  ("holder=you", "name=\"holder\" aria-invalid=\"true\"", "承办应为"),
                                                  ("unit=999999", "name=\"unit\" aria-invalid=\"true\"", "没有代码为“999999”的检察院"),
                                                  ("typical=yes", "name=\"typical\" type=\"checkbox\" value=\"1\" aria-invalid=\"true\"", "典型案例应为 1")] {
                    let response = try await http.execute(uri: "/app/cases?\(query)", method: .get, headers: [.cookie: leader.cookie])
                    let html = String(buffer: response.body)
                    #expect(response.status == .unprocessableContent, "\(query)")
                    #expect(html.contains(message) && Self.refs(html).isEmpty, "\(query)")
                    #expect(html.contains(marked), "\(query): the field is marked")
                }
                let batch = String(buffer: try await http.execute(uri: "/app/cases?batch=x", method: .get, headers: [.cookie: leader.cookie]).body)
                #expect(batch.contains("value=\"x\" aria-invalid=\"true\""), "what was typed stays, marked")
            }
        }
    }
}
