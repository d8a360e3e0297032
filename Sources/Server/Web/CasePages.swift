import Domain
import Foundation
import Hummingbird
import Postgres
import Store

/// Prosecutors and leaders: queues with counts and due badges, "claim next", case lists, and
/// the case page with the forms of the current stage. Every query is limited to the user's
/// scope in SQL; a case outside it is a 404 page like a missing one.
struct CasePages: Sendable {
    let database: PostgresClient
    let gate: WebGate
    static let pageSize = 25

    func register(on router: Router<HuqiRequestContext>) {
        router.get("/app") { request, _ in try await gate.page(request) { home($0) } }
        router.get("/app/queues") { request, _ in try await gate.page(request) { try await queues(request, $0) } }
        router.post("/app/queues/claim") { request, context in try await gate.page(request) { try await claim(request, context, $0) } }
        router.get("/app/cases") { request, _ in try await gate.page(request) { try await list(request, $0) } }
        router.post("/app/cases/transfer") { request, context in try await gate.page(request) { try await bulkTransfer(request, context, $0) } }
        router.get("/app/cases/{id}") { request, context in
            try await gate.page(request) { try await casePage(try caseID(context), user: $0, notice: WebPage.Notice.from(request)) }
        }
        router.post("/app/cases/{id}/transition") { request, context in
            try await gate.page(request) { try await transition(request, context, $0) }
        }
        router.post("/app/cases/{id}/release") { request, context in
            try await gate.page(request) { user in
                let id = try caseID(context)
                _ = try await WebForm.read(request, user: user)
                try await CaseQueue.release(caseID: id, by: user.principal, address: context.clientAddress, using: database)
                let named = try await caseName(id, for: user)
                return WebPage.redirect(to: "/app/queues", notice: .success("已退回\(named)，其他人可以领取。"))
            }
        }
        router.post("/app/cases/{id}/personal-data") { request, context in
            try await gate.page(request) { user in
                let id = try caseID(context)
                _ = try await WebForm.read(request, user: user)
                guard let data = try await PersonalData.reveal(caseID: id, for: user.principal, address: context.clientAddress,
                                                               using: database) else { throw WebError.notFound() }
                return try await casePage(id, user: user, notice: .success("已显示完整的身份证号和电话；此次查看已记入审计日志。"), personalData: data)
            }
        }
    }

    /// “案件 LNFIC-2026-1-001”: a case as a message names it (its number, not huqi's row id).
    func caseName(_ id: Int64, for user: WebUser) async throws -> String {
        try await Self.caseNames([id], for: user, using: database)[id] ?? ""
    }

    /// `caseName` for several cases in one query; a case the person may not see is named by its row id alone.
    static func caseNames(_ ids: [Int64], for user: WebUser, using database: PostgresClient) async throws -> [Int64: String] {
        let references = try await CaseQueries.references(ids, for: user.principal, using: database)
        return Dictionary(ids.map { id in (id, caseName(id, reference: references[id])) }, uniquingKeysWith: { first, _ in first })
    }

    /// A case named by its 案件编号 when the person may see it, else by its row id alone.
    static func caseName(_ id: Int64, reference: String?) -> String {
        reference.map { "案件 \($0)" } ?? "案件（内部编号 \(id)）"
    }

    private func caseID(_ context: HuqiRequestContext) throws -> Int64 {
        guard let id = context.parameters.get("id", as: Int64.self) else { throw WebError.notFound() }
        return id
    }

    /// The first page each role needs.
    private func home(_ user: WebUser) -> Response {
        let principal = user.principal
        if AccessPolicy.canWorkCases(principal) { return WebPage.redirect(to: "/app/queues") }
        if principal.partnerID != nil { return WebPage.redirect(to: "/app/batches") }
        if principal.has(.office) { return WebPage.redirect(to: "/app/reports/weekly") }
        if principal.has(.admin) { return WebPage.redirect(to: "/app/admin/users") }
        return WebPage.render("首页", user: user, body: "<p>您的账号还没有可用的功能，请联系管理员分配角色。</p>")
    }

    private func queues(_ request: Request, _ user: WebUser) async throws -> Response {
        guard AccessPolicy.canWorkCases(user.principal) else { throw WebError.forbidden("只有检察官和院领导有工作队列。") }
        let counts = try await QueueOverview.counts(for: user.principal, using: database)
        let alerts = try await DeadlineAlerts.counts(for: user.principal, using: database)
        let rows: [Markup] = counts.map { q in
            let list = "/app/cases?stage=\(q.stage.rawValue)&unit=\(q.unit)&subunits=0"
            let badges: Markup = (q.overdue > 0 ? "<a class=\"badge overdue\" href=\"\(list)&amp;overdue=1\">逾期 \(q.overdue)</a>" : .empty)
                + (q.nearDue > 0 ? "<a class=\"badge near\" href=\"\(list)&amp;near=1\">临期 \(q.nearDue)</a>" : .empty)
            return """
                <tr><td>\(q.unitName)</td><td><a href="\(list)">\(q.stageName)</a></td>
                <td class="num">\(q.total)</td><td class="num">\(q.waiting)</td><td class="num">\(q.mine)</td><td>\(badges)</td>
                <td><form method="post" action="/app/queues/claim">\(user.csrfField)<input type="hidden" name="unit" value="\(q.unit)">\
                <input type="hidden" name="stage" value="\(q.stage.rawValue)"><button type="submit"\(q.waiting == 0 ? " disabled" : "")>领取下一件</button></form></td></tr>
                """
        }
        return WebPage.render("工作队列", user: user, notice: WebPage.Notice.from(request), body: """
            \(DeadlineAlerts.card(own: alerts.own, scope: alerts.scope))
            <table><caption>各阶段的待办案件（按最早到期排序领取）</caption>
            <thead><tr><th scope="col">检察院</th><th scope="col">阶段</th><th scope="col">在办</th><th scope="col">待领取</th><th scope="col">我手上</th>
            <th scope="col">期限</th><th scope="col">操作</th></tr></thead>
            <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"7\">队列中没有案件。</td></tr>"] : rows)</tbody></table>
            <p><a href="/app/cases?mine=1">我手上的案件</a></p>
            """)
    }

    private func claim(_ request: Request, _ context: HuqiRequestContext, _ user: WebUser) async throws -> Response {
        let form = try await WebForm.read(request, user: user)
        guard let stage = form["stage"].flatMap(Stage.init(rawValue:)) else { throw WebError.badRequest("请选择要领取的队列。") }
        guard let id = try await CaseQueue.claimNext(unit: form["unit"], stage: stage, by: user.principal, address: context.clientAddress,
                                                     using: database) else {
            return WebPage.redirect(to: "/app/queues", notice: .error("该队列中暂时没有可领取的案件。"))
        }
        return WebPage.redirect(to: "/app/cases/\(id)", notice: .success("已领取\(try await caseName(id, for: user))。"))
    }

    private func transition(_ request: Request, _ context: HuqiRequestContext, _ user: WebUser) async throws -> Response {
        let id = try caseID(context)
        let form = try await WebForm.read(request, user: user)
        guard let transition = TransitionForms.request(from: form) else { throw WebError.badRequest("请选择要办理的操作。") }
        do {
            _ = try await CaseTransitions.perform(caseID: id, transition, by: user.principal, address: context.clientAddress, using: database)
        } catch let error as CaseActionError where error.kind == .invalid {
            return try await casePage(id, user: user, notice: .error(error.message), status: .unprocessableContent,
                                      submitted: (transition.to, form, error.field, error.message))
        }
        return WebPage.redirect(to: "/app/cases/\(id)", notice: .success("已办理：\(Stage(rawValue: transition.to)?.chineseName ?? transition.to)。"))
    }

    func casePage(_ id: Int64, user: WebUser, notice: WebPage.Notice?, status: HTTPResponse.Status = .ok,
                  submitted: (String, WebForm, String?, String)? = nil, action: (String, WebForm, String)? = nil,
                  personalData: PersonalData? = nil) async throws -> Response {
        guard let detail = try await CaseQueries.detail(id: id, for: user.principal, using: database) else { throw WebError.notFound() }
        let grades = try await database.withConnection { try await WorkflowSettings.load(on: $0).reviewGrades }
        var forms = TransitionForms(caseID: id, user: user, grades: grades)
        forms.submitted = submitted.map { (target: $0.0, form: $0.1, field: $0.2, message: $0.3) }
        var workers: [User] = []
        var destinations: [Store.Unit] = []
        if AccessPolicy.canLeadCases(user.principal) {
            workers = try await UserRepository(client: database).list(for: user.principal).filter {
                $0.unitCode == detail.summary.unit && !$0.disabled && ($0.roles.contains(.prosecutor) || $0.roles.contains(.leader))
            }
            destinations = try await CaseTransfer.destinations(using: database)
        }
        var other = CaseActionForms(detail: detail, user: user, workers: workers)
        other.destinations = destinations
        other.submitted = action.map { (action: $0.0, form: $0.1, message: $0.2) }
        var view = CaseView(detail: detail, user: user, personalData: personalData)
        if let other = detail.possibleDuplicateOf, view.internals {
            let reference = try await CaseQueries.references([other], for: user.principal, using: database)[other]
            view.duplicate = (other, Self.caseName(other, reference: reference), reference != nil)
        }
        return WebPage.render("案件 \(detail.summary.externalRef)", user: user, notice: notice, status: status,
                              body: view.body(actions: forms.forms(detail.availableTransitions) + other.body))
    }
}
