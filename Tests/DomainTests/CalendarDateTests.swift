import Domain
import Testing

/// `CalendarDate`'s ISO text: how deadlines and dates travel through the database and the API.
@Suite("calendar dates")
struct CalendarDateTests {
    @Test("ISO text parses, and prints back the same, over every day of four years and far years")
    func roundTrip() {
        for year in [1, 999, 2024, 2025, 2026, 2100, 9999] {
            for month in 1...12 {
                for day in 1...CalendarDate.daysIn(month: month, year: year) {
                    let date = CalendarDate(year: year, month: month, day: day)!
                    #expect(CalendarDate(iso: date.description) == date)
                }
            }
        }
        #expect(CalendarDate(year: 2024, month: 2, day: 29)?.description == "2024-02-29")
        #expect(CalendarDate(year: 999, month: 1, day: 5)?.description == "0999-01-05")
        #expect(CalendarDate(iso: "2026-11-27"[...]) == CalendarDate(year: 2026, month: 11, day: 27), "a Substring parses too")
    }

    @Test("anything but four, two and two ASCII digits with dashes, or an impossible day, is refused",
          arguments: ["", "2026-2-28", "2026-02-8", "26-02-28", "2026/02/28", "20260228", "2026-02-280", " 2026-02-28",
                      "2026-02-28 ", "+202-01-01", "2026-0a-01", "２０２６-０２-２８", "2026-02-30", "2025-02-29", "2026-13-01",
                      "2026-00-10", "0000-01-01"])
    func refused(text: String) {
        #expect(CalendarDate(iso: text) == nil)
    }
}
