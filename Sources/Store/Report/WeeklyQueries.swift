import Domain
import Postgres

/// Computes a weekly summary from event history (`case_events`, deadline closures, batches),
/// so that regenerating a past week later gives the same numbers. Each section is one query
/// over the week's (or the cumulative) time window, limited to the principal's case scope.
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
            let settings = try await WorkflowSettings.load(on: connection)
            let window = WeeklyWindow(week: week, programmeStart: settings.programmeStart,
                                      scope: scope.condition(unitColumn: "c.unit_code", partnerColumn: "c.partner_id"))
            // Each case's stage and triage decision at the week's end, computed once for every section.
            try await connection.query("CREATE TEMP TABLE stage_at_end ON COMMIT DROP AS \(window.stageAtEnd)")
            try await connection.query("CREATE TEMP TABLE petition_at_end ON COMMIT DROP AS \(window.petitionAtEnd)")
            try await connection.query("ANALYZE stage_at_end")
            try await connection.query("ANALYZE petition_at_end")
            let sections = WeeklySections(window: window, wholeProgramme: scope == .all, connection: connection)
            let (cities, units) = try await sections.areas()
            return WeeklySummary(
                week: week, from: week.monday, to: week.sunday, programmeStart: settings.programmeStart, scope: scopeName,
                intake: try await sections.intake(),
                triage: .init(week: try await sections.triage(weekly: true), cumulative: try await sections.triage(weekly: false)),
                stages: try await sections.stages(),
                resolution: .init(week: try await sections.resolution(weekly: true), cumulative: try await sections.resolution(weekly: false)),
                timeliness: try await sections.timeliness(),
                clues: .init(week: try await sections.clues(weekly: true), cumulative: try await sections.clues(weekly: false)),
                leadCases: try await sections.leadCases(), typicalCases: try await sections.typicalCases(),
                cities: cities, units: units, overdueLongest: try await sections.overdueLongest(),
                mostRejectedBatches: try await sections.mostRejectedBatches(), trend: try await sections.trend())
        }
    }
}
