import Domain
import Postgres

/// The programme's workflow settings (`workflow_settings`, one row), changed as data.
public struct WorkflowSettings: Sendable, Equatable, Codable {
    /// Whether periods in days count calendar days or working days.
    public var dayMode: DayMode
    /// A deadline is near-due from this many working days before it.
    public var nearDueWorkingDays: Int
    /// How long a claim lasts without renewal.
    public var leaseMinutes: Int
    /// The grades a review may give.
    public var reviewGrades: [String]
    /// The day the programme started (cumulative figures count from it).
    public var programmeStart: CalendarDate

    enum CodingKeys: String, CodingKey {
        case dayMode = "day_mode", nearDueWorkingDays = "near_due_working_days", leaseMinutes = "lease_minutes",
             reviewGrades = "review_grades", programmeStart = "programme_start"
    }

    /// Reads the settings row.
    public static func load(on connection: PostgresConnection) async throws -> WorkflowSettings {
        let row = try await connection.query("""
            SELECT day_mode, near_due_working_days, lease_minutes, review_grades, programme_start FROM workflow_settings
            """)[0]
        let (mode, nearDue, lease, grades, start) = try row.decode((String, Int, Int, [String], CalendarDate).self)
        return WorkflowSettings(dayMode: DayMode(rawValue: mode) ?? .calendar, nearDueWorkingDays: nearDue,
                                leaseMinutes: lease, reviewGrades: grades, programmeStart: start)
    }

    /// Stores new settings (audited by the caller).
    public func save(on connection: PostgresConnection) async throws {
        try await connection.query("""
            UPDATE workflow_settings SET day_mode = \(dayMode.rawValue), near_due_working_days = \(nearDueWorkingDays),
                   lease_minutes = \(leaseMinutes), review_grades = \(reviewGrades), programme_start = \(programmeStart)
            """)
    }
}
