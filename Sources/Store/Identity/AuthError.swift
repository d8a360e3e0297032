/// Authentication failures: stable codes, Chinese messages, all answered with 401
/// (429 for throttling).
public enum AuthError {
    /// No credentials on a request that needs them.
    public static let required = IdentityError(.unauthenticated, "auth.required", "请先登录，或在 Authorization 头中提供 API 密钥。")
    /// The Authorization header is not `Bearer <key>`.
    public static let headerMalformed = IdentityError(.unauthenticated, "auth.header_malformed", "Authorization 头格式错误，应为“Bearer 密钥”。")
    /// The key does not have the shape of a huqi key.
    public static let keyMalformed = IdentityError(.unauthenticated, "auth.key_malformed", "API 密钥格式错误，应以 huqi_ 开头。请检查是否复制完整。")
    /// Unknown key or wrong secret (deliberately not told apart).
    public static let keyInvalid = IdentityError(.unauthenticated, "auth.key_invalid", "API 密钥无效。")
    /// The key was revoked.
    public static let keyRevoked = IdentityError(.unauthenticated, "auth.key_revoked", "API 密钥已被吊销，请向管理员申请新密钥。")
    /// The key expired.
    public static let keyExpired = IdentityError(.unauthenticated, "auth.key_expired", "API 密钥已过期，请向管理员申请新密钥。")
    /// The user is disabled.
    public static let userDisabled = IdentityError(.unauthenticated, "auth.user_disabled", "该账号已停用。")
    /// Wrong login or password (deliberately not told apart).
    public static let loginFailed = IdentityError(.unauthenticated, "auth.login_failed", "用户名或密码错误。")
    /// The session ended, idled out or reached its absolute lifetime.
    public static let sessionExpired = IdentityError(.unauthenticated, "auth.session_expired", "登录已过期，请重新登录。")
    /// A state-changing request in a cookie session without the right CSRF token.
    public static let csrfMismatch = IdentityError(.forbidden, "auth.csrf", "请求缺少有效的 CSRF 令牌，请刷新页面后重试。")
    /// The principal lacks the role an operation needs.
    public static let forbidden = IdentityError(.forbidden, "auth.forbidden", "没有执行此操作的权限。")

    /// Too many failed logins recently.
    public static func throttled(retryAfter seconds: Int) -> IdentityError {
        IdentityError(.throttled, "auth.throttled", "登录失败次数过多，请 \(max(1, (seconds + 59) / 60)) 分钟后再试。", retryAfterSeconds: seconds)
    }
}
