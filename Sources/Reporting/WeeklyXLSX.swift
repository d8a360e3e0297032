import Domain

/// The weekly summary as an Excel workbook: a sheet per table of `WeeklyTables` (the same
/// tables as the CSV and Markdown), counts as numbers, rates as percentages (numerator ÷
/// denominator, exact), the rest as text; a first sheet says which week and scope.
enum WeeklyXLSX {
    static func render(_ summary: WeeklySummary) throws -> [UInt8] {
        let cover = XLSXWriter.Sheet(name: "说明", header: ["项目", "内容"], rows: [
            [.text("周次"), .text(summary.week.description)],
            [.text("时间"), .text("\(summary.from.description) 至 \(summary.to.description)")],
            [.text("范围"), .text(summary.scope)],
            [.text("累计起点"), .text(summary.programmeStart.description)],
        ])
        let tables = WeeklyTables.all(summary).map { table in
            XLSXWriter.Sheet(name: sheetName(table.title), header: table.header,
                             rows: table.rows.map { $0.map(cell) } + (table.note.map { [[.text($0)]] } ?? []))
        }
        return try XLSXWriter.write([cover] + tables)
    }

    /// "一、批次与数据接收（按合作单位）" → "批次与数据接收（按合作单位）".
    static func sheetName(_ title: String) -> String {
        guard let separator = title.firstIndex(of: "、") else { return title }
        return String(title[title.index(after: separator)...])
    }

    /// A table cell as a typed cell: `12` a number, `87.5%（7/8）` the percentage 7 ÷ 8, else text.
    static func cell(_ text: String) -> XLSXWriter.Cell {
        if text.isEmpty { return .empty }
        if let number = Int(text) { return .number(Double(number)) }
        if text.hasSuffix("）"), let open = text.firstIndex(of: "（") {
            let fraction = text[text.index(after: open)..<text.index(before: text.endIndex)].split(separator: "/")
            if fraction.count == 2, let numerator = Double(fraction[0]), let denominator = Double(fraction[1]), denominator > 0,
               text[..<open].hasSuffix("%") {
                return .percent(numerator / denominator)
            }
        }
        return .text(text)
    }
}
