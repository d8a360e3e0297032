import Domain

/// Excel's serial dates. In the 1900 system serial 1 is 1900-01-01 and serial 60 is the
/// 1900-02-29 that never was (kept for Lotus 1-2-3 compatibility), so from 61 on the serial is
/// one day ahead; in the 1904 system serial 0 is 1904-01-01.
enum ExcelDate {
    /// The calendar date of `serial` (its integer part), or nil for serial 60 in the 1900 system,
    /// negative serials and the impossible.
    static func date(serial: Double, uses1904: Bool) -> CalendarDate? {
        guard serial.isFinite, serial >= 0, serial < 2_958_466 else { return nil }
        let days = Int(serial.rounded(.down))
        if uses1904 { return CalendarDate(year: 1904, month: 1, day: 1)?.adding(days: days) }
        switch days {
        case 0, 60: return nil
        case 1..<60: return CalendarDate(year: 1899, month: 12, day: 31)?.adding(days: days)
        default: return CalendarDate(year: 1899, month: 12, day: 30)?.adding(days: days)
        }
    }

    /// Whether a number format code shows a date or time: a `d`, `m`, `y`, `h` or `s` code (or 年月日)
    /// outside quoted text, `[...]` sections (colours, locales) and escaped characters.
    static func isDateFormat(_ code: String) -> Bool {
        var inQuotes = false, inBrackets = false, escaped = false
        for character in code.lowercased() {
            if escaped { escaped = false; continue }
            switch character {
            case "\\": escaped = true
            case "\"": inQuotes.toggle()
            case "[" where !inQuotes: inBrackets = true
            case "]" where !inQuotes: inBrackets = false
            default:
                if !inQuotes, !inBrackets, "dmyhs年月日".contains(character) { return true }
            }
        }
        return false
    }
}
