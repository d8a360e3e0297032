/// A contact number: a mobile `1[3-9]` + 9 digits (+86, spaces, dashes stripped) or a landline
/// `0` + 2–3 digit area code + 7–8 digit number, stored as `0416-2345678`.
public struct Phone: Sendable, Hashable {
    /// The normalized number.
    public let value: String

    /// Parses a cell, or throws `phone.invalid` (`phone.multiple` for two numbers or more).
    public init(parsing text: String, field: String = "phone") throws {
        let parts = text.split(whereSeparator: { "/、,，;；".contains($0) })
        if parts.count > 1, parts.allSatisfy({ (try? Phone(parsing: String($0), field: field)) != nil }) {
            throw FieldIssue.error(field, "phone.multiple", "联系电话只能填一个号码，这里有 \(parts.count) 个（“\(Masking.digitRuns(in: text))”）。其余号码可写在备注中。")
        }
        var digits = TextNormalizer.compact(text)
        digits.removeAll { "-()（）".contains($0) }
        if digits.hasPrefix("+86") { digits.removeFirst(3) } else if digits.hasPrefix("0086") { digits.removeFirst(4) }
        guard digits.allSatisfy(\.isASCIIDigit) else { throw Self.invalid(text, field) }
        let characters = Array(digits)
        if characters.count == 11, characters[0] == "1", ("3"..."9").contains(characters[1]) {
            value = digits
            return
        }
        guard characters.first == "0" else { throw Self.invalid(text, field) }
        let areaLength = digits.hasPrefix("010") || digits.hasPrefix("02") ? 3 : 4
        let local = characters.count - areaLength
        guard (7...8).contains(local) else { throw Self.invalid(text, field) }
        value = String(characters.prefix(areaLength)) + "-" + String(characters.suffix(local))
    }

    /// For lists: `138****5678`, `0416-****678`.
    public var masked: String { Masking.keep(value, first: 3, last: 4) }

    private static func invalid(_ text: String, _ field: String) -> FieldIssue {
        .error(field, "phone.invalid", "联系电话“\(Masking.digitRuns(in: text))”无效。手机号为 11 位（1 开头），座机写成 区号-号码，如 0416-2345678。")
    }
}
