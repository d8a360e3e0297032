/// 居民身份证号码 (GB 11643-1999): 18 characters with a check character, or a legacy 15-digit
/// number. Address codes are not checked (historical codes exist); the birth date is.
public struct IDNumber: Sendable, Hashable {
    /// The number, upper case.
    public let value: String

    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkCharacters = Array("10X98765432")

    /// Parses a cell. Throws `id_number.length`, `id_number.charset`, `id_number.birth_date`
    /// or `id_number.checksum` (naming the right last character).
    public init(parsing text: String, field: String = "reporter_id_number") throws {
        let number = TextNormalizer.compact(text).uppercased()
        let characters = Array(number)
        switch characters.count {
        case 18:
            guard characters.prefix(17).allSatisfy(\.isASCIIDigit), characters[17].isASCIIDigit || characters[17] == "X" else {
                throw FieldIssue.error(field, "id_number.charset", "身份证号前 17 位应为数字，最后一位为数字或 X。")
            }
            guard Self.isValidBirthDate(String(characters[6..<14])) else {
                throw FieldIssue.error(field, "id_number.birth_date", "身份证号中的出生日期（第 7–14 位）不是有效日期。")
            }
            // ASCII digits (checked above): the byte's value, not `wholeNumberValue` (Unicode tables).
            let sum = zip(characters.prefix(17), Self.weights).reduce(0) { $0 + $1.0.asciiDigitValue! * $1.1 }
            let expected = Self.checkCharacters[sum % 11]
            guard characters[17] == expected else {
                throw FieldIssue.error(field, "id_number.checksum", "身份证号校验位错误：最后一位应为“\(expected)”，请核对号码。")
            }
        case 15:
            guard characters.allSatisfy(\.isASCIIDigit) else {
                throw FieldIssue.error(field, "id_number.charset", "15 位身份证号应全为数字。")
            }
            guard Self.isValidBirthDate("19" + String(characters[6..<12])) else {
                throw FieldIssue.error(field, "id_number.birth_date", "身份证号中的出生日期（第 7–12 位）不是有效日期。")
            }
        default:
            throw FieldIssue.error(field, "id_number.length", "身份证号应为 18 位（或旧式 15 位），这里是 \(characters.count) 位。")
        }
        value = number
    }

    /// First 6 and last 4 characters, the rest as `*`: `110105********002X`.
    public var masked: String { Masking.keep(value, first: 6, last: 4) }

    static func isValidBirthDate(_ yyyymmdd: String) -> Bool {
        guard let year = Int(yyyymmdd.prefix(4)), let month = Int(yyyymmdd.dropFirst(4).prefix(2)),
              let day = Int(yyyymmdd.suffix(2)) else { return false }
        return CalendarDate(year: year, month: month, day: day) != nil && year >= 1850
    }
}

/// Masks personal data for lists and reports.
public enum Masking {
    /// Keeps `first` and `last` characters and stars the middle.
    public static func keep(_ text: String, first: Int, last: Int) -> String {
        let characters = Array(text)
        guard characters.count > first + last else { return String(repeating: "*", count: characters.count) }
        return String(characters.prefix(first)) + String(repeating: "*", count: characters.count - first - last) + String(characters.suffix(last))
    }

    /// Text as written by a user, for a message that quotes it: every run of seven digits or
    /// more (half- or full-width) is starred like a phone in a list — 11 digits as `138****5678`,
    /// 7 to 10 keep two at each end, longer runs three and four — so a message about a bad phone
    /// or ID number says which cell without repeating the number.
    public static func digitRuns(in text: String) -> String {
        var result = ""
        var run: [Character] = []
        func flush() {
            switch run.count {
            case 0..<7: result += String(run)
            case 7...10: result += keep(String(run), first: 2, last: 2)
            default: result += keep(String(run), first: 3, last: 4)
            }
            run.removeAll()
        }
        for character in text {
            if character.wholeNumberValue != nil, character.unicodeScalars.count == 1 {
                run.append(character)
            } else {
                flush()
                result.append(character)
            }
        }
        flush()
        return result
    }
}
