import Domain
import Foundation
import Postgres
import Reporting
import Store

/// Computes, renders and issues weekly summaries; used by the API, the CLI and the scheduler.
public struct WeeklyIssuer: Sendable {
    let database: PostgresClient

    public init(database: PostgresClient) { self.database = database }

    /// The principal of the programme office's whole-programme view, for the CLI and the scheduler.
    public static func programmeOffice(label: String) -> Principal {
        Principal(kind: .user(id: 0, login: label), label: label, roles: [.office])
    }

    /// The week before the one containing `now` in Asia/Shanghai (the last complete week).
    public static func lastCompleteWeek(now: Date = Date()) -> ISOWeek {
        ISOWeek(containing: CalendarDate.today(now: now)).adding(weeks: -1)
    }

    /// Why `week` cannot be reported: it has not begun (in Asia/Shanghai), so a summary would be
    /// zeros and carried-over totals — and, issued, an immutable snapshot of a week that never
    /// happened. Nil for the current week (its numbers so far) and every earlier one.
    public static func refusal(of week: ISOWeek, now: Date = Date()) -> String? {
        let current = ISOWeek(containing: CalendarDate.today(now: now))
        return week > current ? "\(week) 尚未开始（本周是 \(current)），没有可统计的数据。" : nil
    }

    /// Whether `week` has ended in Asia/Shanghai. Only such a week is issued by people (the page,
    /// the API): a running week's numbers would be frozen half-way.
    public static func hasEnded(_ week: ISOWeek, now: Date = Date()) -> Bool {
        week < ISOWeek(containing: CalendarDate.today(now: now))
    }

    /// The numbers of `week` as `principal` may see them.
    public func summary(of week: ISOWeek, for principal: Principal) async throws -> WeeklySummary {
        try await WeeklyQueries.compute(week: week, for: principal, using: database)
    }

    /// Computes the whole-programme summary and stores it as a new snapshot version.
    public func issue(_ week: ISOWeek, by actor: AuditEvent, onlyIfNone: Bool = false) async throws -> WeeklySnapshots.Snapshot? {
        let summary = try await summary(of: week, for: Self.programmeOffice(label: actor.actorLabel))
        let files = WeeklySnapshots.Files(
            numbersJSON: WeeklyReport.json(summary), html: WeeklyHTML.render(summary), csv: WeeklyCSV.render(summary),
            markdown: WeeklyMarkdown.render(summary))
        return try await WeeklySnapshots.issue(week: week, files: files, by: actor, onlyIfNone: onlyIfNone, using: database)
    }
}
