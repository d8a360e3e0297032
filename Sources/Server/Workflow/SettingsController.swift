import Domain
import Hummingbird
import Postgres
import Store

/// The workflow settings through the API, as the 办案设置 page and `huqi settings` have them:
/// `GET /api/v1/settings` (users) and `PATCH /api/v1/settings` (admin: the fields given change,
/// each checked by `WorkflowSettings.applying`; `settings.update` audited once, only when
/// something changed).
struct SettingsController: Sendable {
    let database: PostgresClient

    /// A change: each field given replaces its setting; absent fields stay as they are.
    struct Body: Decodable {
        let dayMode: String?
        let nearDueWorkingDays: Int?
        let leaseMinutes: Int?
        let reviewGrades: [String]?
        let programmeStart: String?
        enum CodingKeys: String, CodingKey {
            case dayMode = "day_mode", nearDueWorkingDays = "near_due_working_days", leaseMinutes = "lease_minutes",
                 reviewGrades = "review_grades", programmeStart = "programme_start"
        }
    }

    /// The settings in force, and after a change whether it changed anything.
    struct Answer: ResponseEncodable {
        let settings: WorkflowSettings
        let changed: Bool?
        enum CodingKeys: String, CodingKey { case changed }

        func encode(to encoder: any Encoder) throws {
            try settings.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(changed, forKey: .changed)
        }
    }

    func register(on group: RouterGroup<HuqiRequestContext>) {
        group.get("settings") { _, context -> Answer in
            guard case .user = try context.requirePrincipal().kind else { throw Problem.notFound }
            return Answer(settings: try await WorkflowSettings.current(using: database), changed: nil)
        }
        group.patch("settings") { request, context -> Answer in
            let principal = try AdministratorAPI.caller(context, refusal: "只有系统管理员可以修改办案设置。")
            let body = try await RequestBody.decode(Body.self, from: request)
            let change = try Self.change(body)
            do {
                let (settings, changed) = try await WorkflowSettings.update(
                    change, by: AuditEvent(by: principal, action: "settings.update", address: context.clientAddress), using: database)
                return Answer(settings: settings, changed: changed)
            } catch let problem as WorkflowProblem {
                throw Self.problem(problem)
            }
        }
    }

    /// The body as the page's typed change. A grade holding a separator the page splits on
    /// could not be told from two grades, so it is refused here.
    static func change(_ body: Body) throws -> WorkflowSettings.Change {
        if let grades = body.reviewGrades, let joined = grades.first(where: { $0.contains(where: { ",，、\n".contains($0) }) }) {
            throw problem(WorkflowProblem(code: "settings.invalid", message: "评查等级“\(joined)”中不能有逗号、顿号或换行。", field: "review_grades"))
        }
        return WorkflowSettings.Change(dayMode: body.dayMode, nearDueDays: body.nearDueWorkingDays.map(String.init),
                                       leaseMinutes: body.leaseMinutes.map(String.init),
                                       grades: body.reviewGrades.map { $0.joined(separator: "\n") }, programmeStart: body.programmeStart)
    }

    /// A refused value: 422 with its code and the field at fault (named as in this API).
    static func problem(_ problem: WorkflowProblem) -> Problem {
        var answer = Problem(status: .unprocessableContent, code: problem.code, title: problem.message)
        answer.field = problem.field.map { $0 == "near_due_days" ? "near_due_working_days" : $0 == "grades" ? "review_grades" : $0 }
        return answer
    }
}
