/// Which days are working days: weekends and public holidays rest, make-up working days (调休)
/// work. Loaded from the `calendar_days` table; a year missing from `knownYears` falls back to
/// "weekends rest" and every date computed over it is marked provisional.
public struct WorkCalendar: Sendable, Equatable {
    /// Public holidays (法定节假日 and the days added to them).
    public var holidays: Set<CalendarDate>
    /// Saturdays or Sundays that are working days (调休上班).
    public var makeUpWorkdays: Set<CalendarDate>
    /// Years whose official holiday data is loaded.
    public var knownYears: Set<Int>

    /// Creates a calendar from its three tables.
    public init(holidays: Set<CalendarDate> = [], makeUpWorkdays: Set<CalendarDate> = [], knownYears: Set<Int> = []) {
        self.holidays = holidays
        self.makeUpWorkdays = makeUpWorkdays
        self.knownYears = knownYears
    }

    /// True on a working day: a 调休 day, or a weekday that is not a holiday.
    public func isWorkingDay(_ date: CalendarDate) -> Bool {
        if makeUpWorkdays.contains(date) { return true }
        if holidays.contains(date) { return false }
        return !date.isWeekend
    }

    /// True when the date's year has official data.
    public func isKnown(_ date: CalendarDate) -> Bool { knownYears.contains(date.year) }

    /// The date itself when it is a working day, else the next working day (the rest-day rule).
    public func onOrAfterWorkingDay(_ date: CalendarDate) -> CalendarDate {
        var day = date
        while !isWorkingDay(day) { day = day.adding(days: 1) }
        return day
    }

    /// The `count`-th working day after `date` (`date` itself not counted).
    public func adding(workingDays count: Int, to date: CalendarDate) -> CalendarDate {
        var day = date
        var left = count
        while left > 0 {
            day = day.adding(days: 1)
            if isWorkingDay(day) { left -= 1 }
        }
        return day
    }

    /// Working days `d` with `start <= d < end`.
    public func workingDays(from start: CalendarDate, until end: CalendarDate) -> Int {
        var count = 0
        var day = start
        while day < end {
            if isWorkingDay(day) { count += 1 }
            day = day.adding(days: 1)
        }
        return count
    }
}

extension CalendarDate {
    /// 0 = Monday … 6 = Sunday.
    public var weekdayIndex: Int {
        // 1970-01-01 was a Thursday (index 3).
        ((daysSinceEpoch % 7) + 7 + 3) % 7
    }

    /// Saturday or Sunday.
    public var isWeekend: Bool { weekdayIndex >= 5 }

    /// The same day `months` later; the month's last day when it has no such day.
    public func adding(months: Int) -> CalendarDate {
        let index = year * 12 + (month - 1) + months
        let newYear = index / 12
        let newMonth = index % 12 + 1
        let newDay = Swift.min(day, CalendarDate.daysIn(month: newMonth, year: newYear))
        return CalendarDate(year: newYear, month: newMonth, day: newDay)!
    }
}
