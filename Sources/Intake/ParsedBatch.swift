import Domain

/// A batch file opened for reading: its shape, and its rows as a stream.
public struct ParsedBatch {
    /// `csv`, `json` or `xlsx`.
    public var format: String
    /// The text encoding found (CSV), or UTF-8 (JSON).
    public var encoding: TextDecoding.Encoding
    /// `batch_no` from a JSON body, when given.
    public var batchNumber: Int?
    /// The rows in file order, read on demand.
    public var rows: RawRowSource
    /// File-level warnings (unknown columns).
    public var warnings: [FieldIssue]
}

/// Reads a payload whatever its format, by its content (not its name): XLSX when it is a ZIP,
/// JSON when it starts with `{` (or `[`), CSV otherwise.
public enum BatchReader {
    /// Limits that keep one upload from exhausting the server.
    public struct Limits: Sendable {
        public var maximumRows: Int
        public init(maximumRows: Int = 1_000_000) { self.maximumRows = maximumRows }
    }

    /// Reads the payload, or throws a `BatchReadError` saying why the file is unusable.
    /// `sheet` names the worksheet of an XLSX file (default: the first).
    ///
    /// The rows of a CSV file are read from `bytes` as they are asked for: keep the returned
    /// batch's rows for no longer than the bytes are meant to live.
    public static func read(_ bytes: PayloadBytes, limits: Limits = Limits(), sheet: String? = nil) throws -> ParsedBatch {
        let buffer = bytes.unsafeBuffer
        guard buffer.contains(where: { !isBlank($0) }), !(buffer.count == 3 && bytes.starts(with: [0xEF, 0xBB, 0xBF])) else {
            throw BatchReadError.empty
        }
        if bytes.starts(with: legacyExcelMagic) { throw BatchReadError.legacyExcel }
        let format = format(of: bytes)
        if format == "xlsx" {
            let archive = bytes.array
            bytes.discard(before: bytes.count)
            return try XLSXBatchReader.read(archive, sheet: sheet, limits: limits)
        }
        let (utf8, encoding) = try TextDecoding.utf8(bytes)
        // A CSV file is read from the bytes; only a JSON body becomes one String.
        if format == "json" {
            let text = String(decoding: utf8.unsafeBuffer, as: UTF8.self)
            utf8.discard(before: utf8.count)
            return try JSONBatchReader.read(text, limits: limits)
        }
        return try readCSV(utf8, encoding: encoding, limits: limits)
    }

    /// The format a payload is read as, by its first bytes (its name is not trusted): `xlsx` for a
    /// ZIP, `json` when its first character (after a UTF-8 BOM and blanks) is `{` or `[` — no
    /// header of the form starts so, and a bare array is told it is one — `unknown` for an empty
    /// file or an Excel 97–2003 one, else `csv`. `{`, `[` and blanks are the same bytes in GB18030.
    public static func format(of bytes: PayloadBytes) -> String {
        if bytes.isEmpty || bytes.starts(with: legacyExcelMagic) { return "unknown" }
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return "xlsx" }
        let text = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes.dropFirst(3) : bytes
        let first = text.unsafeBuffer.first(where: { !isBlank($0) })
        return first == UInt8(ascii: "{") || first == UInt8(ascii: "[") ? "json" : "csv"
    }

    /// The first bytes of an OLE2 compound file: Excel 97–2003 (.xls), as WPS and older Excel save.
    public static let legacyExcelMagic: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]

    /// Reads a payload held in an array (tests, small files).
    public static func read(_ bytes: [UInt8], limits: Limits = Limits(), sheet: String? = nil) throws -> ParsedBatch {
        try read(PayloadBytes(bytes), limits: limits, sheet: sheet)
    }

    /// Space, tab, LF or CR: what may stand before a file's first character.
    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    static func readCSV(_ utf8: PayloadBytes, encoding: TextDecoding.Encoding, limits: Limits) throws -> ParsedBatch {
        var records = CSVParser.RecordIterator(utf8: utf8)
        guard let header = try records.next() else { throw BatchReadError.empty }
        // Excel's "文本文件（制表符分隔）" is not CSV: say so, rather than "missing columns".
        if header.fields.count == 1, header.fields[0].contains("\t") { throw BatchReadError.tabSeparated }
        let mapping = try HeaderMapping(header.fields)
        let rows = RawRowSource(csv: records, mapping: mapping, limit: limits.maximumRows)
        guard try rows.hasRows() else { throw BatchReadError.noRows }
        return ParsedBatch(format: "csv", encoding: encoding, batchNumber: nil, rows: rows, warnings: mapping.warnings)
    }
}

/// The rows of a batch, produced one at a time from the CSV records (or from a JSON array).
///
/// A CSV record whose every cell is empty or blank is not a row: Excel writes one (`,,,,`) for
/// each formatted but empty line below the data. Such records, and blank lines, are skipped yet
/// counted in the row numbers, so a problem's row number is the one Excel shows.
public final class RawRowSource {
    private var csv: CSVParser.RecordIterator?
    private var buffered: RawRow?
    private let mapping: HeaderMapping?
    private var list: IndexingIterator<[RawRow]>?
    private let limit: Int
    /// Rows handed out so far.
    public private(set) var count = 0

    init(csv: CSVParser.RecordIterator, mapping: HeaderMapping, limit: Int) {
        self.csv = csv
        self.mapping = mapping
        self.limit = limit
    }

    init(rows: [RawRow]) {
        list = rows.makeIterator()
        mapping = nil
        limit = .max
    }

    /// Whether a row is left to read (reads ahead by one row).
    func hasRows() throws -> Bool {
        if buffered == nil { buffered = try read() }
        return buffered != nil
    }

    /// The next row; throws `batch.too_many_rows` past the limit and CSV errors found late.
    public func next() throws -> RawRow? {
        let row: RawRow?
        if let buffered {
            row = buffered
            self.buffered = nil
        } else {
            row = try read()
        }
        guard let row else { return nil }
        count += 1
        guard count <= limit else { throw BatchReadError.tooManyRows(limit) }
        return row
    }

    private func read() throws -> RawRow? {
        guard var iterator = csv, let mapping else { return list?.next() }
        defer { csv = iterator }
        while let record = try iterator.next() {
            if !Self.isEmpty(record.fields) {
                var row = mapping.row(number: iterator.recordsRead, fields: record.fields)
                row.cellIssues += mapping.scientificNotationIssues(in: row)
                return row
            }
        }
        return nil
    }

    /// Every cell empty or only spaces (incl. U+3000 and NBSP); most rows stop at their first cell.
    static func isEmpty(_ fields: [String]) -> Bool {
        fields.allSatisfy { $0.isEmpty || $0.allSatisfy(\.isWhitespace) }
    }

    /// Every remaining row (tests and small files).
    public func all() throws -> [RawRow] {
        var rows: [RawRow] = []
        while let row = try next() { rows.append(row) }
        return rows
    }
}
