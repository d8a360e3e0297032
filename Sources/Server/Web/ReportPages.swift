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
        router.post("/app/reports/weekly/issue") { request, context in
            try await gate.page(request) { try await issue(request, context, $0) }
        }
    }

    /// The office issues a week that has ended: this moment's numbers become a new, unchangeable
    /// version (earlier ones stay), as the scheduler and `huqi report weekly --issue` do.
    private func issue(_ request: Request, _ context: HuqiRequestContext, _ user: WebUser) async throws -> Response {
        guard user.principal.has(.office) || user.principal.has(.admin) else { throw WebError.notFound() }
        let form = try await WebForm.read(request, user: user, limit: 4_096)
        guard let week = form["week"].flatMap({ ISOWeek($0) }) else { throw WebError.badRequest("周次应写成 2026-W48 的形式。") }
        let page = "/app/reports/weekly?week=\(week)"
        guard WeeklyIssuer.hasEnded(week) else {
            return WebPage.redirect(to: page, notice: .error("\(week) 还没有结束，结束后才能签发（签发的数字不再改变）。"))
        }
        let actor = AuditEvent(by: user.principal, action: "report.issue", address: context.clientAddress)
        guard let snapshot = try await WeeklyIssuer(database: database).issue(week, by: actor) else {
            return WebPage.redirect(to: page, notice: .error("\(week) 的周报未能签发，请稍后再试。"))
        }
        return WebPage.redirect(to: page, notice: .success("已签发 \(week) 周报第 \(snapshot.version) 版。"))
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
        // Issued snapshots are the whole programme's; leaders read their own scope live.
        let seesSnapshots = principal.has(.office) || principal.has(.admin)
        let snapshots = seesSnapshots ? try await WeeklySnapshots.list(using: database) : []
        return WebPage.render("周报 \(week)", user: user, notice: WebPage.Notice.from(request), body: """
            \(picker(week.description))
            <p>\(week.monday.description) 至 \(week.sunday.description)\(principal.has(.leader) && !seesSnapshots ? "（本院及下级院的实时数字）" : "")　\(Self.neighbours(week))</p>
            \(seesSnapshots ? Self.state(of: week, in: snapshots) + Self.issueForm(week, in: snapshots, user: user) : .empty)
            <ul class="links">
            <li><a id="open-weekly" href="\(base)?format=html">查看周报（可打印）</a></li>
            <li><a href="\(base)?format=xlsx" download>下载 Excel（每张表一个工作表）</a></li>
            <li><a href="\(base)?format=csv" download>下载 CSV</a></li>
            <li><a href="\(base)?format=md" download>下载 Markdown</a></li>
            <li><a href="\(base)?format=json" download>下载 JSON</a></li>
            </ul>
            \(seesSnapshots ? Self.issuedList(snapshots) : .empty)
            """)
    }

    /// 上一周 / 下一周, the next one only once it has begun.
    static func neighbours(_ week: ISOWeek) -> Markup {
        let previous = week.adding(weeks: -1), next = week.adding(weeks: 1)
        let later: Markup = WeeklyIssuer.refusal(of: next) == nil ? " · <a id=\"next-week\" href=\"?week=\(next.description)\">下一周 \(next.description) ›</a>" : .empty
        return "<a id=\"previous-week\" href=\"?week=\(previous.description)\">‹ 上一周 \(previous.description)</a>\(later)"
    }

    /// Whether the office reads an issued snapshot of the week, or live numbers.
    static func state(of week: ISOWeek, in snapshots: [WeeklySnapshots.Snapshot]) -> Markup {
        let versions = snapshots.filter { $0.week == week.description }
        guard let latest = versions.first else {
            return "<p class=\"notice warning\" id=\"snapshot-state\">本周报尚未签发：查看和下载的是此刻的实时数字。</p>"
        }
        return """
            <p class="notice success" id="snapshot-state">已签发：第 \(latest.version) 版\(versions.count > 1 ? "（共 \(versions.count) 版）" : "")，\
            \(ShanghaiTime.minute(latest.issuedAt)) 由\(latest.issuedByName ?? latest.issuedBy)签发。查看和下载的是签发时的数字，不随之后的更正变化。</p>
            """
    }

    /// 签发 for a week that has ended.
    static func issueForm(_ week: ISOWeek, in snapshots: [WeeklySnapshots.Snapshot], user: WebUser) -> Markup {
        guard WeeklyIssuer.hasEnded(week) else { return .empty }
        let next = (snapshots.first { $0.week == week.description }?.version ?? 0) + 1
        return """
            <form method="post" action="/app/reports/weekly/issue" id="issue-week">\(user.csrfField)<input type="hidden" name="week" value="\(week.description)">\
            <button type="submit" class="secondary">\(next == 1 ? "签发本周报" : "重新签发（第 \(next) 版）")</button>\
            <span class="hint">　把此刻的数字存为不可修改的第 \(next) 版\(next > 1 ? "，旧版本保留" : "")；每周也会定时签发上一周。</span></form>
            """
    }

    /// The most recently issued weeks, each with its newest version.
    static func issuedList(_ snapshots: [WeeklySnapshots.Snapshot], weeks: Int = 12) -> Markup {
        var seen = Set<String>()
        let newest = snapshots.filter { seen.insert($0.week).inserted }.prefix(weeks)
        guard !newest.isEmpty else { return .empty }
        let rows: [Markup] = newest.map { s in
            let dates = ISOWeek(s.week).map { "\($0.monday.description) 至 \($0.sunday.description)" } ?? ""
            return """
                <tr><td><a href="?week=\(s.week)">\(s.week)</a></td><td>\(dates)</td><td class="num">\(s.version)</td>\
                <td>\(ShanghaiTime.minute(s.issuedAt))</td><td>\(s.issuedByName ?? s.issuedBy)</td></tr>
                """
        }
        return """
            <h2>最近签发的周报</h2>
            <table id="issued-weeks"><thead><tr><th scope="col">周次</th><th scope="col">日期</th><th scope="col">版本</th>\
            <th scope="col">签发时间</th><th scope="col">签发人</th></tr></thead><tbody>\(rows)</tbody></table>
            """
    }

    private func picker(_ value: String) -> Markup {
        """
        <form class="inline" method="get" action="/app/reports/weekly">
        <label for="week">周次</label><input id="week" name="week" value="\(value)" placeholder="2026-W48" pattern="[0-9]{4}-W[0-9]{2}">
        <button type="submit">查看</button></form>
        """
    }
}
