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

    /// The words a calendar file may use for a day's kind: `holiday` / `workday` as in
    /// shared/data/cn-calendar.csv, or the Chinese an office types in Excel.
    static let kindWords: [String: Bool] = [
        "holiday": true, "放假": true, "休息": true, "节假日": true, "假日": true, "休": true,
        "workday": false, "上班": false, "调休上班": false, "补班": false, "工作日": false, "班": false,
    ]

    /// The years a calendar file may name (a year outside is a typo, not a schedule).
    public static let acceptedYears = 2000...2099

    /// Parses a calendar CSV (`date,kind,name`, kind `holiday` or `workday` or their Chinese
    /// words; a header row and a byte-order mark are skipped; blank lines ignored). A line in
    /// another shape, or a date given twice, is refused with its line number.
    public static func parse(_ text: String) throws(WorkflowProblem) -> [Entry] {
        guard !text.utf8.contains(0) else {
            throw WorkflowProblem(code: "calendar.nul_character", message: "日历文件中含有空字符（\\u0000），不是 CSV 文本。")
        }
        var entries: [Entry] = []
        var seen: [CalendarDate: Int] = [:]
        let body = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        for (index, line) in body.components(separatedBy: .newlines).enumerated() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            if cells.allSatisfy(\.isEmpty) { continue }
            if entries.isEmpty, seen.isEmpty, ["date", "日期"].contains(cells[0].lowercased()) { continue }
            guard cells.count >= 2, let date = CalendarDate(iso: cells[0]), let isHoliday = kindWords[cells[1].lowercased()] else {
                throw WorkflowProblem(code: "calendar.line_invalid",
                                      message: "日历文件第 \(index + 1) 行格式不对：应为 日期,holiday|workday,名称（也可写 放假、上班），如 2027-01-01,holiday,元旦。")
            }
            guard acceptedYears.contains(date.year) else {
                throw WorkflowProblem(code: "calendar.year_out_of_range",
                                      message: "日历文件第 \(index + 1) 行的日期 \(date) 不在 \(acceptedYears.lowerBound)–\(acceptedYears.upperBound) 年之间，请检查年份是否写错。")
            }
            if let first = seen[date] {
                throw WorkflowProblem(code: "calendar.date_repeated",
                                      message: "日历文件第 \(index + 1) 行的日期 \(date) 在第 \(first) 行已经出现过，每个日期只能写一次。")
            }
            seen[date] = index + 1
            entries.append(Entry(date: date, isHoliday: isHoliday, name: cells.count > 2 ? cells[2] : ""))
        }
        guard !entries.isEmpty else { throw WorkflowProblem(code: "calendar.empty", message: "日历文件中没有任何日期。") }
        // A year is replaced as a whole: a file that names a year only through its 调休 days
        // (or a stray line) would wipe that year's holidays.
        let withHolidays = Set(entries.filter(\.isHoliday).map(\.date.year))
        if let year = Set(entries.map(\.date.year)).subtracting(withHolidays).min() {
            throw WorkflowProblem(code: "calendar.year_without_holidays",
                                  message: "日历文件中 \(year) 年没有任何放假日；载入会整年替换，清空该年已有的节假日。请检查文件是否完整。")
        }
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
