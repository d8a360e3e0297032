import Domain
import Postgres
import Synchronization

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

/// Today and the calendar facts every workflow action needs, read once per transaction.
public struct WorkflowClock: Sendable {
    public var today: CalendarDate
    public var calendar: WorkCalendar
    public var settings: WorkflowSettings

    /// The last day that counts as near-due.
    public var nearDueUntil: CalendarDate { calendar.adding(workingDays: settings.nearDueWorkingDays, to: today) }

    /// Reads the database's today (Asia/Shanghai), the settings and the calendar's version in one
    /// round trip; the calendar itself is reloaded only when its version changed.
    public static func read(on connection: PostgresConnection) async throws -> WorkflowClock {
        let row = try await connection.query("""
            SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date, s.day_mode, s.near_due_working_days, s.lease_minutes,
                   s.review_grades, s.programme_start,
                   (SELECT count(*) || '/' || coalesce(max(loaded_at)::text, '') FROM calendar_years)
                   || '/' || (SELECT count(*) FROM calendar_days)
            FROM workflow_settings s
            """)[0]
        let (today, mode, nearDue, lease, grades, start, version) =
            try row.decode((CalendarDate, String, Int, Int, [String], CalendarDate, String).self)
        let settings = WorkflowSettings(dayMode: DayMode(rawValue: mode) ?? .calendar, nearDueWorkingDays: nearDue,
                                        leaseMinutes: lease, reviewGrades: grades, programmeStart: start)
        let calendar: WorkCalendar
        if let cached = CalendarCache.shared.calendar(version: version) {
            calendar = cached
        } else {
            calendar = try await CalendarStore.load(on: connection)
            CalendarCache.shared.store(calendar, version: version)
        }
        return WorkflowClock(today: today, calendar: calendar, settings: settings)
    }
}

/// The last calendar read, by version (`calendar_years` count and load time, `calendar_days`
/// count): the calendar changes a few times a year, deadlines are computed all day.
final class CalendarCache: Sendable {
    static let shared = CalendarCache()
    private let state = Mutex<(version: String, calendar: WorkCalendar)?>(nil)

    func calendar(version: String) -> WorkCalendar? {
        state.withLock { $0?.version == version ? $0?.calendar : nil }
    }

    func store(_ calendar: WorkCalendar, version: String) {
        state.withLock { $0 = (version, calendar) }
    }
}
