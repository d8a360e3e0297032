import Domain
import Foundation
import Hummingbird
import Store

/// `/app/cases`: the case list with its search box and filters (stage, triage, deadline, who
/// holds it, procuratorate, batch, 典型案例), sortable, paged, and exportable to Excel with the
/// same filters. What a person may see is decided in the query (`CaseQueries.list`).
extension CasePages {
    /// The list counts this many matching cases at most ("超过 10000 件" beyond).
    static let countLimit = 10_000

    func list(_ request: Request, _ user: WebUser) async throws -> Response {
        var parameters: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { parameters[String(key)] = String(value) }
        let units = try await UnitRepository(client: database).list(for: user.principal)
        var asked = CaseListQuery(parameters, principal: user.principal)
        asked.requireUnit(among: Set(units.map(\.code)))
        var filter = asked.filter
        filter.limit = Self.pageSize + 1
        filter.offset = (asked.page - 1) * Self.pageSize
        let cases = asked.problems.isEmpty ? try await CaseQueries.list(filter, for: user.principal, using: database) : []
        // The count only when the page is full: otherwise the rows shown are all there is.
        let total = asked.page == 1 && cases.count <= Self.pageSize ? cases.count
            : asked.problems.isEmpty ? try await CaseQueries.count(asked.filter, for: user.principal, upTo: Self.countLimit, using: database) : 0
        // Leaders tick cases to move them together (批量移送); the check boxes belong to that form.
        let bulk = AccessPolicy.canLeadCases(user.principal) && !cases.isEmpty
        let rows: [Markup] = cases.prefix(Self.pageSize).map { Self.row($0, selectable: bulk) }
        let columns = bulk ? 8 : 7
        let empty: Markup = asked.narrows ? "<tr><td colspan=\"\(columns)\">没有符合条件的案件。</td></tr>" : "<tr><td colspan=\"\(columns)\">还没有案件。</td></tr>"
        // The order in use is named, the other one is a link; the export follows both.
        let orders: [Markup] = [("", "最早到期"), (CaseFilter.Sort.newest.rawValue, "最新受理")].map { sort, name in
            asked.kept["sort", default: ""] == sort ? "<strong>\(name)</strong>" : "<a href=\"?\(asked.query(["sort": sort]))\">\(name)</a>"
        }
        let sortLinks: Markup = """
            <strong id="case-count">\(total > Self.countLimit ? "超过 \(Self.countLimit) 件" : "共 \(total) 件")</strong>　　排序：\(orders[0]) · \(orders[1])　　<a href="\(asked.exportURL)" download>导出 Excel</a>
            """
        let title = asked.isMine ? "我的案件" : (user.principal.partnerID != nil ? "本单位移交的案件" : "案件列表")
        return WebPage.render(title, user: user,
                              notice: asked.problems.isEmpty ? WebPage.Notice.from(request) : .error(asked.problems.map(\.message).joined(separator: " ")),
                              status: asked.problems.isEmpty ? .ok : .unprocessableContent, body: """
            \(Self.filterForm(asked, units: units, works: AccessPolicy.canWorkCases(user.principal), internals: AccessPolicy.seesCaseInternals(user.principal)))
            <p>\(sortLinks)</p>
            <table id="cases"><thead><tr>\(bulk ? "<th scope=\"col\">选择</th>" as Markup : .empty)<th scope="col">案件编号</th><th scope="col">企业</th><th scope="col">检察院</th><th scope="col">阶段</th><th scope="col">分流</th>
            <th scope="col">最近期限</th><th scope="col">承办人</th></tr></thead>
            <tbody>\(rows.isEmpty ? [empty] : rows)</tbody></table>
            \(WebPaging.links(path: "/app/cases", query: asked.kept, page: asked.page, hasMore: cases.count > Self.pageSize))
            \(bulk ? Self.bulkTransferForm(asked, units: try await CaseTransfer.destinations(using: database), user: user) : .empty)
            """)
    }

    private static func row(_ c: CaseSummary, selectable: Bool) -> Markup {
        let due: Markup = c.overdue ? "<span class=\"badge overdue\">逾期</span>" : (c.nearDue ? "<span class=\"badge near\">临期</span>" : .empty)
        let moved: Markup = c.transferredFromName.map { "<br><span class=\"badge moved\">移送自\($0)</span>" } ?? .empty
        let duplicate: Markup = c.duplicatePending ? "<br><span class=\"badge duplicate\">疑似重复待核</span>" : .empty
        return """
            <tr>\(selectable ? Self.tick(c) : .empty)<td><a href="/app/cases/\(c.id)">\(c.externalRef)</a>\(duplicate)</td><td>\(c.enterpriseName)</td><td>\(c.unitName)\(moved)</td><td>\(c.stageName)</td>
            <td>\(c.petitionRelated == true ? "涉信访" : "非涉信访")</td><td>\(c.nextDueOn?.description ?? "—") \(due)</td><td>\(c.assigneeName ?? "—")</td></tr>
            """
    }

    /// A row's check box for 批量移送 (none for a closed case: it cannot be moved).
    private static func tick(_ c: CaseSummary) -> Markup {
        c.stage == .closed ? "<td></td>" : """
            <td><input type="checkbox" name="case_id" value="\(c.id)" form="bulk-transfer" aria-label="选择 \(c.externalRef)"></td>
            """
    }

    /// One form for the search and every filter; the order stays as chosen.
    private static func filterForm(_ asked: CaseListQuery, units: [Store.Unit], works: Bool, internals: Bool) -> Markup {
        func value(_ key: String) -> String { asked.kept[key] ?? "" }
        func invalid(_ key: String) -> Markup { asked.problems.contains { $0.field == key } ? " aria-invalid=\"true\"" : "" }
        func select(_ key: String, _ label: String, _ options: [(String, String)]) -> Markup {
            let items: [Markup] = options.map { option in
                "<option value=\"\(option.0)\"\(value(key) == option.0 ? " selected" : "")>\(option.1)</option>"
            }
            return "<div><label for=\"\(key)\">\(label)</label><select id=\"\(key)\" name=\"\(key)\"\(invalid(key))>\(items)</select></div>"
        }
        let stages = [("", "全部"), ("open", "在办（未办结）")] + Stage.allCases.map { ($0.rawValue, $0.chineseName) }
        var fields: [Markup] = [
            select("stage", "阶段", stages),
            select("petition", "分流", [("", "全部"), ("1", "涉信访"), ("0", "非涉信访")]),
            select("due", "期限", [("", "全部"), ("overdue", "逾期"), ("near", "临期")]),
            // 我承办的 only for those who hold cases.
            select("holder", "承办", [("", "全部")] + (works || value("holder") == "mine" ? [("mine", "我承办的")] : []) + [("none", "无人承办")]),
        ]
        // A choice of procuratorate only for those who see more than one.
        if units.count > 1 {
            let indent = ["province": "", "city": "　", "county": "　　"]
            fields.append(select("unit", "检察院", [("", "全部")] + units.map { ($0.code, (indent[$0.level] ?? "") + $0.name) }))
            fields.append(select("subunits", "范围", [("", "含下级院"), ("0", "仅本院")]))
        }
        fields.append("<div><label for=\"batch\">批次编号</label><input id=\"batch\" name=\"batch\" type=\"number\" min=\"1\" value=\"\(value("batch"))\"\(invalid("batch"))></div>")
        fields.append("<div><label class=\"check\"><input name=\"typical\" type=\"checkbox\" value=\"1\"\(value("typical") == "1" ? " checked" : "")\(invalid("typical"))> 只看典型案例</label></div>")
        if internals {
            fields.append("<div><label class=\"check\"><input name=\"duplicate\" type=\"checkbox\" value=\"1\"\(value("duplicate") == "1" ? " checked" : "")\(invalid("duplicate"))> 只看待核对的疑似重复</label></div>")
        }
        let sort: Markup = value("sort").isEmpty ? .empty : "<input type=\"hidden\" name=\"sort\" value=\"\(value("sort"))\">"
        let clearSearch: Markup = value("q").isEmpty ? .empty : " <a id=\"search-clear\" href=\"?\(asked.query(["q": ""]))\">清除搜索</a>"
        let clearAll: Markup = asked.narrows ? " <a id=\"filters-clear\" href=\"?\(asked.query(Dictionary(uniqueKeysWithValues: CaseListQuery.keys.filter { $0 != "sort" }.map { ($0, "") })))\">清除全部条件</a>" : .empty
        return """
            <form class="card filters" id="case-filters" method="get" action="/app/cases" role="search">\(sort)
            <div class="wide"><label for="q">查找案件</label>\
            <input id="q" name="q" type="search" value="\(value("q"))" maxlength="\(CaseFilter.searchLimit)" placeholder="企业名称、被反映单位、案件编号或统一社会信用代码"></div>
            \(fields)
            <div><button type="submit">查询</button>\(clearSearch)\(clearAll)</div>
            </form>
            """
    }
}
