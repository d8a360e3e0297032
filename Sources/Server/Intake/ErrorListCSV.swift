import Hummingbird
import Store

/// A batch's row problems as CSV that Excel opens correctly in Chinese: UTF-8 with a BOM,
/// CRLF, every field quoted, and cells starting with = + - @ neutralised against formula
/// injection (a leading apostrophe).
enum ErrorListCSV {
    static func response(_ problems: [RowProblem], batchID: Int64) -> Response {
        var text = "\u{FEFF}" + ["行号", "列", "字段", "错误代码", "说明", "级别", "结果"].map(quote).joined(separator: ",") + "\r\n"
        for problem in problems {
            let cells = [String(problem.row), problem.column, problem.field, problem.code, problem.message,
                         problem.severity == "error" ? "错误" : "警告", problem.outcome == "rejected" ? "未接收" : "已接收"]
            text += cells.map(quote).joined(separator: ",") + "\r\n"
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/csv; charset=utf-8",
                      .contentDisposition: "attachment; filename=\"batch-\(batchID)-errors.csv\""],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// Quotes a cell, doubling quotes, and defuses formula starters.
    static func quote(_ cell: String) -> String {
        var value = cell
        if let first = value.first, "=+-@\t\r".contains(first) { value = "'" + value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
