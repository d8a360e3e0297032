/// 统一社会信用代码 (GB 32100-2015): 18 characters, the last a check character.
///
/// Alphabet `0123456789ABCDEFGHJKLMNPQRTUWXY` (no I, O, Z, S, V) with values 0–30; weights of
/// positions 1–17 are 3^(i−1) mod 31; check = (31 − Σ mod 31) mod 31. Positions 9–17 are the
/// 组织机构代码 (GB 11714), whose own check is only a warning. The region in positions 3–8 is
/// never checked against the division table (registrar codes exist).
public struct CreditCode: Sendable, Hashable, CustomStringConvertible {
    /// The 18 upper-case characters.
    public let value: String
    public var description: String { value }

    static let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    /// Parses a cell (full-width and lower case accepted). Throws one `FieldIssue`:
    /// `credit_code.length`, `credit_code.charset` or `credit_code.checksum` (naming the right
    /// check character).
    public init(parsing text: String, field: String = "credit_code") throws {
        let code = TextNormalizer.compact(text).uppercased()
        guard code.count == 18 else {
            throw FieldIssue.error(field, "credit_code.length", "统一社会信用代码应为 18 位，这里是 \(code.count) 位。")
        }
        let characters = Array(code)
        var sum = 0
        for (index, character) in characters.enumerated() where index < 17 {
            guard let value = Self.alphabet.firstIndex(of: character) else {
                throw FieldIssue.error(field, "credit_code.charset",
                                       "统一社会信用代码第 \(index + 1) 位“\(character)”不是允许的字符（不含 I、O、Z、S、V）。")
            }
            sum += value * Self.weights[index]
        }
        guard characters[0...7].dropFirst(2).allSatisfy(\.isASCIIDigit) else {
            throw FieldIssue.error(field, "credit_code.charset", "统一社会信用代码第 3–8 位应为数字（登记管理机关行政区划码）。")
        }
        // The check character is judged against the expected one even when it is not in the
        // alphabet at all (a Z or an O there is a typo of the check, not of the body).
        let expected = Self.alphabet[(31 - sum % 31) % 31]
        guard characters[17] == expected else {
            throw FieldIssue.error(field, "credit_code.checksum",
                                   "统一社会信用代码校验位错误：校验位应为“\(expected)”，请核对前 17 位是否抄错。")
        }
        value = code
    }

    /// The check character for the first 17 characters, or nil when one is outside the alphabet.
    public static func checkCharacter(for body: String) -> Character? {
        let characters = Array(body.uppercased())
        guard characters.count == 17 else { return nil }
        var sum = 0
        for (index, character) in characters.enumerated() {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            sum += value * weights[index]
        }
        return alphabet[(31 - sum % 31) % 31]
    }

    /// A warning when the embedded 组织机构代码 (positions 9–17) fails its GB 11714 check.
    public var organisationCodeIssue: FieldIssue? {
        let characters = Array(value)[8..<17]
        let weights = [3, 7, 9, 10, 5, 8, 4, 2]
        var sum = 0
        for (character, weight) in zip(characters.prefix(8), weights) {
            guard let number = character.asciiDigitValue ?? Self.letterValue(character) else { return nil }
            sum += number * weight
        }
        let check = 11 - sum % 11
        let expected: Character = check == 10 ? "X" : check == 11 ? "0" : Character(String(check))
        guard characters.last != expected else { return nil }
        return .warning("credit_code", "credit_code.org_code_checksum",
                        "统一社会信用代码中的组织机构代码（第 9–17 位）校验不符（应为“\(expected)”），请核对；不影响接收。")
    }

    private static func letterValue(_ character: Character) -> Int? {
        guard let ascii = character.asciiValue, ascii >= 65, ascii <= 90 else { return nil }
        return Int(ascii) - 55
    }
}

extension Character {
    /// 0–9 only (not full-width or other scripts' digits), from the byte: `isNumber` consults the
    /// Unicode tables and was 2 % of the intake's client CPU.
    var isASCIIDigit: Bool { asciiDigitValue != nil }

    /// The value of an ASCII digit, nil for anything else.
    var asciiDigitValue: Int? {
        guard let ascii = asciiValue, ascii >= 48, ascii <= 57 else { return nil }
        return Int(ascii - 48)
    }
}
