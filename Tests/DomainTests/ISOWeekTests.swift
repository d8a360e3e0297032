import Domain
import Testing

@Suite("ISO weeks")
struct ISOWeekTests {
    @Test("2026-W48 runs from Monday 2026-11-23 to Sunday 2026-11-29")
    func week48() throws {
        let week = try #require(ISOWeek("2026-W48"))
        #expect(week.monday == CalendarDate(iso: "2026-11-23"))
        #expect(week.sunday == CalendarDate(iso: "2026-11-29"))
        #expect(ISOWeek(containing: CalendarDate(iso: "2026-11-29")!) == week)
        #expect(ISOWeek(containing: CalendarDate(iso: "2026-11-30")!) == ISOWeek("2026-W49"))
        #expect(week.description == "2026-W48")
        #expect(ISOWeek("2026w48") == week)
    }

    @Test("2026 has 53 weeks: 2026-12-31 and 2027-01-01 are in 2026-W53; 2025 has 52")
    func fiftyThreeWeeks() {
        #expect(ISOWeek.weeks(in: 2026) == 53)
        #expect(ISOWeek.weeks(in: 2025) == 52)
        #expect(ISOWeek.weeks(in: 2020) == 53)
        #expect(ISOWeek(containing: CalendarDate(iso: "2026-12-31")!).description == "2026-W53")
        #expect(ISOWeek(containing: CalendarDate(iso: "2027-01-01")!).description == "2026-W53")
        #expect(ISOWeek(containing: CalendarDate(iso: "2027-01-04")!).description == "2027-W01")
        #expect(ISOWeek("2025-W53") == nil)
        #expect(ISOWeek("2026-W53")!.adding(weeks: 1).description == "2027-W01")
        #expect(ISOWeek("2026-W01")!.monday == CalendarDate(iso: "2025-12-29"), "week 1 holds the year's first Thursday")
    }

    @Test("rates print with one decimal, and a dash when nothing was counted")
    func ratios() {
        #expect(Ratio(numerator: 1, denominator: 2, definition: "").percentText == "50.0%")
        #expect(Ratio(numerator: 2, denominator: 3, definition: "").percentText == "66.7%")
        #expect(Ratio(numerator: 0, denominator: 0, definition: "").percentText == "—")
    }
}
