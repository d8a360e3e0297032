import Domain
import Foundation
import Postgres

/// The holiday calendar in `calendar_days` / `calendar_years`.
public enum CalendarStore {
    /// The whole calendar (a few hundred rows).
    public static func load(on connection: PostgresConnection) async throws -> WorkCalendar {
        var calendar = WorkCalendar()
        for row in try await connection.query("SELECT day, kind FROM calendar_days") {
            let (day, kind) = try row.decode((CalendarDate, String).self)
            if kind == "holiday" { calendar.holidays.insert(day) } else { calendar.makeUpWorkdays.insert(day) }
        }
        for row in try await connection.query("SELECT year FROM calendar_years") {
            calendar.knownYears.insert(try row.decode(Int.self, at: 0))
        }
        return calendar
    }

    /// One line of a calendar file (`date,kind,name`).
    public struct Entry: Sendable, Equatable {
        public var date: CalendarDate
        public var isHoliday: Bool
        public var name: String
    }

    /// Parses a calendar CSV (`date,kind,name` with kind `holiday` or `workday`).
    public static func parse(_ text: String) throws(WorkflowProblem) -> [Entry] {
        var entries: [Entry] = []
        for (index, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            if index == 0, cells.first == "date" { continue }
            guard cells.count >= 2, let date = CalendarDate(iso: cells[0]), ["holiday", "workday"].contains(cells[1]) else {
                throw WorkflowProblem(code: "calendar.line_invalid",
                                      message: "日历文件第 \(index + 1) 行格式不对：应为 日期,holiday|workday,名称，如 2027-01-01,holiday,元旦。")
            }
            entries.append(Entry(date: date, isHoliday: cells[1] == "holiday", name: cells.count > 2 ? cells[2] : ""))
        }
        guard !entries.isEmpty else { throw WorkflowProblem(code: "calendar.empty", message: "日历文件中没有任何日期。") }
        return entries
    }

    /// Replaces the years present in `entries` (each year's rows are replaced as a whole) and
    /// marks them known. Returns the years loaded.
    public static func replaceYears(with entries: [Entry], source: String, on connection: PostgresConnection) async throws -> [Int] {
        let years = Array(Set(entries.map(\.date.year))).sorted()
        for year in years {
            try await connection.query("""
                DELETE FROM calendar_days WHERE day >= make_date(\(year), 1, 1) AND day < make_date(\(year + 1), 1, 1)
                """)
        }
        for entry in entries {
            try await connection.query("""
                INSERT INTO calendar_days (day, kind, name) VALUES (\(entry.date), \(entry.isHoliday ? "holiday" : "workday"), \(entry.name))
                """)
        }
        for year in years {
            try await connection.query("""
                INSERT INTO calendar_years (year, source) VALUES (\(year), \(source))
                ON CONFLICT (year) DO UPDATE SET source = EXCLUDED.source, loaded_at = now()
                """)
        }
        return years
    }
}
