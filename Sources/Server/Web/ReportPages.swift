import Domain
import Hummingbird
import Postgres
import Store

/// The programme office (and leaders, for their scope): the weekly summary with a week picker,
/// the summary itself and its downloads (served by the report API, which the session may read).
struct ReportPages: Sendable {
    let database: PostgresClient
    let gate: WebGate

    func register(on router: Router<HuqiRequestContext>) {
        router.get("/app/reports/weekly") { request, _ in try await gate.page(request) { try await weekly(request, $0) } }
    }

    private func weekly(_ request: Request, _ user: WebUser) async throws -> Response {
        let principal = user.principal
        guard principal.has(.office) || principal.has(.admin) || principal.has(.leader) else {
            throw WebError.notFound()
        }
        let lastComplete = ISOWeek(containing: CalendarDate.today()).adding(weeks: -1)
        let asked = request.uri.queryParameters["week"].map(String.init)
        guard let week = asked.map({ ISOWeek($0) }) ?? lastComplete else {
            return WebPage.render("周报", user: user, notice: .error("周次应写成 2026-W48 的形式。"), status: .unprocessableContent,
                                  body: picker(asked ?? ""))
        }
        if let refusal = WeeklyIssuer.refusal(of: week) {
            return WebPage.render("周报", user: user, notice: .error(refusal), status: .unprocessableContent, body: picker(week.description))
        }
        let base = "/api/v1/reports/weekly/\(week)"
        return WebPage.render("周报 \(week)", user: user, body: """
            \(picker(week.description))
            <p>\(week.monday.description) 至 \(week.sunday.description)\(principal.has(.leader) && !principal.has(.office) ? "（本院及下级院）" : "")</p>
            <ul class="links">
            <li><a id="open-weekly" href="\(base)?format=html">查看周报（可打印）</a></li>
            <li><a href="\(base)?format=xlsx" download>下载 Excel（每张表一个工作表）</a></li>
            <li><a href="\(base)?format=csv" download>下载 CSV</a></li>
            <li><a href="\(base)?format=md" download>下载 Markdown</a></li>
            <li><a href="\(base)?format=json" download>下载 JSON</a></li>
            </ul>
            """)
    }

    private func picker(_ value: String) -> Markup {
        """
        <form class="inline" method="get" action="/app/reports/weekly">
        <label for="week">周次</label><input id="week" name="week" value="\(value)" placeholder="2026-W48" pattern="[0-9]{4}-W[0-9]{2}">
        <button type="submit">查看</button></form>
        """
    }
}
