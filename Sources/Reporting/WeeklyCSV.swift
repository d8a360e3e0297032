import Domain

/// The summary as one CSV file for Excel: UTF-8 with a BOM, CRLF line ends, RFC 4180 quoting.
/// Layout: a title line, then each table as a title line, its header, its rows, an optional
/// definition line, and an empty line. A cell that starts with `=`, `+`, `-` or `@` (or a tab or
/// carriage return) is prefixed with `'` so that Excel never reads it as a formula.
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
        let text = lines.map { $0.map(cell).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
        return [0xEF, 0xBB, 0xBF] + Array(text.utf8)
    }

    /// One cell, neutralised and quoted when needed.
    static func cell(_ value: String) -> String {
        var text = value
        if let first = text.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) { text = "'" + text }
        if text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return text
    }
}
