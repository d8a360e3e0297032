/// Whether a period given in days counts calendar days or working days (configuration; both
/// are in use).
public enum DayMode: String, Sendable, Codable, CaseIterable {
    case calendar
    case working

    /// 自然日 / 工作日.
    public var chineseName: String { self == .calendar ? "自然日" : "工作日" }
}

/// The kinds of deadline a case carries (DESIGN.md §8).
public enum DeadlineKind: String, Sendable, Codable, CaseIterable {
    /// 程序性答复: 7 days after acceptance.
    case proceduralReply = "procedural_reply"
    /// 结果或进展答复: 3 months after acceptance.
    case resultReply = "result_reply"
    /// 每月跟进答复: one month after the previous reply, while the case is open.
    case followUpReply = "followup_reply"
    /// 信访条例办理期限: 60 days, at most one 30-day extension approved by a leader.
    case regulationHandling = "regulation_handling"

    /// The name shown to people.
    public var chineseName: String {
        switch self {
        case .proceduralReply: "程序性答复（7日）"
        case .resultReply: "结果或进展答复（3个月）"
        case .followUpReply: "每月跟进答复"
        case .regulationHandling: "信访条例办理期限（60日）"
        }
    }

    /// The length of the period, counted from its start day.
    public var period: Period {
        switch self {
        case .proceduralReply: .days(7)
        case .resultReply: .months(3)
        case .followUpReply: .months(1)
        case .regulationHandling: .days(60)
        }
    }

    /// Days added by the one extension a leader may approve (信访条例 track only).
    public static let extensionDays = 30
}

/// A period in days or months.
public enum Period: Sendable, Equatable {
    case days(Int)
    case months(Int)
}

/// A computed due date; provisional when a year it spans has no official holiday data yet.
public struct DueDate: Sendable, Equatable {
    public var date: CalendarDate
    public var provisional: Bool

    public init(date: CalendarDate, provisional: Bool) {
        self.date = date
        self.provisional = provisional
    }
}

extension WorkCalendar {
    /// The last day of `period` starting the day after `start`, counted the way Chinese
    /// procedural law counts (民事诉讼法 第八十五条): the start day is not counted; rest days in
    /// the middle are not deducted; a period ending on a rest day (weekend or holiday, not a
    /// 调休 working day) ends on the next working day; months end on the same day of the month
    /// (or that month's last day). In working-day mode, days are working days after `start`.
    public func dueDate(startingAfter start: CalendarDate, period: Period, mode: DayMode) -> DueDate {
        let end: CalendarDate = switch (period, mode) {
        case (.days(let days), .calendar): onOrAfterWorkingDay(start.adding(days: days))
        case (.days(let days), .working): adding(workingDays: days, to: start)
        case (.months(let months), _): onOrAfterWorkingDay(start.adding(months: months))
        }
        let provisional = (start.year...end.year).contains { !knownYears.contains($0) }
        return DueDate(date: end, provisional: provisional)
    }

    /// A due date moved later by the working days a hold lasted (`from` ≤ d < `until`).
    public func resumed(due: CalendarDate, heldFrom: CalendarDate, until resumedOn: CalendarDate) -> (due: CalendarDate, pausedDays: Int) {
        let paused = workingDays(from: heldFrom, until: resumedOn)
        return (adding(workingDays: paused, to: due), paused)
    }
}

/// When a deadline is shown as near-due or overdue.
public enum DeadlineState: String, Sendable, Codable {
    case open, nearDue = "near_due", overdue, met, late

    /// 进行中 / 临期 / 已逾期 / 按期答复 / 逾期答复.
    public var chineseName: String {
        switch self {
        case .open: "进行中"
        case .nearDue: "临期"
        case .overdue: "已逾期"
        case .met: "按期完成"
        case .late: "逾期完成"
        }
    }

    /// The state of a deadline due on `due`, closed on `closedOn` (nil while open), seen on
    /// `today` with near-due starting at `nearDueFrom` (today + N working days).
    public static func of(due: CalendarDate, closedOn: CalendarDate?, today: CalendarDate, nearDueUntil: CalendarDate) -> DeadlineState {
        if let closedOn { return closedOn <= due ? .met : .late }
        if today > due { return .overdue }
        return due <= nearDueUntil ? .nearDue : .open
    }
}
