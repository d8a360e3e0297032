import Domain
import Foundation
import Hummingbird
import Intake
import Postgres
import Store

/// `/app/admin/calendar` (节假日日历), for administrators: which years of holidays and 调休
/// working days deadlines are counted on, the days of a year, and loading the next year's
/// schedule when the State Council publishes it (the same load as `huqi calendar load`: the
/// years in the file replaced, open deadlines recomputed, audited as `calendar.load`).
/// A deadline over a year not loaded is counted on weekends alone and shown as 暂定; the page
/// says so while this year or the next is missing.
struct CalendarPages: Sendable {
    let database: PostgresClient
    let gate: WebGate

    func register(on router: Router<HuqiRequestContext>) {
        router.get("/app/admin/calendar") { request, _ in
            try await gate.page(request) { user in
                try await page(request, try user.administrator(), notice: WebPage.Notice.from(request))
            }
        }
        router.post("/app/admin/calendar") { request, context in
            try await gate.page(request) { user in try await load(request, context, try user.administrator()) }
        }
    }

    /// 预览 (`action=preview`: what a load would do, nothing stored, with a form to confirm it) or
    /// 载入 of an uploaded file, or of the text a preview carried forward.
    private func load(_ request: Request, _ context: HuqiRequestContext, _ user: WebUser) async throws -> Response {
        let form = try await WebForm.read(request, user: user, limit: 2_200_000)
        let text: String, source: String
        do {
            if let file = form.files["file"], !file.bytes.isEmpty {
                (text, source) = (try TextDecoding.string(file.bytes).text, String(file.filename.prefix(200)))
            } else if let carried = form.fields["content"]?.first, !carried.isEmpty {
                (text, source) = (carried, String((form["source"] ?? "日历.csv").prefix(200)))
            } else {
                return try await page(request, user, notice: .error("请选择要载入的日历文件（CSV）。"), status: .unprocessableContent)
            }
        } catch {
            return try await page(request, user, notice: .error("无法读取上传的文件：应为 UTF-8 或 GB18030 编码的 CSV 文本（Excel 另存为“CSV”）。"),
                                  status: .unprocessableContent)
        }
        let entries: [CalendarStore.Entry]
        switch Result(catching: { () throws(WorkflowProblem) in try CalendarStore.parse(text) }) {
        case .success(let parsed): entries = parsed
        case .failure(let problem): return try await page(request, user, notice: .error(problem.message), status: .unprocessableContent)
        }
        if form["action"] == "preview" {
            let (years, replaced, outcome) = try await CalendarStore.preview(entries, using: database)
            return try await page(request, user, notice: nil, extra: Self.previewCard(
                years: years, count: entries.count, replaced: replaced, outcome: outcome, text: text, source: source, user: user))
        }
        let (years, _, outcome) = try await CalendarStore.load(
            entries, source: source, by: AuditEvent(by: user.principal, action: "calendar.load", address: context.clientAddress), using: database)
        let named = years.map { "\($0) 年" }.joined(separator: "、")
        let skipped = outcome.skipped > 0 ? "有 \(outcome.skipped) 个期限的中止或延期记录无法读取，保持原到期日，请人工核对。" : ""
        return WebPage.redirect(to: "/app/admin/calendar?year=\(years[0])", notice: .success("""
            已载入 \(named)（共 \(entries.count) 个日期）。未结期限按新日历重算：检查 \(outcome.checked) 个，到期日变化 \(outcome.moved.count) 个，\
            不再暂定 \(outcome.settled) 个；每个变化记入该案件的办理记录。\(skipped)
            """))
    }

    /// What loading would do, and the form that does it (the file's text carried in the form).
    static func previewCard(years: [Int], count: Int, replaced: Int, outcome: DeadlineRecompute.Outcome, text: String, source: String,
                            user: WebUser) -> Markup {
        let named = years.map { "\($0) 年" }.joined(separator: "、")
        let moves: [Markup] = outcome.moved.prefix(20).map { m in
            let kind = DeadlineKind(rawValue: m.kind)?.chineseName ?? m.kind
            return "<tr><td><a href=\"/app/cases/\(m.caseID)\">\(m.externalRef)</a></td><td>\(kind)</td><td>\(m.from.description)</td><td>\(m.to.description)</td></tr>"
        }
        let table: Markup = moves.isEmpty ? .empty : """
            <table id="calendar-moves"><caption>将改变的到期日\(outcome.moved.count > 20 ? "（前 20 个，共 \(outcome.moved.count) 个）" : "")</caption>
            <thead><tr><th scope="col">案件</th><th scope="col">期限</th><th scope="col">原到期日</th><th scope="col">新到期日</th></tr></thead>\
            <tbody>\(moves)</tbody></table>
            """
        return """
            <div class="card" id="calendar-preview"><h2>预览（尚未保存）</h2>
            <p>将载入\(named)，共 \(count) 个日期，替换这些年份现有的 \(replaced) 个日期。未结期限：检查 \(outcome.checked) 个，\
            到期日变化 \(outcome.moved.count) 个，不再暂定 \(outcome.settled) 个。</p>\(table)
            <form method="post" action="/app/admin/calendar" id="calendar-confirm">\(user.csrfField)\
            <textarea name="content" hidden>\(text)</textarea><input type="hidden" name="source" value="\(source)">\
            <button type="submit" name="action" value="load">确认载入</button></form></div>
            """
    }

    private func page(_ request: Request, _ user: WebUser, notice: WebPage.Notice?, status: HTTPResponse.Status = .ok,
                      extra: Markup = .empty) async throws -> Response {
        let years = try await CalendarStore.years(using: database)
        let asked = request.uri.queryParameters["year"].flatMap { Int(String($0)) }
        let shown = asked.flatMap { year in years.contains { $0.year == year } ? year : nil }
        var days: Markup = .empty
        if let shown {
            days = Self.dayTable(shown, try await CalendarStore.days(of: shown, using: database))
        } else if let asked {
            days = "<p id=\"calendar-days\">\(asked) 年尚未载入：该年的期限按周末推算（暂定）。</p>"
        }
        let provisional = try await CalendarStore.provisionalOpenDeadlines(using: database)
        return WebPage.render("节假日日历", user: user, notice: notice, status: status, body: """
            \(Self.missingYears(years, provisional: provisional))
            \(extra)
            \(Self.yearTable(years, shown: shown))
            \(days)
            \(Self.uploadForm(user))
            """)
    }

    /// The warning while this year or the next has no data (the next year's schedule is
    /// published around November).
    static func missingYears(_ years: [CalendarStore.Year], provisional: Int, today: CalendarDate = .today()) -> Markup {
        let missing = CalendarStore.missingYears(years, today: today)
        let count: Markup = provisional > 0 ? "目前有 \(provisional) 个未结期限是暂定的。" : ""
        guard !missing.isEmpty else {
            return provisional > 0 ? "<p class=\"notice warning\" id=\"calendar-missing\">\(count)</p>" : .empty
        }
        let named = missing.map { "\($0) 年" }.joined(separator: "、")
        return """
            <p class="notice warning" id="calendar-missing">尚未载入 \(named)的节假日安排：落在其中的期限暂按周末推算，标为“暂定”。\
            国务院办公厅公布安排后，请在下方载入，已有期限会自动重算。\(count)</p>
            """
    }

    static func yearTable(_ years: [CalendarStore.Year], shown: Int?) -> Markup {
        let rows: [Markup] = years.map { y in
            """
            <tr\(y.year == shown ? " aria-current=\"true\"" : "")><td><a href="/app/admin/calendar?year=\(y.year)">\(y.year) 年</a></td>\
            <td class="num">\(y.holidays)</td><td class="num">\(y.workdays)</td><td>\(y.source)</td><td>\(ShanghaiTime.minute(y.loadedAt))</td></tr>
            """
        }
        return """
            <table id="calendar-years"><caption>已载入的年份（期限按这些年份的放假和调休上班计算）</caption>
            <thead><tr><th scope="col">年份</th><th scope="col">放假日</th><th scope="col">调休上班日</th><th scope="col">来源文件</th>\
            <th scope="col">载入时间</th></tr></thead><tbody>\(rows)</tbody></table>
            """
    }

    static let weekdayNames = ["一", "二", "三", "四", "五", "六", "日"]

    static func dayTable(_ year: Int, _ days: [CalendarStore.Entry]) -> Markup {
        let rows: [Markup] = days.map { d in
            """
            <tr><td>\(d.date.description)</td><td>星期\(weekdayNames[d.date.weekdayIndex])</td>\
            <td>\(d.isHoliday ? "放假" : "调休上班")</td><td>\(d.name)</td></tr>
            """
        }
        return """
            <table id="calendar-days"><caption>\(year) 年的放假日和调休上班日（其余按周一至周五上班）</caption>
            <thead><tr><th scope="col">日期</th><th scope="col">星期</th><th scope="col">类别</th><th scope="col">名称</th></tr></thead>\
            <tbody>\(rows)</tbody></table>
            """
    }

    static func uploadForm(_ user: WebUser) -> Markup {
        """
        <form class="card narrow" method="post" action="/app/admin/calendar" enctype="multipart/form-data">\(user.csrfField)<h2>载入日历</h2>
        <p class="hint">CSV 文件，每行“日期,类别,名称”，类别写 holiday（放假）或 workday（调休上班），也可写“放假”“上班”；如 \
        2027-01-01,holiday,元旦 与 2027-02-07,workday,春节调休上班。文件中出现的年份整年替换（只写该年的放假日和调休上班日，\
        普通周末不用写）；未结期限随即按新日历重算，变化记入各案件的办理记录。</p>
        <label for="calendar-file">日历文件</label><input id="calendar-file" name="file" type="file" accept=".csv,.txt,text/csv" required>
        <button type="submit" name="action" value="preview" class="secondary">预览（不保存）</button>
        <button type="submit" name="action" value="load">载入</button></form>
        """
    }
}
