import Domain

/// The summary as Markdown (for messages and wikis): the same tables as the other formats.
public enum WeeklyMarkdown {
    public static func render(_ summary: WeeklySummary) -> String {
        var out = "# 检察护企十项举措周报 \(WeeklyTables.period(summary))\n\n"
        out += "范围：\(summary.scope)；累计数自 \(summary.programmeStart) 起。数字来自事件记录，重新生成同一周结果不变。\n"
        for table in WeeklyTables.all(summary) {
            out += "\n## \(table.title)\n\n"
            if table.rows.isEmpty {
                out += "（无）\n"
                continue
            }
            out += "| " + table.header.map(escape).joined(separator: " | ") + " |\n"
            out += "|" + String(repeating: " --- |", count: table.header.count) + "\n"
            for row in table.rows { out += "| " + row.map(escape).joined(separator: " | ") + " |\n" }
            if let note = table.note { out += "\n注：\(note)\n" }
        }
        return out
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
