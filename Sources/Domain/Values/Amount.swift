import Foundation

/// 涉案金额 in 万元: `1,234.5`, `1234.5万`, `１２３４．５万元`; never negative.
public enum Amount {
    /// The amount, or `amount.invalid` / `amount.negative`.
    public static func parse(_ text: String, field: String = "amount_wan") throws -> Decimal {
        var value = TextNormalizer.compact(text)
        for suffix in ["万元", "万"] where value.hasSuffix(suffix) {
            value.removeLast(suffix.count)
            break
        }
        value.removeAll { $0 == "," || $0 == "，" }
        guard !value.isEmpty, value.range(of: #"^-?[0-9]+(\.[0-9]+)?$"#, options: .regularExpression) != nil,
              let amount = Decimal(string: value, locale: Locale(identifier: "en_US_POSIX")) else {
            throw FieldIssue.error(field, "amount.invalid", "涉案金额“\(text)”不是数字。请填写以万元为单位的数字，如 1234.5。")
        }
        guard amount >= 0 else { throw FieldIssue.error(field, "amount.negative", "涉案金额不能为负数。") }
        return amount
    }
}

/// 是/否 answers: 是 否 Y N yes no true false 1 0 已 未 有 无, and the ticks of a paper form
/// (√ ✓ ✔ for yes, × ✗ ✘ for no).
public enum YesNo {
    /// The answer, or `boolean.invalid`.
    public static func parse(_ text: String, field: String) throws -> Bool {
        switch TextNormalizer.compact(text).lowercased() {
        case "是", "y", "yes", "true", "1", "已", "有", "已信访", "√", "✓", "✔": return true
        case "否", "n", "no", "false", "0", "未", "无", "未信访", "×", "✗", "✘": return false
        default: throw FieldIssue.error(field, "boolean.invalid", "“\(text)”不是“是/否”。请填写 是 或 否。")
        }
    }
}
