/// CSV that Excel on Chinese Windows opens as written: UTF-8 with a BOM, CRLF line ends,
/// RFC 4180 quoting, and a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage
/// return) prefixed with `'` so that Excel never reads it as a formula.
public enum ExcelCSV {
    /// The whole file: BOM, then each row.
    public static func document(_ rows: [[String]]) -> [UInt8] {
        let text = rows.map { $0.map(cell).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
        return [0xEF, 0xBB, 0xBF] + Array(text.utf8)
    }

    /// One cell, neutralised and quoted when needed.
    public static func cell(_ value: String) -> String {
        var text = value
        if let first = text.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) { text = "'" + text }
        if text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return text
    }
}
