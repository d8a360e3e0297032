import Domain
import Foundation
import Store

/// What the case list page was asked for: its query string read into a `CaseFilter`, the
/// normalized parameters its links and form keep, and what was wrong with it.
///
/// Parameters: `q` (search), `stage` (a stage, or `open` for every stage but 办结), `unit` with
/// `subunits` (`0`: that procuratorate alone; otherwise the ones below it too), `petition`
/// (`1` 涉信访, `0` 非涉信访), `due` (`overdue` | `near`), `holder` (`mine` | `none`), `batch`
/// (a batch's number), `typical` (`1`), `duplicate` (`1`: 待核对的疑似重复; the procuratorate's
/// people only), `sort` and `page`. The older `mine=1`, `overdue=1` and
/// `near=1` of bookmarks and the navigation bar mean `holder=mine`, `due=overdue`, `due=near`.
struct CaseListQuery: Sendable {
    /// The normalized parameters (empty values mean "no filter"), as links and the form keep them.
    private(set) var kept: [String: String] = [:]
    /// The filter for `CaseQueries.list` (without paging).
    private(set) var filter = CaseFilter()
    /// What was wrong, by parameter, in Chinese; the page lists nothing while this is not empty.
    private(set) var problems: [(field: String, message: String)] = []
    /// The page asked for, from 1.
    let page: Int

    /// Every parameter the page reads, in the order of its form.
    static let keys = ["q", "stage", "petition", "due", "holder", "unit", "subunits", "batch", "typical", "duplicate", "sort"]

    init(_ query: [String: String], principal: Principal) {
        page = max(1, Int(query["page"] ?? "") ?? 1)
        for key in Self.keys { kept[key] = (query[key] ?? "").trimmingCharacters(in: .whitespaces) }
        if kept["holder"] == "", query["mine"] == "1" { kept["holder"] = "mine" }
        if kept["due"] == "", query["overdue"] == "1" { kept["due"] = "overdue" }
        if kept["due"] == "", query["near"] == "1" { kept["due"] = "near" }
        let typed = String(kept["q", default: ""].prefix(CaseFilter.searchLimit))
        kept["q"] = typed
        filter.search = CaseFilter.searchTerm(typed)
        filter.sort = CaseFilter.Sort(rawValue: kept["sort", default: ""]) ?? .due
        if kept["sort"] != CaseFilter.Sort.newest.rawValue { kept["sort"] = "" }  // the default order needs no parameter
        read(principal)
    }

    private mutating func read(_ principal: Principal) {
        switch kept["stage", default: ""] {
        case "": break
        case "open": filter.openOnly = true
        case let text:
            if let stage = Stage(rawValue: text) { filter.stage = stage } else { problems.append(("stage", "没有名为“\(text)”的阶段。")) }
        }
        switch kept["petition", default: ""] {
        case "": break
        case "1": filter.petitionRelated = true
        case "0": filter.petitionRelated = false
        case let text: problems.append(("petition", "分流应为涉信访（1）或非涉信访（0），这里是“\(text)”。"))
        }
        switch kept["due", default: ""] {
        case "": break
        case "overdue": filter.overdue = true
        case "near": filter.nearDue = true
        case let text: problems.append(("due", "期限应为逾期（overdue）或临期（near），这里是“\(text)”。"))
        }
        switch kept["holder", default: ""] {
        case "": break
        case "mine": filter.assigneeID = principal.userID ?? -1
        case "none": filter.unassigned = true
        case let text: problems.append(("holder", "承办应为我承办的（mine）或无人承办（none），这里是“\(text)”。"))
        }
        if let unit = kept["unit"], !unit.isEmpty {
            filter.unit = unit
            // A procuratorate chosen covers the ones below it, except from a queue's row
            // (`subunits=0`), whose counts are the unit's own.
            filter.includeSubunits = kept["subunits"] != "0"
        }
        if kept["subunits"] != "0" { kept["subunits"] = "" }
        if let text = kept["batch"], !text.isEmpty {
            if let batch = Int64(text), batch > 0 { filter.batchID = batch } else { problems.append(("batch", "批次编号应为正整数，这里是“\(text)”。")) }
        }
        switch kept["typical", default: ""] {
        case "": break
        case "1": filter.typical = true
        case let text: problems.append(("typical", "典型案例应为 1，这里是“\(text)”。"))
        }
        switch kept["duplicate", default: ""] {
        case "": break
        case "1" where AccessPolicy.seesCaseInternals(principal): filter.duplicateUnchecked = true
        case "1": problems.append(("duplicate", "疑似重复的筛选只适用于检察院的用户。"))
        case let text: problems.append(("duplicate", "待核对的疑似重复应为 1，这里是“\(text)”。"))
        }
    }

    /// A procuratorate asked for must be one the viewer sees (`units`: their scope's codes);
    /// otherwise the list would be silently empty.
    mutating func requireUnit(among units: Set<String>) {
        guard let unit = filter.unit, !units.contains(unit) else { return }
        problems.append(("unit", "没有代码为“\(unit)”的检察院，或它不在您的查看范围内。"))
    }

    /// True when any filter narrows the list (the order does not).
    var narrows: Bool { kept.contains { $0.key != "sort" && !$0.value.isEmpty } }

    /// The page's own list of the person's cases (the navigation bar's 我的案件).
    var isMine: Bool { kept["holder"] == "mine" }

    /// A query string with these parameters, changed by `changes` (an empty value removes one).
    func query(_ changes: [String: String] = [:]) -> String { WebPaging.query(kept.merging(changes) { $1 }) }

    /// The same list as an Excel file, through the API (same filters, same scope).
    var exportURL: String {
        var items = [URLQueryItem(name: "format", value: "xlsx")]
        func add(_ name: String, _ value: String?) { if let value { items.append(URLQueryItem(name: name, value: value)) } }
        add("stage", filter.stage?.rawValue)
        add("open", filter.openOnly ? "true" : nil)
        add("unit", filter.unit)
        add("subunits", filter.includeSubunits ? "true" : nil)
        add("petition_related", filter.petitionRelated.map { $0 ? "true" : "false" })
        add("overdue", filter.overdue == true ? "true" : nil)
        add("near_due", filter.nearDue == true ? "true" : nil)
        add("assignee", filter.assigneeID.map(String.init))
        add("unassigned", filter.unassigned ? "true" : nil)
        add("batch", filter.batchID.map(String.init))
        add("typical", filter.typical == true ? "true" : nil)
        add("duplicate_unchecked", filter.duplicateUnchecked ? "true" : nil)
        add("q", filter.search)
        add("sort", filter.sort == .newest ? "newest" : nil)
        var components = URLComponents()
        components.path = "/api/v1/cases"
        components.queryItems = items
        return components.string ?? "/api/v1/cases?format=xlsx"
    }
}
