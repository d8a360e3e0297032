import Domain
import Foundation
import Testing

/// The official 2024–2026 calendar from fixtures/reference/cn-calendar.csv.
let officialCalendar: WorkCalendar = {
    let text = try! String(contentsOf: ReferenceData.folder.appendingPathComponent("cn-calendar.csv"), encoding: .utf8)
    var calendar = WorkCalendar(knownYears: [2024, 2025, 2026])
    for line in text.split(whereSeparator: \.isNewline).dropFirst() {
        let cells = line.split(separator: ",")
        let date = CalendarDate(iso: cells[0])!
        if cells[1] == "holiday" { calendar.holidays.insert(date) } else { calendar.makeUpWorkdays.insert(date) }
    }
    return calendar
}()

func day(_ text: String) -> CalendarDate { CalendarDate(iso: text)! }

@Suite("deadline calendar")
struct WorkCalendarTests {
    let calendar = officialCalendar

    @Test("DESIGN §8 example: accepted 2026-09-28, 7 calendar days end on the holiday 10-05, so due 10-08")
    func nationalDayCalendarDays() {
        #expect(calendar.dueDate(startingAfter: day("2026-09-28"), period: .days(7), mode: .calendar)
                == DueDate(date: day("2026-10-08"), provisional: false))
    }

    @Test("DESIGN §8 example: 7 working days from 2026-09-28 are due 10-13, counting the 调休 Saturday 10-10")
    func nationalDayWorkingDays() {
        #expect(calendar.dueDate(startingAfter: day("2026-09-28"), period: .days(7), mode: .working).date == day("2026-10-13"))
        #expect(calendar.isWorkingDay(day("2026-10-10")), "10-10 is a 调休 working day")
        #expect(!calendar.isWorkingDay(day("2026-10-11")))
    }

    @Test("a period ending on a 调休 Saturday ends that day; one ending on an ordinary Saturday moves to Monday")
    func restDayRule() {
        #expect(calendar.dueDate(startingAfter: day("2026-10-03"), period: .days(7), mode: .calendar).date == day("2026-10-10"))
        #expect(calendar.dueDate(startingAfter: day("2026-11-21"), period: .days(7), mode: .calendar).date == day("2026-11-30"))
        #expect(calendar.dueDate(startingAfter: day("2026-11-19"), period: .days(7), mode: .calendar).date == day("2026-11-26"))
    }

    @Test("the acceptance day is not counted and rest days in the middle are not deducted")
    func countingFromTheNextDay() {
        // 2026-11-26 (Thu) + 7 = 12-03 (Thu), two weekend days inside.
        #expect(calendar.dueDate(startingAfter: day("2026-11-26"), period: .days(7), mode: .calendar).date == day("2026-12-03"))
        // Working days: Fri 27, Mon 30, Tue 1, Wed 2, Thu 3, Fri 4, Mon 7.
        #expect(calendar.dueDate(startingAfter: day("2026-11-26"), period: .days(7), mode: .working).date == day("2026-12-07"))
    }

    @Test("months end on the same day, or the month's last day; 2026-02-28 is a 调休 working day")
    func months() {
        #expect(calendar.dueDate(startingAfter: day("2026-01-31"), period: .months(1), mode: .calendar).date == day("2026-02-28"))
        #expect(calendar.dueDate(startingAfter: day("2026-08-26"), period: .months(3), mode: .calendar).date == day("2026-11-26"))
        // 2026-01-21 + 1 month = 02-21, inside the Spring Festival holiday (02-15…02-23) → 02-24.
        #expect(calendar.dueDate(startingAfter: day("2026-01-21"), period: .months(1), mode: .calendar).date == day("2026-02-24"))
    }

    @Test("a year without official data falls back to weekends and marks the date provisional")
    func provisionalYear() {
        // 2026-11-30 + 3 months = 2027-02-28, a Sunday in a year with no data → Monday 03-01.
        let due = calendar.dueDate(startingAfter: day("2026-11-30"), period: .months(3), mode: .calendar)
        #expect(due == DueDate(date: day("2027-03-01"), provisional: true))
        #expect(!calendar.dueDate(startingAfter: day("2026-09-28"), period: .days(7), mode: .working).provisional)
    }

    @Test("Spring Festival 2026 in working-day mode: 02-14 is a 调休 Saturday, 02-15…02-23 rest")
    func springFestival() {
        // From Thu 02-12: Fri 13 (1), Sat 14 调休 (2), Tue 24 (3), Wed 25 (4), Thu 26 (5), Fri 27 (6), Sat 28 调休 (7).
        #expect(calendar.dueDate(startingAfter: day("2026-02-12"), period: .days(7), mode: .working).date == day("2026-02-28"))
    }

    @Test("resuming after a hold moves the due date by the working days paused")
    func holdAndResume() {
        // Held 09-28 … resumed 10-09: 09-28, 09-29, 09-30, 10-08 are working days → 4.
        let (due, paused) = calendar.resumed(due: day("2026-10-08"), heldFrom: day("2026-09-28"), until: day("2026-10-09"))
        #expect(paused == 4)
        // 10-08 + 4 working days: 10-09, 10-10 (调休), 10-12, 10-13.
        #expect(due == day("2026-10-13"))
        #expect(calendar.resumed(due: day("2026-10-08"), heldFrom: day("2026-10-01"), until: day("2026-10-08")).pausedDays == 0,
                "a hold over the holiday only pauses no working days")
    }

    @Test("a deadline is near-due up to N working days ahead, overdue after its day, met or late once answered")
    func states() {
        let today = day("2026-11-26")
        let nearUntil = calendar.adding(workingDays: 2, to: today)
        #expect(nearUntil == day("2026-11-30"))
        #expect(DeadlineState.of(due: day("2026-11-30"), closedOn: nil, today: today, nearDueUntil: nearUntil) == .nearDue)
        #expect(DeadlineState.of(due: day("2026-12-01"), closedOn: nil, today: today, nearDueUntil: nearUntil) == .open)
        #expect(DeadlineState.of(due: day("2026-11-25"), closedOn: nil, today: today, nearDueUntil: nearUntil) == .overdue)
        #expect(DeadlineState.of(due: day("2026-11-25"), closedOn: day("2026-11-25"), today: today, nearDueUntil: nearUntil) == .met)
        #expect(DeadlineState.of(due: day("2026-11-25"), closedOn: day("2026-11-26"), today: today, nearDueUntil: nearUntil) == .late)
    }

    /// 2027 holidays invented for these tests (the real ones are not in shared/data): 元旦 01-01,
    /// 春节 02-05…02-11, with Saturday 02-13 a 调休 working day.
    static let with2027: WorkCalendar = {
        var calendar = officialCalendar
        calendar.holidays.formUnion([day("2027-01-01")] + (5...11).map { day(String(format: "2027-02-%02d", $0)) })
        calendar.makeUpWorkdays.insert(day("2027-02-13"))
        calendar.knownYears.insert(2027)
        return calendar
    }()

    @Test("replayed on the same calendar, a deadline without holds or extension keeps its date; once its year is known it follows the holidays")
    func replayWithoutAdjustments() {
        // 2026-11-08 + 3 months = 2027-02-08: a Monday by weekends alone, a 春节 day once 2027 is known → 02-12.
        let start = day("2026-11-08")
        #expect(calendar.replayedDueDate(startingAfter: start, period: .months(3), mode: .calendar, adjustments: [])
                == calendar.dueDate(startingAfter: start, period: .months(3), mode: .calendar))
        #expect(calendar.dueDate(startingAfter: start, period: .months(3), mode: .calendar) == DueDate(date: day("2027-02-08"), provisional: true))
        #expect(Self.with2027.replayedDueDate(startingAfter: start, period: .months(3), mode: .calendar, adjustments: [])
                == DueDate(date: day("2027-02-12"), provisional: false))
    }

    @Test("a hold and then the extension are replayed in order on the new calendar")
    func replayHoldThenExtension() {
        // 60 days from 2026-12-01 = Sat 2027-01-30 → Mon 02-01. Held Mon 12-21 … Mon 12-28: 5 working days.
        // Weekends only: 02-02, 03, 04, 05, 08 → 02-08; +30 days → 03-10.
        // With 2027: 02-02, 03, 04, (春节 05…11), 12, 13 (调休) → 02-13; +30 days → Mon 03-15.
        let adjustments: [DeadlineAdjustment] = [.hold(from: day("2026-12-21"), until: day("2026-12-28")), .extended(days: 30)]
        let before = calendar.replayedDueDate(startingAfter: day("2026-12-01"), period: .days(60), mode: .calendar, adjustments: adjustments)
        #expect(before == DueDate(date: day("2027-03-10"), provisional: true))
        let after = Self.with2027.replayedDueDate(startingAfter: day("2026-12-01"), period: .days(60), mode: .calendar, adjustments: adjustments)
        #expect(after == DueDate(date: day("2027-03-15"), provisional: false))
        // The order matters: the extension first, then the hold, gives another day.
        let reversed = Self.with2027.replayedDueDate(startingAfter: day("2026-12-01"), period: .days(60), mode: .calendar,
                                                     adjustments: adjustments.reversed())
        #expect(reversed.date != after.date)
    }

    @Test("a replayed date stays provisional while any year it spans, holds included, has no data")
    func replayStaysProvisional() {
        let due = Self.with2027.replayedDueDate(startingAfter: day("2027-11-20"), period: .months(3), mode: .calendar, adjustments: [])
        #expect(due.provisional, "2028 has no data")
        #expect(due.date == day("2028-02-21"), "02-20 is a Sunday by weekends alone")
    }

    @Test("weekday arithmetic: 1970-01-01 was a Thursday, 2026-11-26 is a Thursday")
    func weekdays() {
        #expect(day("1970-01-01").weekdayIndex == 3)
        #expect(day("2026-11-26").weekdayIndex == 3)
        #expect(day("2026-11-29").isWeekend)
        #expect(day("2024-02-29").adding(months: 12) == day("2025-02-28"))
    }
}
