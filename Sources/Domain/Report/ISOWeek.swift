import Foundation

/// An ISO 8601 week (Monday to Sunday), named `2026-W48`. Weeks belong to the year that holds
/// their Thursday, so some years have 53 weeks and 2026-12-31 can be in 2026-W53.
public struct ISOWeek: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let year: Int
    public let week: Int

    /// A valid week, or nil (`2025-W53` does not exist; 2026 has 53 weeks).
    public init?(year: Int, week: Int) {
        guard (1...9998).contains(year), week >= 1, week <= ISOWeek.weeks(in: year) else { return nil }
        self.year = year
        self.week = week
    }

    /// Parses `2026-W48` (also `2026W48`, lower-case `w`).
    public init?(_ text: String) {
        let compact = text.uppercased().replacingOccurrences(of: "-", with: "")
        let parts = compact.split(separator: "W", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, (1...2).contains(parts[1].count),
              let year = Int(parts[0]), let week = Int(parts[1]) else { return nil }
        self.init(year: year, week: week)
    }

    /// The week that contains `date`.
    public init(containing date: CalendarDate) {
        let weekday = date.weekdayIndex  // 0 = Monday
        let thursday = date.adding(days: 3 - weekday)
        let firstOfYear = CalendarDate(year: thursday.year, month: 1, day: 1)!
        let week = (thursday.daysSinceEpoch - firstOfYear.daysSinceEpoch) / 7 + 1
        self.year = thursday.year
        self.week = week
    }

    /// `2026-W48`.
    public var description: String { "\(year)-W\(week < 10 ? "0" : "")\(week)" }

    /// Monday of the week.
    public var monday: CalendarDate {
        // The week with January 4th is week 1.
        let january4 = CalendarDate(year: year, month: 1, day: 4)!
        let firstMonday = january4.adding(days: -january4.weekdayIndex)
        return firstMonday.adding(days: (week - 1) * 7)
    }

    /// Sunday of the week.
    public var sunday: CalendarDate { monday.adding(days: 6) }

    /// The week `count` weeks later (or earlier).
    public func adding(weeks count: Int) -> ISOWeek { ISOWeek(containing: monday.adding(days: 7 * count)) }

    /// 52 or 53.
    public static func weeks(in year: Int) -> Int {
        // A year has 53 weeks when December 28th is in week 53, i.e. when Jan 1 is a Thursday,
        // or a Wednesday in a leap year.
        guard let december28 = CalendarDate(year: year, month: 12, day: 28) else { return 52 }
        let january4 = CalendarDate(year: year, month: 1, day: 4)!
        let firstMonday = january4.adding(days: -january4.weekdayIndex)
        return (december28.daysSinceEpoch - firstMonday.daysSinceEpoch) / 7 + 1
    }

    public static func < (lhs: ISOWeek, rhs: ISOWeek) -> Bool { (lhs.year, lhs.week) < (rhs.year, rhs.week) }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let week = ISOWeek(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a week like 2026-W48, got \(text)")
        }
        self = week
    }
}
