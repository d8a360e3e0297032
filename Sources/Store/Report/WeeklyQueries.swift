import Domain
import Postgres

/// Computes a weekly summary from event history (`case_events`, deadline closures, batches),
/// so that regenerating a past week later gives the same numbers. The additive figures and the
/// stocks are sums of per-week increments (cached for weeks that can no longer change, see
/// `WeeklyIncrements`), limited to the principal's case scope.
public enum WeeklyQueries {
    /// The summary of `week` as `principal` may see it (the office: the whole programme; a
    /// leader: their unit and below).
    public static func compute(week: ISOWeek, for principal: Principal, using client: PostgresClient) async throws -> WeeklySummary {
        let scope = AccessPolicy.scope(of: principal, over: .caseRecord)
        let scopeName: String
        switch scope {
        case .all: scopeName = "全省"
        default:
            scopeName = try await client.query("SELECT name FROM units WHERE code = \(principal.unitCode ?? "")").first?
                .decode(String.self, at: 0) ?? "本院"
        }
        return try await client.withTransaction { connection in
            await connection.planEveryExecution()
            let settings = try await WorkflowSettings.load(on: connection)
            let window = WeeklyWindow(week: week, programmeStart: settings.programmeStart, access: scope)
            let increments = try await WeeklyIncrements.prepare(window, on: connection)
            let totals = try await WeeklyTotals.load(increments, on: connection)
            let sections = WeeklySections(window: window, wholeProgramme: scope == .all, totals: totals, connection: connection)
            let (cities, units) = try await sections.areas()
            return WeeklySummary(
                week: week, from: week.monday, to: week.sunday, programmeStart: settings.programmeStart, scope: scopeName,
                intake: try await sections.intake(),
                triage: .init(week: sections.triage(.week), cumulative: sections.triage(.cumulative)),
                stages: sections.stages(),
                resolution: .init(week: sections.resolution(.week), cumulative: sections.resolution(.cumulative)),
                timeliness: sections.timeliness(),
                clues: .init(week: sections.clues(.week), cumulative: sections.clues(.cumulative)),
                leadCases: sections.leadCases(), typicalCases: try await sections.typicalCases(),
                cities: cities, units: units, overdueLongest: try await sections.overdueLongest(),
                mostRejectedBatches: try await sections.mostRejectedBatches(), trend: sections.trend())
        }
    }
}
