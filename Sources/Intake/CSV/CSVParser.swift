/// RFC 4180 CSV as Excel writes it: comma-separated, CRLF or LF, fields in double quotes may
/// hold commas, newlines and doubled quotes. A quote inside an unquoted field is kept as text
/// (Excel does the same). A quote that is never closed is an error naming its line.
public enum CSVParser {
    /// One record and the line it starts on (1-based).
    public struct Record: Sendable, Equatable {
        public var line: Int
        public var fields: [String]
    }

    /// Reads records one at a time, so a large file is never held as records all at once.
    public struct RecordIterator {
        private var scalars: String.UnicodeScalarView.Iterator
        private var pending: Unicode.Scalar?
        private var line = 1

        /// Starts at the beginning of `text`.
        public init(_ text: String) {
            scalars = text.unicodeScalars.makeIterator()
            pending = scalars.next()
        }

        /// The next non-blank record, nil at the end, or `csv.unterminated_quote`.
        public mutating func next() throws -> Record? {
            while pending != nil {
                if let record = try readRecord(), !(record.fields.count == 1 && record.fields[0].isEmpty) { return record }
            }
            return nil
        }

        private mutating func advance() -> Unicode.Scalar? {
            let current = pending
            pending = scalars.next()
            return current
        }

        private mutating func readRecord() throws -> Record? {
            let recordLine = line
            var fields: [String] = []
            var field = String.UnicodeScalarView()
            var inQuotes = false
            var quoteOpenedOnLine = 0
            while let scalar = advance() {
                if inQuotes {
                    if scalar == "\"" {
                        if pending == "\"" {
                            field.append("\"")
                            _ = advance()
                        } else {
                            inQuotes = false
                        }
                    } else {
                        if scalar == "\n" { line += 1 }
                        field.append(scalar)
                    }
                    continue
                }
                switch scalar {
                case "\"" where field.isEmpty:
                    inQuotes = true
                    quoteOpenedOnLine = line
                case ",":
                    fields.append(String(field))
                    field = String.UnicodeScalarView()
                case "\r" where pending == "\n":
                    continue
                case "\n", "\r":
                    line += 1
                    fields.append(String(field))
                    return Record(line: recordLine, fields: fields)
                default:
                    field.append(scalar)
                }
            }
            if inQuotes {
                throw BatchReadError("csv.unterminated_quote", "第 \(quoteOpenedOnLine) 行有一个引号没有闭合，之后的内容无法分列。请检查该行的双引号。")
            }
            fields.append(String(field))
            return Record(line: recordLine, fields: fields)
        }
    }
}
