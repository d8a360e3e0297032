import Domain

/// Which column holds which field. Unknown columns are kept (as `extra`) and reported once as
/// a warning (huqi's own annotation columns, `CanonicalField.annotationHeaders`, are kept
/// without one); a missing required column makes the file unusable.
struct HeaderMapping {
    let fields: [String?]
    let headers: [String]
    /// The header cells as written, to know the header again inside the data.
    let written: [String]
    let warnings: [FieldIssue]

    init(_ headerCells: [String]) throws {
        written = headerCells
        headers = headerCells.map { TextNormalizer.normalize($0) }
        fields = headers.map { CanonicalField.matching(header: $0)?.name }
        let present = Set(fields.compactMap { $0 })
        let missing = CanonicalField.all.filter { $0.required && !present.contains($0.name) }
        guard missing.isEmpty else { throw BatchReadError.missingColumns(missing.map(\.header)) }
        var seen = Set<String>()
        for field in fields.compactMap({ $0 }) where !seen.insert(field).inserted {
            throw BatchReadError("header.duplicate_column", "列“\(CanonicalField.named(field)!.header)”出现了两次。")
        }
        let unknown = zip(headers, fields).filter { $0.1 == nil && !$0.0.isEmpty && !CanonicalField.annotationHeaders.contains($0.0) }.map(\.0)
        warnings = unknown.isEmpty ? [] : [.warning("row", "header.unknown_columns",
                                                    "以下列不在移交表中，已原样保存但未使用：\(unknown.joined(separator: "、"))。")]
    }

    func row(number: Int, fields cells: [String]) -> RawRow {
        var byField: [String: String] = [:]
        var extra: [String: String] = [:]
        for (index, cell) in cells.enumerated() {
            if index < fields.count, let field = fields[index] {
                byField[field] = cell
            } else if index < headers.count {
                if !headers[index].isEmpty || !cell.isEmpty { extra[headers[index].isEmpty ? "列\(index + 1)" : headers[index]] = cell }
            } else if !cell.isEmpty {
                extra["列\(index + 1)"] = cell
            }
        }
        var issue: FieldIssue?
        if cells.count != headers.count, !(cells.count > headers.count && cells[headers.count...].allSatisfy(\.isEmpty)) {
            issue = .error("row", "row.column_count", "这一行有 \(cells.count) 列，表头有 \(headers.count) 列，可能有未加引号的逗号或漏填的列。")
        }
        var row = RawRow(number: number, cells: byField, extra: extra, cellCountIssue: issue)
        // Two exports pasted one below the other: the second header is kept as a rejected row,
        // with one issue rather than one per field. (A data row differs at its first cell.)
        if cells.count >= written.count, zip(cells, written).allSatisfy({ $0 == $1 }) {
            row.notACase = .error("row", "row.header_repeated", "这一行与表头相同（可能是两份表格拼在了一起），不是案件。")
        }
        return row
    }
}

extension HeaderMapping {
    /// A CSV row's cells that Excel wrote in scientific notation, as errors of those cells (an
    /// XLSX file keeps the number itself: its reader says `xlsx.number_for_text`).
    func scientificNotationIssues(in row: RawRow) -> [FieldIssue] {
        Self.digitFields.compactMap { field in
            guard let cell = row.cells[field], Self.isScientific(cell) else { return nil }
            let header = CanonicalField.named(field)?.header ?? field
            let shown = cell.split(separator: " ").joined()
            return .error(field, "csv.scientific_notation",
                          "“\(header)”是“\(shown)”：Excel 把它当成数字、以科学计数法导出，数字已丢失。请在 Excel 中把该列设为“文本”格式，重新填写后导出。")
        }
    }

    /// `CanonicalField.digitFields` in the form's order: a CSV export writes what Excel shows.
    static let digitFields = CanonicalField.all.map(\.name).filter(CanonicalField.digitFields.contains)

    /// `1.10105E+17`, `9E+17`, `1.38042e+10`: a number in Excel's scientific notation — a digit,
    /// maybe a point and digits, `E` or `e`, maybe `+`, digits (spaces around allowed).
    static func isScientific(_ cell: String) -> Bool {
        guard cell.utf8.contains(where: { $0 == UInt8(ascii: "E") || $0 == UInt8(ascii: "e") }) else { return false }  // most cells
        let digits = Set("0123456789")
        let text = Substring(cell).drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()
        guard let e = text.firstIndex(where: { $0 == "E" || $0 == "e" }) else { return false }
        let mantissa = text[..<e], exponent = text[text.index(after: e)...].drop { $0 == "+" }
        guard let first = mantissa.first, digits.contains(first), !exponent.isEmpty, exponent.allSatisfy(digits.contains) else { return false }
        let fraction = mantissa.dropFirst()
        return fraction.isEmpty || (fraction.first == "." && fraction.count > 1 && fraction.dropFirst().allSatisfy(digits.contains))
    }
}
