import Domain

/// The summary as one self-contained Chinese HTML page, printable on A4 (a print stylesheet,
/// tables kept whole across pages), with inline SVG charts: cases per stage, per city, and the
/// trend of the last 12 weeks. No scripts; every text is escaped.
public enum WeeklyHTML {
    public static func render(_ summary: WeeklySummary) -> String {
        var body = "<header><h1>检察护企十项举措周报</h1>"
        body += "<p class=\"period\">\(HTML.escape(WeeklyTables.period(summary)))　范围：\(HTML.escape(summary.scope))　累计自 \(WeeklyTables.chinese(summary.programmeStart))</p>"
        body += "<p class=\"key\">化解率（本周）<strong>\(HTML.escape(WeeklyTables.ratio(summary.resolution.week.rate)))</strong>　"
        body += "化解率（累计）<strong>\(HTML.escape(WeeklyTables.ratio(summary.resolution.cumulative.rate)))</strong><br>"
        body += "<small>\(HTML.escape(Ratio.resolutionDefinition))</small></p></header>"
        body += "<section class=\"charts\">"
        body += SVGBarChart(title: "各阶段周末存量", bars: summary.stages.map { ($0.name, $0.stockAtEnd) }).render()
        body += SVGBarChart(title: "分市本周新受理", bars: summary.cities.map { ($0.name, $0.accepted) }).render()
        body += SVGBarChart(title: "近12周新受理", bars: summary.trend.map { ($0.week.description, $0.accepted) }).render()
        body += "</section>"
        for table in WeeklyTables.all(summary) {
            body += "<section class=\"table\"><h2>\(HTML.escape(table.title))</h2>"
            if table.rows.isEmpty {
                body += "<p class=\"empty\">（无）</p></section>"
                continue
            }
            body += "<table><thead><tr>" + table.header.map { "<th scope=\"col\">\(HTML.escape($0))</th>" }.joined() + "</tr></thead><tbody>"
            for row in table.rows {
                body += "<tr>" + row.enumerated().map { index, cell in
                    index == 0 ? "<th scope=\"row\">\(HTML.escape(cell))</th>" : "<td>\(HTML.escape(cell))</td>"
                }.joined() + "</tr>"
            }
            body += "</tbody></table>"
            if let note = table.note { body += "<p class=\"note\">注：\(HTML.escape(note))</p>" }
            body += "</section>"
        }
        return """
            <!DOCTYPE html>
            <html lang="zh-CN"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>检察护企周报 \(summary.week)</title>
            <style>\(style)</style></head>
            <body>\(body)<footer>数字由事件记录计算，重新生成同一周结果不变。</footer></body></html>
            """
    }

    static let style = """
        body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;margin:24px;color:#222;max-width:1000px}
        h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:18px 0 6px;border-left:4px solid #a61b1b;padding-left:6px}
        .period{color:#555;margin:0 0 8px}.key{background:#f6f1e7;padding:8px 12px}
        table{border-collapse:collapse;width:100%;font-size:13px}th,td{border:1px solid #bbb;padding:3px 6px;text-align:right}
        thead th{background:#eee;text-align:center}tbody th{text-align:left;font-weight:normal}
        .note{font-size:12px;color:#555}.charts svg{margin:8px 0;font-size:12px}.chart-title{font-weight:bold}
        .bar{fill:#a61b1b}footer{margin-top:24px;font-size:12px;color:#777}
        @page{size:A4;margin:15mm}
        @media print{body{margin:0;max-width:none}section.table,svg{break-inside:avoid}.key{background:none;border:1px solid #999}}
        """
}
