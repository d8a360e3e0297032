import Domain
import Foundation
import Hummingbird
import Postgres
import Store

/// `/app/admin/settings` (办案设置), for administrators: the workflow settings that change
/// without a release — how periods count days, when a deadline is near-due, how long a claim
/// lasts, the review grades, the programme's first day — each with what changing it affects.
/// The same rules and audit (`settings.update`) as `huqi settings` (`WorkflowSettings.update`).
struct SettingsPages: Sendable {
    let database: PostgresClient
    let gate: WebGate

    func register(on router: Router<HuqiRequestContext>) {
        router.get("/app/admin/settings") { request, _ in
            try await gate.page(request) { user in
                let user = try user.administrator()
                let settings = try await WorkflowSettings.current(using: database)
                return Self.page(user, Self.fields(of: settings), notice: WebPage.Notice.from(request))
            }
        }
        router.post("/app/admin/settings") { request, context in
            try await gate.page(request) { user in try await save(request, context, try user.administrator()) }
        }
    }


    private func save(_ request: Request, _ context: HuqiRequestContext, _ user: WebUser) async throws -> Response {
        let form = try await WebForm.read(request, user: user, limit: 16_384)
        let change = WorkflowSettings.Change(dayMode: form["day_mode"], nearDueDays: form["near_due_days"], leaseMinutes: form["lease_minutes"],
                                             grades: form["grades"], programmeStart: form["programme_start"])
        do {
            let (_, changed) = try await WorkflowSettings.update(
                change, by: AuditEvent(by: user.principal, action: "settings.update", address: context.clientAddress), using: database)
            return WebPage.redirect(to: "/app/admin/settings", notice: .success(changed ? "已保存办案设置。" : "设置没有变化。"))
        } catch let problem as WorkflowProblem {
            let typed = Self.formFields.reduce(into: [String: String]()) { $0[$1] = form[$1] ?? "" }
            return Self.page(user, typed, notice: .error(problem.message), invalid: problem.field, status: .unprocessableContent)
        }
    }

    static let formFields = ["day_mode", "near_due_days", "lease_minutes", "grades", "programme_start"]

    /// The form's values for the settings in force.
    static func fields(of settings: WorkflowSettings) -> [String: String] {
        ["day_mode": settings.dayMode.rawValue, "near_due_days": String(settings.nearDueWorkingDays),
         "lease_minutes": String(settings.leaseMinutes), "grades": settings.reviewGrades.joined(separator: "、"),
         "programme_start": settings.programmeStart.description]
    }

    static func page(_ user: WebUser, _ values: [String: String], notice: WebPage.Notice?, invalid: String? = nil,
                     status: HTTPResponse.Status = .ok) -> Response {
        func mark(_ field: String) -> Markup { field == invalid ? " aria-invalid=\"true\"" : .empty }
        let modes: [Markup] = DayMode.allCases.map { mode in
            "<option value=\"\(mode.rawValue)\"\(values["day_mode"] == mode.rawValue ? " selected" : "")>\(mode.chineseName)</option>"
        }
        return WebPage.render("办案设置", user: user, notice: notice, status: status, body: """
            <form class="card narrow" method="post" action="/app/admin/settings" id="settings">\(user.csrfField)
            <label for="day-mode">期限计日方式</label><select id="day-mode" name="day_mode"\(mark("day_mode"))>\(modes)</select>
            <p class="hint">“7日”“60日”等期限按自然日还是工作日计算。只影响此后新开的期限；已有期限（含其延期）保持开期时的方式。</p>
            <label for="near-due-days">临期提醒（到期前几个工作日）</label>\
            <input id="near-due-days" name="near_due_days" inputmode="numeric" value="\(values["near_due_days"] ?? "")"\(mark("near_due_days"))>
            <p class="hint">0–30。到期前这么多个工作日起，案件在列表和队列中标为“临期”。立即生效。</p>
            <label for="lease-minutes">领取时限（分钟）</label>\
            <input id="lease-minutes" name="lease_minutes" inputmode="numeric" value="\(values["lease_minutes"] ?? "")"\(mark("lease_minutes"))>
            <p class="hint">1–1440。领取后这么久没有任何操作，案件自动退回队列；承办人的每次操作都会续期。新的领取和续期按新时限计算。</p>
            <label for="grades">评查等级（从高到低，用顿号或逗号分隔）</label>\
            <input id="grades" name="grades" value="\(values["grades"] ?? "")"\(mark("grades"))>
            <p class="hint">评查时可选的等级。已评查的案件保留原来的等级。</p>
            <label for="programme-start">项目起始日</label>\
            <input id="programme-start" name="programme_start" type="date" value="\(values["programme_start"] ?? "")"\(mark("programme_start"))>
            <p class="hint">周报中的“累计”数字自这一天起算。</p>
            <button type="submit">保存</button></form>
            <p class="hint">每次修改都记入审计日志（settings.update）。命令行：huqi settings。</p>
            """)
    }
}
