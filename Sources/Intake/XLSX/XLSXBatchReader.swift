import Domain
import Foundation

/// Reads a partner's `.xlsx` batch: the first worksheet (or the one named), its header row found
/// by the canonical headers (a title row above it is fine), then every non-empty row below,
/// numbered as Excel numbers it. Dates stored as serial numbers become dates; booleans 是/否;
/// a formula gives its cached value; an ID number or credit code that Excel turned into a
/// number is a coded error in that cell, never a silently wrong value.
enum XLSXBatchReader {
    /// Fields whose digits Excel destroys when it stores them as numbers.
    static let textOnlyFields: Set<String> = ["credit_code", "reporter_id_number"]

    static func read(_ bytes: [UInt8], sheet requested: String?, limits: BatchReader.Limits) throws -> ParsedBatch {
        var archive = try XLSXArchive(bytes)
        let workbook = try XLSXWorkbook(&archive)
        guard let first = workbook.sheets.first else {
            throw BatchReadError("xlsx.no_sheets", "XLSX 文件中没有工作表。")
        }
        var chosen = first
        if let requested {
            guard let named = workbook.sheets.first(where: { $0.name == requested }) else {
                throw BatchReadError("xlsx.sheet_not_found",
                                     "找不到名为“\(requested)”的工作表。本文件的工作表有：\(workbook.sheets.map(\.name).joined(separator: "、"))。")
            }
            chosen = named
        }
        guard let data = try archive.part(chosen.path) else {
            throw BatchReadError("xlsx.corrupt", "XLSX 文件中找不到工作表“\(chosen.name)”的内容，文件可能已损坏。")
        }
        let sheet = try XLSXSheet(data, workbook: workbook, maximumRows: limits.maximumRows)
        let numbers = sheet.rows.keys.sorted()
        guard !numbers.isEmpty else {
            throw BatchReadError("xlsx.sheet_empty", "工作表“\(chosen.name)”是空的。如果案件在其他工作表，请指定工作表名称（本文件的工作表有：\(workbook.sheets.map(\.name).joined(separator: "、"))）。")
        }
        guard let headerRow = numbers.prefix(30).first(where: { isHeader(sheet.rows[$0] ?? [:]) }) else {
            throw BatchReadError("xlsx.no_header", "在工作表“\(chosen.name)”的前 30 行中找不到移交表的表头（如“案件编号”“企业名称”“诉求内容”）。")
        }
        let headerCells = sheet.rows[headerRow] ?? [:]
        let width = (headerCells.keys.max() ?? 0) + 1
        let mapping = try HeaderMapping((0..<width).map { headerCells[$0]?.value ?? "" })
        var rows: [RawRow] = []
        for number in numbers where number > headerRow {
            let cells = sheet.rows[number] ?? [:]
            var fields: [String] = []
            var issues: [FieldIssue] = []
            for column in 0..<max(width, (cells.keys.max() ?? 0) + 1) {
                guard let cell = cells[column] else {
                    fields.append("")
                    continue
                }
                let field = column < mapping.fields.count ? mapping.fields[column] : nil
                let (text, issue) = render(cell, field: field, row: number, column: column, workbook: workbook)
                fields.append(text)
                if let issue { issues.append(issue) }
            }
            guard fields.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else { continue }
            guard rows.count < limits.maximumRows else { throw BatchReadError.tooManyRows(limits.maximumRows) }
            var raw = mapping.row(number: number, fields: fields)
            raw.cellCountIssue = nil  // a cell beyond the header is kept as an extra column; nothing shifts in a sheet
            raw.cellIssues += issues
            rows.append(raw)
        }
        guard !rows.isEmpty else { throw BatchReadError.noRows }
        return ParsedBatch(format: "xlsx", encoding: .utf8, batchNumber: nil, rows: RawRowSource(rows: rows), warnings: mapping.warnings)
    }

    /// A row with at least three canonical headers.
    private static func isHeader(_ cells: [Int: XLSXSheet.Cell]) -> Bool {
        cells.values.filter { $0.kind == .text && CanonicalField.matching(header: TextNormalizer.normalize($0.value)) != nil }.count >= 3
    }

    /// The cell as the text the normalizer reads, and the cell's own problem if any.
    static func render(_ cell: XLSXSheet.Cell, field: String?, row: Int, column: Int, workbook: XLSXWorkbook) -> (String, FieldIssue?) {
        switch cell.kind {
        case .text, .error:
            return (cell.value, nil)
        case .boolean:
            return (cell.value == "1" || cell.value.lowercased() == "true" ? "是" : "否", nil)
        case .number(let isDate):
            if let field, textOnlyFields.contains(field) {
                let header = CanonicalField.named(field)?.header ?? field
                return (cell.value, .error(field, "xlsx.number_for_text",
                                           "“\(header)”单元格（\(reference(row: row, column: column))）被Excel存成了数字（\(cell.value)），数字已丢失，请将列设为文本后重新导出。"))
            }
            if isDate, let serial = Double(cell.value), let date = ExcelDate.date(serial: serial, uses1904: workbook.uses1904) {
                return (date.description, nil)
            }
            if let number = Double(cell.value), number.rounded() == number, abs(number) < 1e15 {
                return (String(Int64(number)), nil)
            }
            return (cell.value, nil)
        }
    }

    /// `(7, 2)` → `C7`.
    static func reference(row: Int, column: Int) -> String {
        var letters = ""
        var n = column + 1
        while n > 0 {
            let remainder = (n - 1) % 26
            letters = String(UnicodeScalar(UInt8(65 + remainder))) + letters
            n = (n - 1) / 26
        }
        return "\(letters)\(row)"
    }
}
