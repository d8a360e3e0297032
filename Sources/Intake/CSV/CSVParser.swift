import Domain

/// RFC 4180 CSV as Excel writes it: comma-separated, CRLF or LF, fields in double quotes may
/// hold commas, newlines and doubled quotes. A quote inside an unquoted field is kept as text
/// (Excel does the same). A quote that is never closed is an error naming its line.
public enum CSVParser {
    /// One record and the line it starts on (1-based).
    public struct Record: Sendable, Equatable {
        public var line: Int
        public var fields: [String]
    }

    /// Reads records one at a time from UTF-8 bytes, so a large file is never held as records,
    /// nor as one decoded `String` beside its bytes; the pages read are dropped as it goes
    /// (`PayloadBytes.discard`), so a mapped file is never wholly in memory either.
    ///
    /// The bytes must be valid UTF-8 (`TextDecoding.utf8` checks them). Every byte that matters
    /// here (quote, comma, CR, LF) is ASCII, and no byte of a multi-byte UTF-8 sequence is: the
    /// parser can work byte by byte and cut fields only between characters.
    public struct RecordIterator {
        /// Drops the pages read, and keeps the storage of `buffer` alive.
        private var cursor: PayloadBytes.PassCursor
        private let buffer: UnsafeBufferPointer<UInt8>
        private var position = 0
        private var line = 1
        /// Records read so far, blank lines included: the last record's row number as Excel
        /// shows the file.
        public private(set) var recordsRead = 0
        /// The field being read (reused: one allocation for the whole file).
        private var field: [UInt8] = []

        private static let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")

        /// Starts at the beginning of `bytes` (valid UTF-8; shared, not copied).
        public init(utf8 bytes: PayloadBytes) {
            cursor = PayloadBytes.PassCursor(bytes)
            buffer = bytes.unsafeBuffer
        }

        /// The next non-blank record, nil at the end, or `csv.unterminated_quote`.
        public mutating func next() throws -> Record? {
            cursor.advance(to: position)
            while position < buffer.count {
                let record = try readRecord()
                recordsRead += 1
                if !(record.fields.count == 1 && record.fields[0].isEmpty) { return record }
            }
            return nil
        }

        private func peek() -> UInt8? {
            position < buffer.count ? buffer[position] : nil
        }

        private mutating func takeField() -> String {
            defer { field.removeAll(keepingCapacity: true) }
            return String(decoding: field, as: UTF8.self)
        }

        private mutating func readRecord() throws -> Record {
            let recordLine = line
            var fields: [String] = []
            var inQuotes = false
            var quoteOpenedOnLine = 0
            while position < buffer.count {
                let byte = buffer[position]
                position += 1
                if inQuotes {
                    if byte == Self.quote {
                        if peek() == Self.quote {
                            field.append(Self.quote)
                            position += 1
                        } else {
                            inQuotes = false
                        }
                    } else {
                        if byte == Self.lf { line += 1 }
                        field.append(byte)
                    }
                    continue
                }
                switch byte {
                case Self.quote where field.isEmpty:
                    inQuotes = true
                    quoteOpenedOnLine = line
                case Self.comma:
                    fields.append(takeField())
                case Self.cr where peek() == Self.lf:
                    continue
                case Self.lf, Self.cr:
                    line += 1
                    fields.append(takeField())
                    return Record(line: recordLine, fields: fields)
                default:
                    field.append(byte)
                }
            }
            if inQuotes {
                field.removeAll(keepingCapacity: true)
                throw BatchReadError("csv.unterminated_quote", "第 \(quoteOpenedOnLine) 行有一个引号没有闭合，之后的内容无法分列。请检查该行的双引号。")
            }
            fields.append(takeField())
            return Record(line: recordLine, fields: fields)
        }
    }
}
