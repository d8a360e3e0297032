/// A contact number: a mobile `1[3-9]` + 9 digits (+86, spaces, dashes stripped) or a landline
/// `0` + 2–3 digit area code + 7–8 digit number, stored as `0416-2345678`.
public struct Phone: Sendable, Hashable {
    /// The normalized number.
    public let value: String

    /// Parses a cell, or throws `phone.invalid` (`phone.multiple` for two numbers or more).
    ///
    /// Works on Unicode scalars and UTF-8 bytes, not `Character`s: every row of a batch has a
    /// phone, and grapheme-by-grapheme tests made this 17 % of the intake's client CPU.
    public init(parsing text: String, field: String = "phone") throws {
        if text.unicodeScalars.contains(where: Self.separatesNumbers) {
            let parts = text.split { $0.unicodeScalars.count == 1 && Self.separatesNumbers($0.unicodeScalars.first!) }
            if parts.count > 1, parts.allSatisfy({ (try? Phone(parsing: String($0), field: field)) != nil }) {
                throw FieldIssue.error(field, "phone.multiple", "联系电话只能填一个号码，这里有 \(parts.count) 个（“\(Masking.digitRuns(in: text))”）。其余号码可写在备注中。")
            }
        }
        var scalars = TextNormalizer.compact(text).unicodeScalars
        scalars.removeAll { Self.isPunctuation($0) }
        var digits = Array(String(scalars).utf8)[...]
        if digits.starts(with: "+86".utf8) { digits.removeFirst(3) } else if digits.starts(with: "0086".utf8) { digits.removeFirst(4) }
        guard digits.allSatisfy({ (0x30...0x39).contains($0) }) else { throw Self.invalid(text, field) }
        let number = String(decoding: digits, as: UTF8.self)
        if digits.count == 11, digits.first == 0x31, (0x33...0x39).contains(digits[digits.startIndex + 1]) {
            value = number
            return
        }
        guard digits.first == 0x30 else { throw Self.invalid(text, field) }
        let areaLength = number.hasPrefix("010") || number.hasPrefix("02") ? 3 : 4
        let local = digits.count - areaLength
        guard (7...8).contains(local) else { throw Self.invalid(text, field) }
        value = String(number.prefix(areaLength)) + "-" + String(number.suffix(local))
    }

    /// `/、,，;；`: what people put between two numbers in one cell.
    private static func separatesNumbers(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x2F, 0x3001, 0x2C, 0xFF0C, 0x3B, 0xFF1B: true
        default: false
        }
    }

    /// `-()（）`: written inside one number, dropped.
    private static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x2D, 0x28, 0x29, 0xFF08, 0xFF09: true
        default: false
        }
    }

    /// For lists: `138****5678`, `0416-****678`.
    public var masked: String { Masking.keep(value, first: 3, last: 4) }

    private static func invalid(_ text: String, _ field: String) -> FieldIssue {
        .error(field, "phone.invalid", "联系电话“\(Masking.digitRuns(in: text))”无效。手机号为 11 位（1 开头），座机写成 区号-号码，如 0416-2345678。")
    }
}
