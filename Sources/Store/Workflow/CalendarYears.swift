import Domain
import Foundation
import Postgres

/// The holiday calendar as administrators manage it: which years are loaded, each year's days,
/// how many open deadlines are still provisional, and loading a file (the years it holds are
/// replaced, every affected open deadline recomputed, one audit event) — for the 节假日日历
/// page and `huqi calendar load` alike.
extension CalendarStore {
    /// One loaded year.
    public struct Year: Sendable, Equatable {
        public var year: Int
        /// Days off (holidays and the weekends 调休 moved).
        public var holidays: Int
        /// Weekend days worked (调休上班).
        public var workdays: Int
        /// The file it came from (`shared/data/cn-calendar.csv` for the years shipped with huqi).
        public var source: String
        public var loadedAt: Date
    }

    /// Every loaded year, oldest first.
    public static func years(using client: PostgresClient) async throws -> [Year] {
        try await client.query("""
            SELECT y.year, count(d.day) FILTER (WHERE d.kind = 'holiday'), count(d.day) FILTER (WHERE d.kind = 'workday'), y.source, y.loaded_at
            FROM calendar_years y
            LEFT JOIN calendar_days d ON d.day >= make_date(y.year, 1, 1) AND d.day < make_date(y.year + 1, 1, 1)
            GROUP BY y.year, y.source, y.loaded_at ORDER BY y.year
            """).map { row in
            let (year, holidays, workdays, source, loadedAt) = try row.decode((Int, Int, Int, String, Date).self)
            return Year(year: year, holidays: holidays, workdays: workdays, source: source, loadedAt: loadedAt)
        }
    }

    /// This year and the next when they are not loaded: their deadlines are counted on weekends
    /// alone (暂定). The next year's schedule is published around November.
    public static func missingYears(_ years: [Year], today: CalendarDate = .today()) -> [Int] {
        let loaded = Set(years.map(\.year))
        return [today.year, today.year + 1].filter { !loaded.contains($0) }
    }

    /// The holidays and 调休 working days of one year, in date order.
    public static func days(of year: Int, using client: PostgresClient) async throws -> [Entry] {
        try await client.query("""
            SELECT day, kind, name FROM calendar_days
            WHERE day >= make_date(\(year), 1, 1) AND day < make_date(\(year + 1), 1, 1) ORDER BY day
            """).map { row in
            let (day, kind, name) = try row.decode((CalendarDate, String, String).self)
            return Entry(date: day, isHoliday: kind == "holiday", name: name)
        }
    }

    /// Open deadlines whose due date was counted over a year without holiday data.
    public static func provisionalOpenDeadlines(using client: PostgresClient) async throws -> Int {
        try await client.query("SELECT count(*) FROM case_deadlines WHERE provisional AND closed_on IS NULL")[0].decode(Int.self, at: 0)
    }

    /// What loading `entries` would do, computed by loading them in a transaction that is then
    /// rolled back: nothing is stored, audited or noted on any case. `replaced`: the days of
    /// those years stored now, which a load would replace.
    public static func preview(_ entries: [Entry], using client: PostgresClient) async throws -> (years: [Int], replaced: Int,
                                                                                                 outcome: DeadlineRecompute.Outcome) {
        struct Previewed: Error { let years: [Int], replaced: Int, outcome: DeadlineRecompute.Outcome }
        do {
            try await client.withTransaction { connection in
                let replaced = try await storedDays(inYearsOf: entries, on: connection)
                let years = try await replaceYears(with: entries, source: "preview", on: connection)
                let outcome = try await DeadlineRecompute.run(years: years, actor: "preview", on: connection)
                throw Previewed(years: years, replaced: replaced, outcome: outcome)
            }
        } catch let previewed as Previewed {
            return (previewed.years, previewed.replaced, previewed.outcome)
        }
        preconditionFailure("the preview transaction always ends in Previewed or another error")
    }

    /// Loads `entries` in one transaction: their years replaced, every open deadline that is
    /// provisional or spans them recomputed (`DeadlineRecompute`), audited as `calendar.load`
    /// by `actor` with the years and what moved. `replaced`: the days those years had before.
    public static func load(_ entries: [Entry], source: String, by actor: AuditEvent, using client: PostgresClient)
        async throws -> (years: [Int], replaced: Int, outcome: DeadlineRecompute.Outcome) {
        try await client.withTransaction { connection in
            let replaced = try await storedDays(inYearsOf: entries, on: connection)
            let years = try await replaceYears(with: entries, source: source, on: connection)
            let outcome = try await DeadlineRecompute.run(years: years, actor: actor.actor, on: connection)
            var event = actor
            (event.action, event.entity) = ("calendar.load", "calendar")
            event.summary = ["years": years.map(String.init).joined(separator: ","), "deadlines_checked": String(outcome.checked),
                             "deadlines_moved": String(outcome.moved.count), "deadlines_settled": String(outcome.settled)]
            try await AuditLog.append(event, on: connection)
            return (years, replaced, outcome)
        }
    }

    /// The days stored now for the years `entries` name (the days a load of them replaces).
    private static func storedDays(inYearsOf entries: [Entry], on connection: PostgresConnection) async throws -> Int {
        let years = Array(Set(entries.map(\.date.year))).sorted()
        return try await connection.query("""
            SELECT count(*) FROM calendar_days WHERE extract(year FROM day)::int = ANY(\(years))
            """)[0].decode(Int.self, at: 0)
    }
}
