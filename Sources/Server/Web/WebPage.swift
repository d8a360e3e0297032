import Domain
import Foundation
import Hummingbird
import HTTPTypes

/// The frame of every page: Chinese, a navigation bar with what the user's roles may open, a
/// notice line, and the security headers. Pages are plain HTML forms; no script is needed.
enum WebPage {
    /// Content-Security-Policy: our own stylesheet only, no script, no framing, forms to us.
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    /// Security headers for every page response.
    static func secure(_ headers: inout HTTPFields, policy: String = contentSecurityPolicy) {
        headers[.contentSecurityPolicy] = policy
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[.cacheControl] = "no-store"
    }

    /// A full page.
    static func render(_ title: String, user: WebUser?, notice: Notice? = nil, status: HTTPResponse.Status = .ok,
                       body: Markup) -> Response {
        let page: Markup = """
            <!DOCTYPE html>
            <html lang="zh-CN">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title) · 检察护企案件接收平台</title>
            <link rel="stylesheet" href="/static/huqi.css">
            </head>
            <body>
            <header class="top"><a class="brand" href="/app">检察护企案件接收平台</a>\(navigation(for: user))</header>
            <main>
            \(notice.map { Markup("<p class=\"notice \($0.kind.rawValue)\" role=\"status\">\($0.text)</p>") } ?? .empty)
            \(user?.passwordIsInitial == true ? initialPasswordNotice : .empty)
            <h1>\(title)</h1>
            \(body)
            </main>
            </body>
            </html>
            """
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        secure(&headers)
        return Response(status: status, headers: headers, body: .init(byteBuffer: .init(string: page.html)))
    }

    /// Shown on every page while the person's password is one an administrator set.
    static let initialPasswordNotice: Markup = """
        <p class="notice warning" id="initial-password">您的密码是管理员设置的初始密码，须先在<a href="/app/account">账号</a>页改为只有您知道的密码，才能使用其他功能。</p>
        """

    /// A page saying what went wrong (404, 403, …), in the same frame.
    static func problem(_ status: HTTPResponse.Status, title: String, message: String, user: WebUser?) -> Response {
        render(title, user: user, status: status, body: "<p>\(message)</p><p><a href=\"/app\">返回首页</a></p>")
    }

    /// 303 to `location` (POST → redirect → GET), optionally carrying a notice.
    static func redirect(to location: String, notice: Notice? = nil) -> Response {
        var target = location
        if let notice {
            let text = notice.text.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+"))) ?? ""
            target += (location.contains("?") ? "&" : "?") + "\(notice.kind == .success ? "ok" : "error")=\(text)"
        }
        var headers = HTTPFields()
        headers[.location] = target
        secure(&headers)
        return Response(status: .seeOther, headers: headers)
    }

    /// A line above the page title: the outcome of the last action.
    struct Notice: Sendable {
        enum Kind: String, Sendable { case success, error }
        var kind: Kind
        var text: String

        static func success(_ text: String) -> Notice { Notice(kind: .success, text: text) }
        static func error(_ text: String) -> Notice { Notice(kind: .error, text: text) }

        /// The notice carried by a redirect (`?ok=…` or `?error=…`).
        static func from(_ request: Request) -> Notice? {
            if let text = request.uri.queryParameters["ok"] { return .success(String(text)) }
            if let text = request.uri.queryParameters["error"] { return .error(String(text)) }
            return nil
        }
    }

    private static func navigation(for user: WebUser?) -> Markup {
        guard let user else { return .empty }
        let principal = user.principal
        var links: [Markup] = []
        // An initial password opens nothing but the 账号 page (`WebGate`): no menu to lead elsewhere.
        if user.passwordIsInitial { return account(user, links: []) }
        if principal.partnerID != nil || principal.has(.uploader) {
            links.append("<a href=\"/app/batches\">批次上传</a>")
            links.append("<a href=\"/app/cases\">移交的案件</a>")  // how the partner's cases are getting on
        }
        if AccessPolicy.canWorkCases(principal) {
            links.append("<a href=\"/app/queues\">工作队列</a>")
            links.append("<a href=\"/app/cases?mine=1\">我的案件</a>")
        }
        if principal.has(.leader) || principal.has(.office) || principal.has(.admin) { links.append("<a href=\"/app/cases\">案件列表</a>") }
        if principal.has(.leader) {
            links.append("<a href=\"/app/cases?overdue=1\">逾期案件</a>")
            links.append("<a href=\"/app/assignments\">批量改派</a>")
        }
        if principal.has(.leader) || principal.has(.office) || principal.has(.admin) { links.append("<a href=\"/app/reports/weekly\">周报</a>") }
        if principal.has(.admin) {
            if principal.partnerID == nil { links.append("<a href=\"/app/batches\">批次</a>") }
            links.append("<a href=\"/app/admin/partners\">合作单位</a>")
            links.append("<a href=\"/app/admin/users\">用户</a>")
            links.append("<a href=\"/app/admin/audit\">审计日志</a>")
            links.append("<a href=\"/app/admin/calendar\">节假日日历</a>")
            links.append("<a href=\"/app/admin/settings\">办案设置</a>")
            links.append("<a href=\"/app/admin/triage\">分流规则</a>")
        }
        return account(user, links: links)
    }

    /// The menu, the person's name (to the 账号 page) and 退出.
    private static func account(_ user: WebUser, links: [Markup]) -> Markup {
        let principal = user.principal
        return """
            <nav aria-label="主导航">\(links)</nav>
            <form class="logout" method="post" action="/logout"><input type="hidden" name="csrf_token" value="\(user.csrfToken)">\
            <a id="signed-in" href="/app/account" title="账号与密码">\(principal.displayName.map { "\($0)（\(principal.label)）" } ?? principal.label)</a> <button type="submit">退出</button></form>
            """
    }
}
