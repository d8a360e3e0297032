import Domain
import Foundation
import Postgres

extension WorkflowSettings {
    /// A change asked for by `huqi settings` or the 办案设置 page, as typed: a nil field leaves
    /// its setting as it is. `applying` checks every value.
    public struct Change: Sendable, Equatable {
        /// `calendar` / `working` (or 自然日 / 工作日).
        public var dayMode: String?
        /// Working days before a due date from which it is near-due, 0–30.
        public var nearDueDays: String?
        /// Minutes a claim lasts without renewal, 1–1440.
        public var leaseMinutes: String?
        /// Review grades separated by commas or 、, best first.
        public var grades: String?
        /// The programme's first day, `2026-01-01`.
        public var programmeStart: String?

        public init(dayMode: String? = nil, nearDueDays: String? = nil, leaseMinutes: String? = nil, grades: String? = nil,
                    programmeStart: String? = nil) {
            (self.dayMode, self.nearDueDays, self.leaseMinutes, self.grades, self.programmeStart) =
                (dayMode, nearDueDays, leaseMinutes, grades, programmeStart)
        }
    }

    /// These settings with `change` applied; the first wrong value is a `WorkflowProblem`
    /// naming its field (`settings.invalid`).
    public func applying(_ change: Change) throws(WorkflowProblem) -> WorkflowSettings {
        func invalid(_ field: String, _ message: String) -> WorkflowProblem {
            WorkflowProblem(code: "settings.invalid", message: message, field: field)
        }
        func trimmed(_ text: String?) -> String? { text.map { $0.trimmingCharacters(in: .whitespaces) } }
        var settings = self
        if let text = trimmed(change.dayMode) {
            guard let mode = DayMode(rawValue: text) ?? DayMode.allCases.first(where: { $0.chineseName == text }) else {
                throw invalid("day_mode", "期限计日方式只能是自然日（calendar）或工作日（working），这里是“\(text)”。")
            }
            settings.dayMode = mode
        }
        if let text = trimmed(change.nearDueDays) {
            guard let days = Int(text), (0...30).contains(days) else { throw invalid("near_due_days", "临期提醒应为 0–30 之间的工作日数，这里是“\(text)”。") }
            settings.nearDueWorkingDays = days
        }
        if let text = trimmed(change.leaseMinutes) {
            guard let minutes = Int(text), (1...1440).contains(minutes) else {
                throw invalid("lease_minutes", "领取时限应为 1–1440 之间的分钟数，这里是“\(text)”。")
            }
            settings.leaseMinutes = minutes
        }
        if let text = change.grades {
            let list = text.split(whereSeparator: { ",，、\n".contains($0) }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !list.isEmpty else { throw invalid("grades", "评查等级至少要有一个。") }
            guard Set(list).count == list.count else { throw invalid("grades", "评查等级中有重复：\(list.joined(separator: "、"))。") }
            guard list.allSatisfy({ $0.count <= 20 }) else { throw invalid("grades", "每个评查等级最多 20 个字。") }
            settings.reviewGrades = list
        }
        if let text = trimmed(change.programmeStart) {
            guard let date = CalendarDate(iso: text) else { throw invalid("programme_start", "项目起始日应写成 2026-01-01 这样的日期，这里是“\(text)”。") }
            settings.programmeStart = date
        }
        return settings
    }

    /// Applies `change` in one transaction; when anything changed, saves it and audits
    /// `settings.update` by `actor` with every setting's new value. Returns the settings in
    /// force and whether they changed.
    public static func update(_ change: Change, by actor: AuditEvent, using client: PostgresClient) async throws -> (settings: WorkflowSettings, changed: Bool) {
        try await client.withTransaction { connection in
            let before = try await load(on: connection)
            let settings = try before.applying(change)
            guard settings != before else { return (settings, false) }
            try await settings.save(on: connection)
            var event = actor
            (event.action, event.entity, event.summary) = ("settings.update", "workflow_settings", [
                "day_mode": settings.dayMode.rawValue, "near_due_working_days": String(settings.nearDueWorkingDays),
                "lease_minutes": String(settings.leaseMinutes), "review_grades": settings.reviewGrades.joined(separator: ","),
                "programme_start": settings.programmeStart.description,
            ])
            try await AuditLog.append(event, on: connection)
            return (settings, true)
        }
    }

    /// The settings in force.
    public static func current(using client: PostgresClient) async throws -> WorkflowSettings {
        try await client.withConnection { try await load(on: $0) }
    }
}
