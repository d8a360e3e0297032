/// Cleans cell text the way Chinese spreadsheets need: full-width ASCII to half-width,
/// ideographic space (U+3000), NBSP and other blanks to a plain space, runs of blanks collapsed,
/// ends trimmed.
public enum TextNormalizer {
    /// Full-width forms (U+FF01–FF5E) to ASCII, every blank to one space, trimmed.
    /// `keepingFullWidthParentheses` keeps （） as they are (enterprise names are registered so).
    public static func normalize(_ text: String, keepingFullWidthParentheses: Bool = false) -> String {
        // Most cells have nothing to change: no blank, no control character, no full-width form
        // (their UTF-8 lead bytes are all below 0x21 or one of C2, E1, E2, E3, EF).
        if !text.utf8.contains(where: { $0 < 0x21 || $0 == 0xC2 || $0 == 0xE1 || $0 == 0xE2 || $0 == 0xE3 || $0 == 0xEF }) {
            return text
        }
        var scalars = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            var value = scalar
            if isBlank(scalar) {
                pendingSpace = !scalars.isEmpty
                continue
            }
            if (0xFF01...0xFF5E).contains(scalar.value) {
                let isParenthesis = scalar == "（" || scalar == "）"
                if !(keepingFullWidthParentheses && isParenthesis) {
                    value = Unicode.Scalar(scalar.value - 0xFEE0)!
                }
            }
            if pendingSpace {
                scalars.append(" ")
                pendingSpace = false
            }
            scalars.append(value)
        }
        return String(scalars)
    }

    /// Normalized text with every space removed (codes, numbers, phone numbers).
    public static func compact(_ text: String) -> String {
        let normalized = normalize(text)
        return normalized.utf8.contains(0x20) ? String(normalized.unicodeScalars.filter { $0 != " " }) : normalized
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
