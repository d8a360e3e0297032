import Domain
import Postgres
import Synchronization

/// Today and the calendar facts every workflow action needs, read once per transaction.
///
/// The clock's columns can ride along with another statement (`columns`, over
/// `workflow_settings s`), so an action that locks its case reads the clock in the same round trip.
public struct WorkflowClock: Sendable {
    public var today: CalendarDate
    public var calendar: WorkCalendar
    public var settings: WorkflowSettings

    /// The last day that counts as near-due.
    public var nearDueUntil: CalendarDate { calendar.adding(workingDays: settings.nearDueWorkingDays, to: today) }

    /// The clock's select-list over `workflow_settings s`: the database's today (Asia/Shanghai),
    /// the settings and the calendar's version (renewed by every change of the calendar's
    /// tables, sql/0021). Every column is named `clock_…`.
    static let columns = """
        (now() AT TIME ZONE 'Asia/Shanghai')::date AS clock_today, s.day_mode AS clock_day_mode,
        s.near_due_working_days AS clock_near_due, s.lease_minutes AS clock_lease, s.review_grades AS clock_grades,
        s.programme_start AS clock_start, s.calendar_version::text AS clock_calendar_version
        """

    /// Reads the clock in one round trip; the calendar itself is reloaded only when its version changed.
    public static func read(on connection: PostgresConnection) async throws -> WorkflowClock {
        let row = try await connection.query("SELECT \(unescaped: columns) FROM workflow_settings s")[0]
        return try await decode(row, on: connection)
    }

    /// The clock from a row that selected `columns`; loads the calendar when the cached one is stale.
    static func decode(_ row: PostgresRow, on connection: PostgresConnection) async throws -> WorkflowClock {
        let settings = WorkflowSettings(
            dayMode: DayMode(rawValue: try row.decode(String.self, "clock_day_mode")) ?? .calendar,
            nearDueWorkingDays: try row.decode(Int.self, "clock_near_due"), leaseMinutes: try row.decode(Int.self, "clock_lease"),
            reviewGrades: try row.decode([String].self, "clock_grades"), programmeStart: try row.decode(CalendarDate.self, "clock_start"))
        let version = try row.decode(String.self, "clock_calendar_version")
        let calendar: WorkCalendar
        if let cached = CalendarCache.shared.calendar(version: version) {
            calendar = cached
        } else {
            calendar = try await CalendarStore.load(on: connection)
            CalendarCache.shared.store(calendar, version: version)
        }
        return WorkflowClock(today: try row.decode(CalendarDate.self, "clock_today"), calendar: calendar, settings: settings)
    }
}

/// The last calendar read, by version (`workflow_settings.calendar_version`): the calendar
/// changes a few times a year, deadlines are computed all day.
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
