/// Reads the date forms partners type: `2024-07-25`, `2024/7/25`, `2024.7.25`,
/// `2024年7月25日`, `20240725`, full-width digits; Excel serial numbers only when the reader
/// knows the cell was a number with a date format. Anything else is an error, never a guess.
public enum DateParser {
    /// The date, or `date.unparseable` / `date.invalid` naming the field.
    public static func parse(_ text: String, field: String) throws -> CalendarDate {
        let value = TextNormalizer.compact(text)
        var parts: [Int] = []
        if value.count == 8, value.allSatisfy(\.isASCIIDigit) {
            parts = [Int(value.prefix(4))!, Int(value.dropFirst(4).prefix(2))!, Int(value.suffix(2))!]
        } else {
            var body = Substring(value)
            if body.hasSuffix("日") { body = body.dropLast() }
            let separators: Set<Character> = ["-", "/", ".", "年", "月"]
            let pieces = body.split(omittingEmptySubsequences: false) { separators.contains($0) }
            // `contains(where:)`, not `contains("年")`: with Foundation imported the latter is
            // NSString's locale-aware search, 4 % of the intake's client CPU.
            let usesChinese = body.contains(where: { $0 == "年" })
            guard pieces.count == 3, pieces.allSatisfy({ !$0.isEmpty && $0.count <= 4 && $0.allSatisfy(\.isASCIIDigit) }),
                  pieces[0].count == 4, usesChinese == body.contains(where: { $0 == "月" })
            else {
                throw FieldIssue.error(field, "date.unparseable",
                                       "无法识别的日期“\(text)”。请写成 2024-07-25、2024/7/25、2024年7月25日 或 20240725。")
            }
            parts = pieces.map { Int($0)! }
        }
        guard let date = CalendarDate(year: parts[0], month: parts[1], day: parts[2]), (1900...2100).contains(parts[0]) else {
            throw FieldIssue.error(field, "date.invalid", "日期“\(text)”不存在（请检查年、月、日）。")
        }
        return date
    }

    /// An Excel serial day number (1900 date system) as a date. Serial 60 is Excel's
    /// non-existent 1900-02-29; later serials are shifted by one day to make up for it.
    public static func fromExcelSerial(_ serial: Double, field: String) throws -> CalendarDate {
        // Range first: Int(_:) traps on NaN, infinities and values past Int.max (found by ops/fuzz).
        guard serial.isFinite, serial >= 1, serial < 2_958_466, Int(serial.rounded(.down)) != 60 else {
            throw FieldIssue.error(field, "date.invalid", "Excel 日期序号 \(serial) 不是有效日期。")
        }
        let whole = Int(serial.rounded(.down))
        let base = CalendarDate(year: 1899, month: 12, day: 31)!
        return base.adding(days: whole > 60 ? whole - 1 : whole)
    }
}
