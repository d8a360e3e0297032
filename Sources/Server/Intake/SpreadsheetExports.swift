import Domain
import Hummingbird
import Reporting
import Store

/// Lists as Excel workbooks: a batch's problem rows, its rejected rows to fix, a (filtered,
/// in-scope) case list; and the blank handover form partners fill in.
/// Text is written as text (never a formula); counts and dates as values Excel can sort.
enum SpreadsheetExports {
    static let contentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    static func errorList(_ problems: [RowProblem], batchID: Int64) throws -> Response {
        let rows: [[XLSXWriter.Cell]] = problems.map { p in
            [.number(Double(p.row)), .text(p.column), .text(p.field), .text(p.code), .text(p.message),
             .text(p.severity == "error" ? "错误" : "警告"), .text(p.outcome == "rejected" ? "未接收" : "已接收")]
        }
        let sheet = XLSXWriter.Sheet(name: "问题行", header: ["行号", "列", "字段", "错误代码", "说明", "级别", "结果"], rows: rows)
        return response(try XLSXWriter.write([sheet]), fileName: "batch-\(batchID)-errors.xlsx")
    }

    static func cases(_ cases: [CaseSummary]) throws -> Response {
        let rows: [[XLSXWriter.Cell]] = cases.map { c in
            [.number(Double(c.id)), .text(c.externalRef), .text(c.partner), .text(c.unitName), .text(c.enterpriseName),
             c.creditCode.map { .text($0) } ?? .empty, .text(c.stageName), .text(c.petitionRelated == true ? "涉信访" : "非涉信访"),
             .text(c.acceptedOn.description), c.nextDueOn.map { .text($0.description) } ?? .empty, .text(c.overdue ? "逾期" : ""),
             c.assigneeName.map { .text($0) } ?? .empty]
        }
        let sheet = XLSXWriter.Sheet(name: "案件", header: ["编号", "案件编号", "合作单位", "检察院", "企业名称", "统一社会信用代码", "阶段", "分流",
                                                           "受理日期", "最近期限", "逾期", "承办人"], rows: rows)
        return response(try XLSXWriter.write([sheet]), fileName: "cases.xlsx")
    }

    /// A batch's rejected rows to fix and upload again: sheet 移交表 with each row's cells as
    /// written under the form's header (then the file's own unknown columns), its number in the
    /// file (原行号) and what was wrong (问题说明) — columns the reader skips without a warning —
    /// and the 填写说明 sheet. XLSX only: cells are inline text, so nothing has to be escaped
    /// against formulas (a CSV would have to change a cell such as `+86 138…` to do that).
    static func rejectedRows(_ rows: [RejectedRow], batchID: Int64) throws -> Response {
        var unknown: [String] = []
        for row in rows { for header in row.extra.keys.sorted() where !unknown.contains(header) { unknown.append(header) } }
        let cells: [[XLSXWriter.Cell]] = rows.map { row in
            CanonicalField.all.map { row.cells[$0.name].map { .text($0) } ?? .empty }
                + unknown.map { row.extra[$0].map { .text($0) } ?? .empty }
                + [.number(Double(row.row)), .text(row.explanation)]
        }
        let form = HandoverTemplate.formSheet(extraHeaders: unknown + ["原行号", "问题说明"], rows: cells)
        return response(try XLSXWriter.write([form, HandoverTemplate.instructionsSheet()]), fileName: "batch-\(batchID)-rejected.xlsx")
    }

    /// The blank handover form (移交表模板): Excel with its instructions sheet, or CSV for Excel.
    static func handoverTemplate(format: String) throws -> Response {
        switch format {
        case "xlsx": return response(try HandoverTemplate.xlsx(), fileName: "handover-template.xlsx")
        case "csv":
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                                   .contentDisposition: "attachment; filename=\"handover-template.csv\""],
                            body: .init(byteBuffer: ByteBuffer(bytes: HandoverTemplate.csv())))
        default:
            throw Problem(status: .unprocessableContent, code: "template.format_invalid", title: "format 应为 xlsx 或 csv。")
        }
    }

    private static func response(_ bytes: [UInt8], fileName: String) -> Response {
        Response(status: .ok, headers: [.contentType: contentType, .contentDisposition: "attachment; filename=\"\(fileName)\""],
                 body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
