import Foundation
import ZIPFoundation

/// Writes `.xlsx` workbooks: one sheet per table, the header row bold and frozen, numbers as
/// numbers, percentages with a percent format, column widths from the content. Text is always
/// an inline string, never a formula, so a cell that starts with `=` stays text (no formula
/// injection is possible).
public enum XLSXWriter {
    /// One cell.
    public enum Cell: Sendable, Equatable {
        case text(String)
        case number(Double)
        /// A fraction shown as a percentage (0.875 → 87.5%).
        case percent(Double)
        case empty
    }

    /// One worksheet: a header row and rows below it.
    public struct Sheet: Sendable {
        public var name: String
        public var header: [String]
        public var rows: [[Cell]]
        /// Columns (0-based) formatted as text (`@`): what is typed there stays as typed, so an
        /// 18-digit ID number does not become `1.10105E+17`.
        public var textColumns: Set<Int> = []
        /// Columns (0-based) whose cells offer a drop-down of these values (rows 2–`choiceRows`+1).
        public var choices: [Int: [String]] = [:]
        /// How many rows below the header the drop-downs cover.
        public var choiceRows = 1000

        public init(name: String, header: [String], rows: [[Cell]]) {
            self.name = name
            self.header = header
            self.rows = rows
        }
    }

    /// The workbook's bytes. Sheet names are made valid and unique (31 characters, no `[]:*?/\`).
    public static func write(_ sheets: [Sheet]) throws -> [UInt8] {
        let archive = try Archive(accessMode: .create)
        func add(_ path: String, _ text: String) throws {
            let data = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), modificationDate: Date(timeIntervalSince1970: 1_780_000_000),
                                 compressionMethod: .deflate) { position, size in data.subdata(in: Int(position)..<Int(position) + size) }
        }
        let names = uniqueNames(sheets.map(\.name))
        let sheetRange = sheets.indices
        try add("[Content_Types].xml", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
            <Default Extension="xml" ContentType="application/xml"/>\
            <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
            <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
            \(sheetRange.map { "<Override PartName=\"/xl/worksheets/sheet\($0 + 1).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>" }.joined())\
            </Types>
            """)
        try add("_rels/.rels", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
            </Relationships>
            """)
        try add("xl/workbook.xml", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
            <sheets>\(sheetRange.map { "<sheet name=\"\(escape(names[$0]))\" sheetId=\"\($0 + 1)\" r:id=\"rId\($0 + 1)\"/>" }.joined())</sheets></workbook>
            """)
        try add("xl/_rels/workbook.xml.rels", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            \(sheetRange.map { "<Relationship Id=\"rId\($0 + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\($0 + 1).xml\"/>" }.joined())\
            <Relationship Id="rId\(sheets.count + 1)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
            </Relationships>
            """)
        // Styles: 0 plain, 1 bold (header), 2 percent with one decimal, 3 text (`@`, built-in format 49).
        try add("xl/styles.xml", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
            <numFmts count="1"><numFmt numFmtId="164" formatCode="0.0%"/></numFmts>\
            <fonts count="2"><font><sz val="11"/><name val="等线"/></font><font><b/><sz val="11"/><name val="等线"/></font></fonts>\
            <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
            <borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>\
            <cellXfs count="4"><xf/><xf fontId="1" applyFont="1"/><xf numFmtId="164" applyNumberFormat="1"/>\
            <xf numFmtId="49" applyNumberFormat="1"/></cellXfs></styleSheet>
            """)
        for (index, sheet) in sheets.enumerated() { try add("xl/worksheets/sheet\(index + 1).xml", worksheet(sheet)) }
        guard let data = archive.data else { throw CocoaError(.fileWriteUnknown) }
        return Array(data)
    }

    static func worksheet(_ sheet: Sheet) -> String {
        let width = max(sheet.header.count, sheet.rows.map(\.count).max() ?? 0)
        var widths = sheet.header.map(displayWidth)
        widths += Array(repeating: 4, count: max(0, width - widths.count))
        var xml = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
            <sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>
            """
        var body = "<row r=\"1\">" + sheet.header.enumerated().map { cell(.text($0.element), row: 1, column: $0.offset, style: 1) }.joined() + "</row>"
        for (offset, row) in sheet.rows.enumerated() {
            body += "<row r=\"\(offset + 2)\">"
            for (column, value) in row.enumerated() {
                body += cell(value, row: offset + 2, column: column)
                if case .text(let text) = value { widths[column] = max(widths[column], displayWidth(text)) }
            }
            body += "</row>"
        }
        if width > 0 {
            xml += "<cols>" + widths.enumerated().map {
                let style = sheet.textColumns.contains($0.offset) ? " style=\"3\"" : ""
                return "<col min=\"\($0.offset + 1)\" max=\"\($0.offset + 1)\" width=\"\(min(60, max(8, $0.element + 2)))\" customWidth=\"1\"\(style)/>"
            }.joined() + "</cols>"
        }
        return xml + "<sheetData>\(body)</sheetData>" + dataValidations(sheet) + "</worksheet>"
    }

    /// Drop-down lists (`<dataValidations>`, after `sheetData` as the schema orders them).
    private static func dataValidations(_ sheet: Sheet) -> String {
        guard !sheet.choices.isEmpty else { return "" }
        let lists = sheet.choices.sorted { $0.key < $1.key }.map { column, values in
            let range = "\(columnName(column))2:\(columnName(column))\(sheet.choiceRows + 1)"
            return "<dataValidation type=\"list\" allowBlank=\"1\" showErrorMessage=\"1\" errorTitle=\"\(escape(sheet.header[column]))\" "
                + "error=\"\(escape("请从下拉列表中选择：" + values.joined(separator: "、")))\" sqref=\"\(range)\">"
                + "<formula1>\(escape("\"" + values.joined(separator: ",") + "\""))</formula1></dataValidation>"
        }
        return "<dataValidations count=\"\(lists.count)\">\(lists.joined())</dataValidations>"
    }

    private static func cell(_ value: Cell, row: Int, column: Int, style: Int = 0) -> String {
        let reference = "\(columnName(column))\(row)"
        switch value {
        case .empty: return ""
        case .text(let text):
            return "<c r=\"\(reference)\" t=\"inlineStr\"\(style > 0 ? " s=\"\(style)\"" : "")><is><t xml:space=\"preserve\">\(escape(text))</t></is></c>"
        case .number(let number): return "<c r=\"\(reference)\"><v>\(format(number))</v></c>"
        case .percent(let fraction): return "<c r=\"\(reference)\" s=\"2\"><v>\(format(fraction))</v></c>"
        }
    }

    private static func format(_ number: Double) -> String {
        number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    }

    /// `0` → `A`, `27` → `AB`.
    static func columnName(_ index: Int) -> String {
        var name = "", n = index + 1
        while n > 0 {
            name = String(UnicodeScalar(UInt8(65 + (n - 1) % 26))) + name
            n = (n - 1) / 26
        }
        return name
    }

    /// Characters count as 1, CJK and full-width as 2 (what Excel's width unit roughly measures).
    static func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x1100 ? 2 : 1) }
    }

    /// XML text: escaped like HTML text; characters XML 1.0 cannot carry dropped.
    static func escape(_ text: String) -> String {
        let carried = text.unicodeScalars.allSatisfy(isXMLCharacter) ? text
            : String(String.UnicodeScalarView(text.unicodeScalars.filter(isXMLCharacter)))
        return HTML.escape(carried)
    }

    private static func isXMLCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 0x20 ? scalar.value != 0xFFFE && scalar.value != 0xFFFF : scalar == "\t" || scalar == "\n" || scalar == "\r"
    }

    static func uniqueNames(_ names: [String]) -> [String] {
        var used = Set<String>()
        return names.enumerated().map { index, name in
            var clean = String(name.unicodeScalars.filter { !"[]:*?/\\".unicodeScalars.contains($0) }.prefix(31).map(Character.init))
            if clean.isEmpty { clean = "Sheet\(index + 1)" }
            var candidate = clean
            var n = 2
            while !used.insert(candidate.lowercased()).inserted {
                candidate = String(clean.prefix(28)) + "(\(n))"
                n += 1
            }
            return candidate
        }
    }
}
