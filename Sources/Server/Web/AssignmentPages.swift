import Domain
import Foundation
import Hummingbird
import Postgres
import Store

/// Leaders: move every open case of one person to another (someone leaving, on leave), with a
/// preview that lists exactly what the real run will move before anything changes.
struct AssignmentPages: Sendable {
    let database: PostgresClient
    let gate: WebGate

    func register(on router: Router<HuqiRequestContext>) {
        router.get("/app/assignments") { request, _ in
            try await gate.page(request) { user in try await page(user, notice: WebPage.Notice.from(request)) }
        }
        router.post("/app/assignments") { request, context in
            try await gate.page(request) { user in try await submit(request, context, user) }
        }
    }

    private func workers(_ user: WebUser) async throws -> [User] {
        guard AccessPolicy.canLeadCases(user.principal) else { throw WebError.forbidden("只有院领导可以批量改派。") }
        return try await UserRepository(client: database).list(for: user.principal)
            .filter { !$0.disabled && ($0.roles.contains(.prosecutor) || $0.roles.contains(.leader)) }
    }

    private func page(_ user: WebUser, notice: WebPage.Notice?, from: String = "", to: String = "", preview: Markup = .empty,
                      status: HTTPResponse.Status = .ok) async throws -> Response {
        let people = try await workers(user)
        func options(_ chosen: String) -> [Markup] {
            people.map { "<option value=\"\($0.id)\"\(chosen == String($0.id) ? " selected" : "")>\($0.displayName)（\($0.login)，\($0.unitCode ?? "")）</option>" }
        }
        return WebPage.render("批量改派", user: user, notice: notice, status: status, body: """
            <form class="card" method="post" action="/app/assignments">\(user.csrfField)
            <label for="from">原承办人</label><select id="from" name="from" required><option value="">请选择</option>\(options(from))</select>
            <label for="to">新承办人</label><select id="to" name="to" required><option value="">请选择</option>\(options(to))</select>
            <button type="submit" name="step" value="preview">预览</button>
            </form>
            \(preview)
            """)
    }

    private func submit(_ request: Request, _ context: HuqiRequestContext, _ user: WebUser) async throws -> Response {
        let form = try await WebForm.read(request, user: user)
        guard let from = form["from"].flatMap(Int.init), let to = form["to"].flatMap(Int.init), from != to else {
            return try await page(user, notice: .error("请选择不同的原承办人和新承办人。"), from: form["from"] ?? "", to: form["to"] ?? "",
                                  status: .unprocessableContent)
        }
        let confirm = form["step"] == "confirm"
        let moves = try await CaseAssignment.bulkReassign(from: from, to: to, dryRun: !confirm, by: user.principal,
                                                          address: context.clientAddress, using: database)
        let moving = moves.filter { $0.skippedBecause == nil }.count
        if confirm {
            return WebPage.redirect(to: "/app/assignments", notice: .success("已改派 \(moving) 件案件\(moves.count > moving ? "，\(moves.count - moving) 件未改派" : "")。"))
        }
        let rows: [Markup] = moves.map {
            "<tr><td><a href=\"/app/cases/\($0.caseID)\">\($0.externalRef)</a></td><td>\($0.unit)</td><td>\(Stage(rawValue: $0.stage)?.chineseName ?? $0.stage)</td><td>\($0.skippedBecause ?? "将改派")</td></tr>"
        }
        let preview: Markup = """
            <h2>预览：将改派 \(moving) 件\(moves.count > moving ? "，\(moves.count - moving) 件不能改派" : "")</h2>
            <table><thead><tr><th scope="col">案件编号</th><th scope="col">检察院</th><th scope="col">阶段</th><th scope="col">结果</th></tr></thead>
            <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"4\">此人手上没有在办案件。</td></tr>"] : rows)</tbody></table>
            \(moving > 0 ? Markup("""
                <form method="post" action="/app/assignments">\(user.csrfField)<input type="hidden" name="from" value="\(String(from))">\
                <input type="hidden" name="to" value="\(String(to))"><button type="submit" name="step" value="confirm">确认改派 \(moving) 件</button></form>
                """) : .empty)
            """
        return try await page(user, notice: nil, from: String(from), to: String(to), preview: preview)
    }
}
