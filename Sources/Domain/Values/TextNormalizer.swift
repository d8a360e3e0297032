/// How a cell's text is cleaned, by what the column holds.
public enum TextForm: Sendable, Hashable {
    /// Codes, numbers, short values: full-width forms to ASCII, one line.
    case plain
    /// Names of enterprises and organs: as `plain`, but （） kept (names are registered so).
    case name
    /// Free text (诉求内容, 备注): full-width letters, digits and symbols to ASCII, but the
    /// punctuation of Chinese prose kept and its line breaks too (see `TextNormalizer.prose`).
    case prose
}

/// Cleans cell text the way Chinese spreadsheets need: full-width ASCII to half-width,
/// ideographic space (U+3000), NBSP and other blanks to a plain space, runs of blanks collapsed,
/// ends trimmed.
public enum TextNormalizer {
    /// The cell's text cleaned for a column of this form.
    public static func normalize(_ text: String, as form: TextForm) -> String {
        switch form {
        case .plain: normalize(text)
        case .name: normalize(text, keepingFullWidthParentheses: true)
        case .prose: prose(text)
        }
    }

    /// Full-width forms (U+FF01–FF5E) to ASCII, every blank to one space, trimmed.
    /// `keepingFullWidthParentheses` keeps （） as they are (enterprise names are registered so).
    public static func normalize(_ text: String, keepingFullWidthParentheses: Bool = false) -> String {
        clean(text, keeping: keepingFullWidthParentheses ? parentheses : [], lineBreaks: false)
    }

    /// Free text as its writer meant it: full-width letters, digits and symbols to ASCII
    /// (`２６８０万元` → `2680万元`), but ，：；！？（） kept — Chinese prose writes them full-width
    /// (GB/T 15834), and `，` turned into `,` reads as a careless copy. Line breaks (a cell's
    /// Alt+Enter; CRLF, CR, U+2028/2029) are kept as LF, each line trimmed, blanks within a line
    /// collapsed, at most one empty line between paragraphs, the ends trimmed.
    public static func prose(_ text: String) -> String {
        clean(text, keeping: prosePunctuation, lineBreaks: true)
    }

    /// Normalized text with every space removed (codes, numbers, phone numbers).
    public static func compact(_ text: String) -> String {
        let normalized = normalize(text)
        return normalized.utf8.contains(0x20) ? String(normalized.unicodeScalars.filter { $0 != " " }) : normalized
    }

    static let parentheses: Set<Unicode.Scalar> = ["（", "）"]
    static let prosePunctuation: Set<Unicode.Scalar> = ["，", "：", "；", "！", "？", "（", "）"]

    private static func clean(_ text: String, keeping kept: Set<Unicode.Scalar>, lineBreaks: Bool) -> String {
        // Most cells have nothing to change: no blank, no control character, no full-width form
        // (their UTF-8 lead bytes are all below 0x21 or one of C2, E1, E2, E3, EF).
        if !text.utf8.contains(where: { $0 < 0x21 || $0 == 0xC2 || $0 == 0xE1 || $0 == 0xE2 || $0 == 0xE3 || $0 == 0xEF }) {
            return text
        }
        var scalars = String.UnicodeScalarView()
        var pendingSpace = false
        var pendingBreaks = 0
        var afterCarriageReturn = false
        for scalar in text.unicodeScalars {
            if lineBreaks, isLineBreak(scalar) {
                let endsCarriageReturn = scalar == "\n" && afterCarriageReturn  // CRLF is one break
                afterCarriageReturn = scalar == "\r"
                if !endsCarriageReturn, !scalars.isEmpty { pendingBreaks += 1 }
                pendingSpace = false
                continue
            }
            afterCarriageReturn = false
            if isBlank(scalar) {
                pendingSpace = !scalars.isEmpty && pendingBreaks == 0
                continue
            }
            var value = scalar
            if (0xFF01...0xFF5E).contains(scalar.value), !kept.contains(scalar) {
                value = Unicode.Scalar(scalar.value - 0xFEE0)!
            }
            if pendingBreaks > 0 {
                scalars.append(contentsOf: pendingBreaks > 1 ? "\n\n".unicodeScalars : "\n".unicodeScalars)
                pendingBreaks = 0
            } else if pendingSpace {
                scalars.append(" ")
            }
            pendingSpace = false
            scalars.append(value)
        }
        return String(scalars)
    }

    /// Characters that end a line in a cell.
    static func isLineBreak(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029: true
        default: false
        }
    }

    /// Blank characters found in spreadsheet cells.
    static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200B, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF:
            return true
        default:
            return false
        }
    }
}
