import Domain
import Store
import Testing

/// The holiday calendar file as offices write it (`CalendarStore.parse`, pure).
@Suite("calendar file parsing")
struct CalendarParseTests {
    private func code(_ text: String) -> String? {
        do { _ = try CalendarStore.parse(text); return nil } catch { return error.code }
    }

    @Test("English or Chinese kinds, a BOM, a Chinese header, CRLF, quoted cells and blank lines")
    func shapes() throws {
        let entries = try CalendarStore.parse("\u{FEFF}日期,类别,名称\r\n2027-01-01,放假,元旦\r\n\r\n\"2027-02-06\",\"上班\",\"春节调休上班\"\r\n2027-02-07,HOLIDAY,春节\r\n2027-02-08,workday\r\n")
        #expect(entries.map(\.date.description) == ["2027-01-01", "2027-02-06", "2027-02-07", "2027-02-08"])
        #expect(entries.map(\.isHoliday) == [true, false, true, false])
        #expect(entries.map(\.name) == ["元旦", "春节调休上班", "春节", ""])
    }

    @Test("each wrong file gets its own code")
    func refusals() {
        #expect(code("") == "calendar.empty")
        #expect(code("date,kind,name\n") == "calendar.empty")
        #expect(code("2027-01-01,holiday\n2027-02-30,holiday\n") == "calendar.line_invalid")
        #expect(code("2027-01-01,节日\n") == "calendar.line_invalid")
        #expect(code("2027-01-01\n") == "calendar.line_invalid")
        #expect(code("2027-01-01,holiday\n2027-01-01,holiday\n") == "calendar.date_repeated")
        #expect(code("2027-01-01,holiday\n2028-01-02,workday\n") == "calendar.year_without_holidays")
        #expect(code("2027-01-01,holiday\n2028-01-01,holiday\n2028-01-02,workday\n") == nil)
        #expect(code("2027-01-01,holiday\n2207-01-01,holiday\n") == "calendar.year_out_of_range", "a typo for 2027")
        #expect(code("1999-12-31,holiday\n") == "calendar.year_out_of_range")
        #expect(code("2000-01-01,holiday\n2099-12-31,holiday\n") == nil, "the range's ends")
        #expect(code("2027-01-01,holiday,元\u{0}旦\n") == "calendar.nul_character", "PostgreSQL text cannot hold it")
    }
}
