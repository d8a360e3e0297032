import Domain
import Hummingbird
import Postgres
import Store

/// `GET /api/v1/cases` (filters: `unit`, `subunits`, `stage`, `open`, `overdue`, `petition_related`,
/// `partner`, `batch`, `assignee` (`me` or an id), `unassigned`, `typical`, `duplicate_unchecked`, `sort`, `limit`,
/// `offset`) and `GET /api/v1/cases/{id}` (the case page with timeline, deadlines and clues).
/// Both answer only within the caller's scope; a case outside it is a 404. Their JSON answers
/// are kept per caller in the read caches while those are usable.
struct CaseController: Sendable {
    let database: PostgresClient
    let caches: ReadCaches

    func register(on group: RouterGroup<HuqiRequestContext>) {
        group.get("cases") { request, context in
            let principal = try context.requirePrincipal()
            var filter = try Self.filter(from: request, principal: principal)
            if request.uri.queryParameters["format"] == "xlsx" {
                // The export: every matching case in scope (up to 10 000), not one page.
                if request.uri.queryParameters["limit"] == nil { (filter.limit, filter.offset) = (10_000, 0) }
                return try SpreadsheetExports.cases(try await CaseQueries.list(filter, for: principal, using: database))
            }
            return try await caches.answer(for: principal, request: request, dependency: .anyCase) {
                try IdentityController.Page(items: try await CaseQueries.list(filter, for: principal, using: database))
                    .response(from: request, context: context)
            }
        }
        group.get("cases/{id}") { request, context in
            let principal = try context.requirePrincipal()
            guard let id = context.parameters.get("id", as: Int64.self) else { throw Problem(CaseActionError.caseNotFound) }
            return try await caches.answer(for: principal, request: request, dependency: .oneCase(id)) {
                guard let detail = try await CaseQueries.detail(id: id, for: principal, using: database) else {
                    throw Problem(CaseActionError.caseNotFound)
                }
                return try detail.response(from: request, context: context)
            }
        }
    }

    /// Reads the list filters from the query string; each wrong value is a coded 422.
    static func filter(from request: Request, principal: Principal) throws -> CaseFilter {
        let query = request.uri.queryParameters
        var filter = CaseFilter()
        (filter.limit, filter.offset) = try Paging.read(request)
        func flag(_ name: String) throws -> Bool? {
            guard let text = query[Substring(name)].map(String.init) else { return nil }
            switch text.lowercased() {
            case "true", "1": return true
            case "false", "0": return false
            default: throw invalid(name, "\(name) 只能是 true 或 false。")
            }
        }
        filter.unit = query["unit"].map(String.init)
        filter.includeSubunits = try flag("subunits") ?? false
        if let text = query["stage"].map(String.init) {
            guard let stage = Stage(rawValue: text) else {
                throw invalid("stage", "stage 应为：\(Stage.allCases.map(\.rawValue).joined(separator: "、"))。")
            }
            filter.stage = stage
        }
        filter.openOnly = try flag("open") ?? false
        filter.overdue = try flag("overdue")
        filter.nearDue = try flag("near_due")
        filter.petitionRelated = try flag("petition_related")
        filter.partner = query["partner"].map(String.init)
        if let text = query["batch"].map(String.init) {
            guard let batch = Int64(text), batch > 0 else { throw invalid("batch", "batch 应为批次编号（正整数）。") }
            filter.batchID = batch
        }
        if let text = query["assignee"].map(String.init) {
            if text == "me" {
                guard let me = principal.userID else { throw invalid("assignee", "assignee=me 只适用于用户账号。") }
                filter.assigneeID = me
            } else {
                guard let id = Int(text) else { throw invalid("assignee", "assignee 应为 me 或用户编号。") }
                filter.assigneeID = id
            }
        }
        filter.unassigned = try flag("unassigned") ?? false
        filter.typical = try flag("typical")
        if try flag("duplicate_unchecked") == true {
            // Partners are not told which of their cases look like another's.
            guard AccessPolicy.seesCaseInternals(principal) else {
                throw invalid("duplicate_unchecked", "duplicate_unchecked 只适用于检察院的用户。")
            }
            filter.duplicateUnchecked = true
        }
        filter.search = CaseFilter.searchTerm(query["q"].map(String.init))
        if let search = filter.search, search.count > CaseFilter.searchLimit {
            throw invalid("q", "搜索内容不能超过 \(CaseFilter.searchLimit) 个字。")
        }
        if let text = query["sort"].map(String.init) {
            guard let sort = CaseFilter.Sort(rawValue: text) else {
                throw invalid("sort", "sort 应为：\(CaseFilter.Sort.allCases.map(\.rawValue).joined(separator: "、"))。")
            }
            filter.sort = sort
        }
        return filter
    }

    private static func invalid(_ field: String, _ title: String) -> Problem {
        var problem = Problem(status: .unprocessableContent, code: "cases.filter_invalid", title: title)
        problem.field = field
        return problem
    }
}
