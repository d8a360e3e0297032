import Domain

/// The summary as one CSV file for Excel (`ExcelCSV`: BOM, CRLF, quoting, formulas defused).
/// Layout: a title line, then each table as a title line, its header, its rows, an optional
/// definition line, and an empty line.
public enum WeeklyCSV {
    public static func render(_ summary: WeeklySummary) -> [UInt8] {
        var lines = [[ "检察护企十项举措周报", WeeklyTables.period(summary), "范围：\(summary.scope)", "累计自 \(summary.programmeStart)" ]]
        for table in WeeklyTables.all(summary) {
            lines.append([""])
            lines.append([table.title])
            lines.append(table.header)
            lines.append(contentsOf: table.rows)
            if let note = table.note { lines.append(["注：" + note]) }
        }
        return ExcelCSV.document(lines)
    }
}
