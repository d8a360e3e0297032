import Domain

/// Writes the small JSON documents of a staging row (raw cells, issues) directly, without
/// `JSONEncoder`: on a million-row batch the encoder was the largest cost of the COPY.
enum JSONText {
    /// `{"key":"value",…}` in the dictionary's order: every document goes into a `jsonb` column,
    /// which orders keys itself (sorting them here was 3 % of the intake's client CPU).
    static func object(_ dictionary: [String: String]) -> String {
        var text = "{"
        text.reserveCapacity(dictionary.count * 48)
        var first = true
        for (key, value) in dictionary {
            if !first { text += "," }
            first = false
            append(key, to: &text)
            text += ":"
            append(value, to: &text)
        }
        return text + "}"
    }

    /// `[{"code":…,"field":…,"message":…,"severity":…},…]`.
    static func issues(_ issues: [FieldIssue]) -> String {
        var text = "["
        for (index, issue) in issues.enumerated() {
            if index > 0 { text += "," }
            text += "{\"code\":"
            append(issue.code, to: &text)
            text += ",\"field\":"
            append(issue.field, to: &text)
            text += ",\"message\":"
            append(issue.message, to: &text)
            text += ",\"severity\":\"\(issue.severity.rawValue)\"}"
        }
        return text + "]"
    }

    /// A JSON string literal with the escapes RFC 8259 requires.
    static func append(_ string: String, to text: inout String) {
        text += "\""
        // Most cells need no escape: append them whole.
        if !string.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            text += string
            text += "\""
            return
        }
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
