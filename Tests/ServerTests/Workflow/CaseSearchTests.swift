import Domain
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import Server
import Store
import Testing
import TestSupport

/// Finding a case by what a caller on the phone says: the enterprise's name, the organ they
/// complain about, the partner's 案件编号 or the credit code — within the searcher's scope.
@Suite("case search")
struct CaseSearchTests {
    static let row = "1,LN-2026-77,锦州宏达（集团）有限公司,911522010783762860,锦州,民营,王某,,,凌海市自然资源局,申诉,要求退还履约保证金,否,2026-11-20"

    func refs(_ http: any TestClientProtocol, _ query: String, token: String) async throws -> (status: HTTPResponse.Status, refs: [String], body: String) {
        let response = try await http.execute(uri: "/api/v1/cases?sort=id&q=\(query)", method: .get, headers: [.authorization: "Bearer \(token)"])
        let body = String(buffer: response.body)
        let items = ((try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any])?["items"] as? [[String: Any]] ?? []
        return (response.status, items.compactMap { $0["external_ref"] as? String }, body)
    }

    @Test("by part of a name (either kind of bracket), the respondent, the 案件编号 or a credit code in any case; only within scope")
    func search() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            try await world.upload(WorkflowWorld.rows(3, prefix: "A", petition: false) + [Self.row])
            try await ServerHarness.application(client: client).test(.router) { http in
                let jz = world.token("pros.jz")
                func encoded(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }
                #expect(try await refs(http, encoded("宏达"), token: jz).refs == ["LN-2026-77"])
                #expect(try await refs(http, encoded("宏达(集团)"), token: jz).refs == ["LN-2026-77"], "half-width brackets find full-width ones")
                #expect(try await refs(http, encoded("宏达（集团）"), token: jz).refs == ["LN-2026-77"])
                #expect(try await refs(http, encoded("自然资源局"), token: jz).refs == ["LN-2026-77"], "the respondent")
                #expect(try await refs(http, encoded("ln-2026"), token: jz).refs == ["LN-2026-77"], "part of the 案件编号, any case")
                #expect(try await refs(http, encoded("911522010783762860"), token: jz).refs == ["LN-2026-77"])
                #expect(try await refs(http, encoded("９１１５２２０１０７８３７６２８６０"), token: jz).refs == ["LN-2026-77"], "full-width digits")
                #expect(try await refs(http, encoded("9115220107"), token: jz).refs == [], "a credit code matches whole")
                #expect(try await refs(http, encoded("企业"), token: jz).refs == ["A-1", "A-2", "A-3"])
                #expect(try await refs(http, encoded("企业") + "&partner=lnfic", token: jz).refs == ["A-1", "A-2", "A-3"], "a partner code in any case")
                #expect(try await refs(http, encoded("企业") + "&partner=jzchamber", token: jz).refs == [])
                #expect(try await refs(http, encoded("%"), token: jz).refs == [], "a typed % is a character, not a pattern")
                #expect(try await refs(http, encoded("  "), token: jz).refs.count == 4, "a blank search is no filter")
                // Scope is part of the query: Shenyang's prosecutor finds nothing by the same name.
                #expect(try await refs(http, encoded("宏达"), token: world.token("pros.sy")).refs == [])
                let long = try await refs(http, String(repeating: "a", count: 101), token: jz)
                #expect(long.status == .unprocessableContent && long.body.contains("\"field\":\"q\""), "\(long.body)")
            }
        }
    }

    @Test("the case list page has a search box that keeps what was typed and filters the list and its Excel export")
    func page() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WebPagesTests.world(client)
            try await world.upload(WorkflowWorld.rows(2, prefix: "A", petition: false) + [Self.row])
            try await ServerHarness.application(client: client).test(.router) { http in
                let session = try await WebClient.signIn(http, "pros.jz", WebPagesTests.password)
                let page = try await WebClient.page(http, "/app/cases?q=%E5%AE%8F%E8%BE%BE&mine=", session)
                #expect(page.contains("<input id=\"q\" name=\"q\" type=\"search\" value=\"宏达\""), "\(page)")
                #expect(page.contains(">LN-2026-77</a>") && !page.contains(">A-1</a>"))
                #expect(page.contains("/api/v1/cases?format=xlsx&amp;q=%E5%AE%8F%E8%BE%BE\" download>导出 Excel"), "the export lists what the page lists")
                let mine = try await WebClient.page(http, "/app/cases?mine=1&sort=newest&q=%E5%AE%8F%E8%BE%BE", session)
                #expect(mine.contains("<input type=\"hidden\" name=\"sort\" value=\"newest\">") && mine.contains("<option value=\"mine\" selected>"),
                        "searching within 我的案件 stays there, in its order")
                #expect(mine.contains("<a id=\"search-clear\" href=\"?holder=mine&amp;sort=newest\">清除搜索</a>"))
                let nul = try await http.execute(uri: "/app/cases?q=%00", method: .get, headers: [.cookie: session.cookie])
                #expect(nul.status == .badRequest && String(buffer: nul.body).contains("空字符"), "a NUL typed into the box is refused, not a 500")
                let all = try await WebClient.page(http, "/app/cases", session)
                #expect(all.contains(">A-1</a>") && all.contains(">LN-2026-77</a>"))
            }
        }
    }
}
