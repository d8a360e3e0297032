import Foundation
import ZIPFoundation

/// Small `.xlsx` files written part by part, one quirk at a time (the real-library fixture is
/// fixtures/batches/batch4.xlsx, written by openpyxl).
enum XLSXSample {
    static let header = ["序号", "案件编号", "企业名称", "统一社会信用代码", "所在地区", "企业类型", "反映人身份证号", "诉求内容", "是否已信访", "移交日期"]

    /// An inline-string cell.
    static func text(_ reference: String, _ value: String) -> String {
        "<c r=\"\(reference)\" t=\"inlineStr\"><is><t>\(value)</t></is></c>"
    }

    /// A header row at `row` (inline strings, columns A…).
    static func headerRow(_ row: Int) -> String {
        "<row r=\"\(row)\">" + header.enumerated().map { text("\(column($0.offset))\(row)", $0.element) }.joined() + "</row>"
    }

    static func column(_ index: Int) -> String { String(UnicodeScalar(UInt8(65 + index))) }

    /// A workbook with one sheet (or more) whose `<sheetData>` is `rows`.
    static func make(rows: String, sheets: [String] = ["Sheet1"], sharedStrings: [String] = [], date1904: Bool = false,
                     sheetPrefix: String = "", extraParts: [(String, Data)] = [], rowsIn rowsSheet: Int = 0,
                     sharedStringsPart: String = "xl/sharedStrings.xml") throws -> [UInt8] {
        let archive = try Archive(accessMode: .create)
        func add(_ path: String, _ text: String) throws { try add(path, Data(text.utf8)) }
        func add(_ path: String, _ data: Data) throws {
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        try add("[Content_Types].xml", "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>")
        let sheetList = sheets.enumerated().map { "<sheet name=\"\($0.element)\" sheetId=\"\($0.offset + 1)\" r:id=\"rId\($0.offset + 1)\"/>" }.joined()
        try add("xl/workbook.xml", """
            <?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr date1904="\(date1904 ? 1 : 0)"/>\
            <sheets>\(sheetList)</sheets></workbook>
            """)
        var rels = sheets.indices.map { "<Relationship Id=\"rId\($0 + 1)\" Type=\"worksheet\" Target=\"worksheets/sheet\($0 + 1).xml\"/>" }.joined()
        if !sharedStrings.isEmpty {
            rels += "<Relationship Id=\"rIdS\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" "
                + "Target=\"\(sharedStringsPart.dropFirst(3))\"/>"
        }
        try add("xl/_rels/workbook.xml.rels", "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\(rels)</Relationships>")
        // Style 0: general; 1: a built-in date (14); 2: a custom date format; 3: text (@).
        try add("xl/styles.xml", """
            <?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
            <numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts>\
            <cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="49"/></cellXfs></styleSheet>
            """)
        if !sharedStrings.isEmpty {
            try add(sharedStringsPart, "<?xml version=\"1.0\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
                + sharedStrings.map { $0.hasPrefix("<") ? "<si>\($0)</si>" : "<si><t>\($0)</t></si>" }.joined() + "</sst>")
        }
        for index in sheets.indices {
            try add("xl/worksheets/sheet\(index + 1).xml", sheetPrefix
                + "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>\(index == rowsSheet ? rows : "")</sheetData></worksheet>")
        }
        for (path, data) in extraParts { try add(path, data) }
        return Array(archive.data ?? Data())
    }
}
