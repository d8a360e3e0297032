/// A refused identity or access operation, with a stable `code` and a Chinese `message`.
/// `kind` tells the HTTP and CLI layers how to answer (401, 404, 409, 422, 429).
public struct IdentityError: Error, Sendable, Equatable, CustomStringConvertible {
    /// How the refusal should be answered.
    public enum Kind: Sendable, Equatable {
        case invalidInput, notFound, conflict, unauthenticated, forbidden, throttled
    }

    /// Stable identifier, e.g. `auth.key_revoked`.
    public let code: String
    /// One Chinese sentence for people.
    public let message: String
    /// How to answer.
    public let kind: Kind
    /// Seconds to wait, for `throttled`.
    public var retryAfterSeconds: Int?

    /// Creates an error.
    public init(_ kind: Kind, _ code: String, _ message: String, retryAfterSeconds: Int? = nil) {
        self.kind = kind
        self.code = code
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { "\(message) [\(code)]" }
}

extension IdentityError {
    static func unknownUnit(_ code: String) -> Self {
        Self(.invalidInput, "identity.unknown_unit", "单位代码 \(code) 不存在。请使用 6 位行政区划代码，如 210700（锦州市）。")
    }
    static func unknownPartner(_ code: String) -> Self {
        Self(.notFound, "identity.unknown_partner", "合作单位 \(code) 不存在。")
    }
    static func unknownUser(_ login: String) -> Self {
        Self(.notFound, "identity.unknown_user", "用户 \(login) 不存在。")
    }
    static func duplicateLogin(_ login: String) -> Self {
        Self(.conflict, "identity.duplicate_login", "登录名 \(login) 已被使用。")
    }
    public static func duplicatePartner(_ code: String) -> Self {
        Self(.conflict, "identity.duplicate_partner", "合作单位代码 \(code) 已存在（代码不区分大小写）。")
    }
    static let invalidLogin = Self(.invalidInput, "identity.login_invalid", "登录名须为 2–64 位小写字母、数字、点、下划线或连字符，并以字母或数字开头。")
    public static let invalidName = Self(.invalidInput, "identity.name_invalid", "姓名或名称不能为空，且不能超过 50 个字（合作单位名称不超过 100 个字）。")
    public static let invalidPartnerCode = Self(.invalidInput, "identity.partner_code_invalid", "合作单位代码须为 2–32 位字母、数字、下划线或连字符。")
    public static let passwordTooShort = Self(.invalidInput, "identity.password_too_short", "密码至少需要 \(PasswordRules.minimumLength) 个字符。")
    public static let passwordTooLong = Self(.invalidInput, "identity.password_too_long", "密码不能超过 72 个字节。")
    static func roleNeedsUnit(_ role: String) -> Self {
        Self(.invalidInput, "identity.role_needs_unit", "角色 \(role) 必须属于一个检察院，请用 --unit 指定单位代码。")
    }
    static let roleNeedsPartner = Self(.invalidInput, "identity.role_needs_partner", "上传员必须属于一个合作单位，请用 --partner 指定。")
    static let unitAndPartner = Self(.invalidInput, "identity.unit_and_partner", "一个用户不能同时属于检察院和合作单位。")
    static let noRoles = Self(.invalidInput, "identity.no_roles", "至少需要一个角色。")
}

/// Password rules shared by the CLI, the API and the pages.
public enum PasswordRules {
    /// The shortest accepted password, in characters.
    public static let minimumLength = 10

    /// Throws `identity.password_too_short` / `too_long` (bcrypt reads at most 72 bytes).
    public static func check(_ password: String) throws {
        guard password.count >= minimumLength else { throw IdentityError.passwordTooShort }
        guard password.utf8.count <= 72 else { throw IdentityError.passwordTooLong }
    }
}
