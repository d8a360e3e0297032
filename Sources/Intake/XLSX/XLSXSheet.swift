import Foundation

/// One worksheet's cells, placed by their references (`r="C7"`): a cell missing from the sparse
/// XML is an empty field, never a shifted column.
struct XLSXSheet {
    /// A cell as the file stores it.
    struct Cell: Equatable {
        enum Kind: Equatable {
            /// Text (shared, inline or a formula's string result).
            case text
            /// A number; `date` when its style shows a date.
            case number(date: Bool)
            case boolean
            /// A formula error such as `#N/A`.
            case error
        }
        var kind: Kind
        /// The stored value: text, the number as written in the XML, `1`/`0`, or the error.
        var value: String
    }

    static let maximumColumns = 256

    /// Rows by their 1-based row number, each a map from 0-based column to cell.
    private(set) var rows: [Int: [Int: Cell]] = [:]

    init(_ data: Data, workbook: XLSXWorkbook, maximumRows: Int) throws {
        var rows: [Int: [Int: Cell]] = [:]
        var failure: BatchReadError?
        var rowNumber = 0, column = 0, nextColumn = 0
        var type = "n", style = 0, value: String?, inline = ""
        try XMLPart.parse(data, part: "工作表") { event in
            guard failure == nil else { return }
            switch event {
            case .start("row", let a):
                rowNumber = a["r"].flatMap(Int.init) ?? rowNumber + 1
                nextColumn = 0
                if rowNumber > maximumRows + 64 {
                    failure = BatchReadError("batch.too_many_rows", "工作表超过 \(maximumRows) 行，请拆分后上传。")
                }
            case .start("c", let a):
                column = a["r"].flatMap(Self.column(of:)) ?? nextColumn
                nextColumn = column + 1
                type = a["t"] ?? "n"
                style = a["s"].flatMap(Int.init) ?? 0
                value = nil
                inline = ""
                if column >= Self.maximumColumns {
                    failure = BatchReadError("xlsx.too_many_columns", "工作表超过 \(Self.maximumColumns) 列，请只保留移交表的各列。")
                }
            case .end("v", let text): value = text
            case .end("t", let text): inline += text
            case .end("c", _):
                let cell: Cell?
                switch type {
                case "s":
                    // An index past the shared strings would be a cell silently emptied: the file
                    // is damaged (or its strings part was not found), and the partner is told.
                    guard let index = value.flatMap(Int.init), workbook.sharedStrings.indices.contains(index) else {
                        failure = BatchReadError("xlsx.shared_string_missing",
                                                 "XLSX 文件第 \(rowNumber) 行第 \(column + 1) 列引用的文字不存在，文件可能已损坏。请在 Excel 中重新保存后上传。")
                        return
                    }
                    cell = Cell(kind: .text, value: workbook.sharedStrings[index])
                case "inlineStr": cell = Cell(kind: .text, value: inline)
                case "str": cell = value.map { Cell(kind: .text, value: $0) }
                case "b": cell = value.map { Cell(kind: .boolean, value: $0) }
                case "e": cell = value.map { Cell(kind: .error, value: $0) }
                default:
                    let isDate = style < workbook.dateStyles.count && workbook.dateStyles[style]
                    cell = value.map { Cell(kind: .number(date: isDate), value: $0) }
                }
                if let cell, !cell.value.isEmpty { rows[rowNumber, default: [:]][column] = cell }
            default: break
            }
        }
        if let failure { throw failure }
        self.rows = rows
    }

    /// `C7` → 2 (column letters, 0-based).
    static func column(of reference: String) -> Int? {
        var column = 0, letters = 0
        for byte in reference.utf8 {
            switch byte {
            case 65...90: column = column * 26 + Int(byte) - 64
            case 97...122: column = column * 26 + Int(byte) - 96
            default: return letters == 0 ? nil : column - 1
            }
            letters += 1
        }
        return letters == 0 ? nil : column - 1
    }
}
