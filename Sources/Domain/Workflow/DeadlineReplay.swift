/// What moved an open deadline after it was first computed, in the order it happened.
public enum DeadlineAdjustment: Sendable, Equatable {
    /// A hold from `from` until it was resumed on `until`: the working days between are added.
    case hold(from: CalendarDate, until: CalendarDate)
    /// The one extension a leader approved, counted after the due date it extended.
    case extended(days: Int)
}

extension WorkCalendar {
    /// A deadline's due date computed again on this calendar: the period from its start, then
    /// each hold and the extension replayed in the order they happened, each by the rule it was
    /// first applied with (`resumed(due:heldFrom:until:)`, `dueDate(startingAfter:period:mode:)`).
    ///
    /// Used when holiday data arrives for a year that dates were computed over provisionally
    /// (weekends only), or when a year's data is corrected: the same history on the better
    /// calendar. Still provisional when a year from the start to the result has no data.
    public func replayedDueDate(startingAfter start: CalendarDate, period: Period, mode: DayMode,
                                adjustments: [DeadlineAdjustment]) -> DueDate {
        var due = dueDate(startingAfter: start, period: period, mode: mode).date
        var latest = due
        for adjustment in adjustments {
            switch adjustment {
            case .hold(let from, let until):
                due = resumed(due: due, heldFrom: from, until: until).due
                latest = max(latest, until)
            case .extended(let days):
                due = dueDate(startingAfter: due, period: .days(days), mode: mode).date
            }
            latest = max(latest, due)
        }
        let provisional = (start.year...max(start.year, latest.year)).contains { !knownYears.contains($0) }
        return DueDate(date: due, provisional: provisional)
    }
}
