import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Parses one XML part with `XMLParser`, refusing DTDs (no entity can expand), external
/// entities and parts that are not UTF-8 (what Excel and every known writer produce). `handle` sees each element's start (with attributes) and end (with its text).
final class XMLPart: NSObject, XMLParserDelegate {
    enum Event {
        case start(String, [String: String])
        case end(String, String)
    }

    private let handle: (Event) -> Void
    private var text = ""

    private init(handle: @escaping (Event) -> Void) { self.handle = handle }

    static func parse(_ data: Data, part: String, _ handle: @escaping (Event) -> Void) throws {
        let head = String(decoding: data.prefix(4096), as: UTF8.self).uppercased()
        guard !head.contains("<!DOCTYPE"), !head.contains("<!ENTITY") else {
            throw BatchReadError("xlsx.dtd_refused", "XLSX 文件的 \(part) 含有 DTD 声明（可能被用于实体膨胀攻击），已拒收。")
        }
        // FoundationXML traps on an element or attribute name that is not valid UTF-8 (found by
        // ops/fuzz: fixtures/fuzz/xlsx/crash-xml-name-not-utf8.bin), so such a part never reaches it.
        guard String(validating: data, as: UTF8.self) != nil else {
            throw BatchReadError("xlsx.not_utf8", "XLSX 文件的 \(part) 不是 UTF-8 编码的 XML，文件可能已损坏。请在 Excel 中重新保存后上传。")
        }
        let delegate = XMLPart(handle: handle)
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = false
        parser.delegate = delegate
        guard parser.parse() else {
            throw BatchReadError("xlsx.corrupt", "XLSX 文件的 \(part) 不是有效的 XML，文件可能已损坏。请在 Excel 中重新保存后上传。")
        }
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        text = ""
        handle(.start(Self.local(name), attributes))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        handle(.end(Self.local(name), text))
        text = ""
    }

    func parser(_ parser: XMLParser, foundIgnorableWhitespace whitespace: String) { text += whitespace }

    /// `x:sheet` → `sheet` (some writers prefix the main namespace).
    static func local(_ name: String) -> String { name.split(separator: ":").last.map(String.init) ?? name }
}

/// The workbook's sheets (name → part path), its date system, the shared strings and which cell
/// styles show dates.
struct XLSXWorkbook {
    var sheets: [(name: String, path: String)] = []
    var uses1904 = false
    var sharedStrings: [String] = []
    /// For each cell style index (`s`), whether its number format is a date.
    var dateStyles: [Bool] = []

    init(_ archive: inout XLSXArchive) throws {
        guard let workbook = try archive.part("xl/workbook.xml") else {
            throw BatchReadError("xlsx.no_workbook", "XLSX 文件中找不到工作簿（xl/workbook.xml），文件可能已损坏。")
        }
        var targets: [String: String] = [:]
        // The shared strings and styles are found by their relationship's type: most writers
        // name them xl/sharedStrings.xml and xl/styles.xml, but the name is theirs to choose.
        var sharedStringsPath = "xl/sharedStrings.xml", stylesPath = "xl/styles.xml"
        if let rels = try archive.part("xl/_rels/workbook.xml.rels") {
            try XMLPart.parse(rels, part: "workbook.xml.rels") { event in
                if case .start("Relationship", let a) = event, let id = a["Id"], let target = a["Target"] {
                    let path = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
                    targets[id] = path
                    if a["Type"]?.hasSuffix("/sharedStrings") == true { sharedStringsPath = path }
                    if a["Type"]?.hasSuffix("/styles") == true { stylesPath = path }
                }
            }
        }
        var sheets: [(String, String)] = []
        var uses1904 = false
        try XMLPart.parse(workbook, part: "workbook.xml") { event in
            switch event {
            case .start("workbookPr", let a): uses1904 = ["1", "true"].contains(a["date1904"] ?? "")
            case .start("sheet", let a):
                if let name = a["name"], let id = a["r:id"] ?? a.first(where: { $0.key.hasSuffix(":id") })?.value, let path = targets[id] {
                    sheets.append((name, path))
                }
            default: break
            }
        }
        self.sheets = sheets.map { (name: $0.0, path: $0.1) }
        self.uses1904 = uses1904
        if let strings = try archive.part(sharedStringsPath) { sharedStrings = try Self.sharedStrings(strings) }
        if let styles = try archive.part(stylesPath) { dateStyles = try Self.dateStyles(styles) }
    }

    /// `<si>` items: plain `<t>` or rich-text runs `<r><t>`, concatenated; phonetic `<rPh>` left out.
    private static func sharedStrings(_ data: Data) throws -> [String] {
        var strings: [String] = []
        var current = ""
        var inPhonetic = false
        try XMLPart.parse(data, part: "sharedStrings.xml") { event in
            switch event {
            case .start("si", _): current = ""
            case .start("rPh", _): inPhonetic = true
            case .end("rPh", _): inPhonetic = false
            case .end("t", let text): if !inPhonetic { current += text }
            case .end("si", _): strings.append(current)
            default: break
            }
        }
        return strings
    }

    /// Built-in date formats 14–22 and 45–47, and custom formats with day, month, year or hour
    /// codes outside quotes and brackets.
    private static func dateStyles(_ data: Data) throws -> [Bool] {
        var custom: [Int: String] = [:]
        var formats: [Int] = []
        var inCellXfs = false
        try XMLPart.parse(data, part: "styles.xml") { event in
            switch event {
            case .start("numFmt", let a): if let id = a["numFmtId"].flatMap(Int.init) { custom[id] = a["formatCode"] ?? "" }
            case .start("cellXfs", _): inCellXfs = true
            case .end("cellXfs", _): inCellXfs = false
            case .start("xf", let a) where inCellXfs: formats.append(a["numFmtId"].flatMap(Int.init) ?? 0)
            default: break
            }
        }
        return formats.map { id in
            if (14...22).contains(id) || (45...47).contains(id) { return true }
            guard let code = custom[id] else { return false }
            return ExcelDate.isDateFormat(code)
        }
    }
}
