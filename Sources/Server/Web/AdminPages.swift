import Domain
import Foundation
import Hummingbird
import Postgres
import Store

/// Administrators: partner organisations and their API keys, users, their roles and whether they
/// may still sign in (停用 / 启用). A new key
/// is shown once on the page that made it (only its hash is stored); every change is audited by
/// the repositories.
struct AdminPages: Sendable {
    let database: PostgresClient
    let gate: WebGate
    let passwords: PasswordHasher
    static let pageSize = 50

    func register(on router: Router<HuqiRequestContext>) {
        router.get("/app/admin/partners") { request, _ in
            try await gate.page(request) { try await partners(try $0.administrator(), notice: WebPage.Notice.from(request)) }
        }
        router.post("/app/admin/partners") { request, context in
            try await gate.page(request) { user in try await addPartner(request, context, try user.administrator()) }
        }
        router.post("/app/admin/partners/{code}/key") { request, context in
            try await gate.page(request) { user in
                let user = try user.administrator()
                _ = try await WebForm.read(request, user: user)
                guard let code = context.parameters.get("code"),
                      let partner = try await PartnerRepository(client: database).find(code: code, for: user.principal) else { throw WebError.notFound() }
                let key = try await APIKeyRepository(client: database).rotate(
                    owner: .partner(id: partner.id), by: AuditEvent(by: user.principal, action: "partner.key_rotate", address: context.clientAddress),
                    entity: "partner", entityID: partner.code)
                return try await partners(user, notice: .success("已为 \(partner.name) 换发新密钥（旧密钥已失效）。"), newKey: (partner.name, key.plaintext))
            }
        }
        router.get("/app/admin/users") { request, _ in
            try await gate.page(request) { try await users(request, try $0.administrator(), notice: WebPage.Notice.from(request)) }
        }
        router.post("/app/admin/users") { request, context in
            try await gate.page(request) { user in try await addUser(request, context, try user.administrator()) }
        }
        router.post("/app/admin/users/{login}/roles") { request, context in
            try await gate.page(request) { user in
                let user = try user.administrator()
                let form = try await WebForm.read(request, user: user)
                guard let login = context.parameters.get("login") else { throw WebError.notFound() }
                let wanted = Set(form.values("role").compactMap(Role.init(rawValue:)))
                let current = try await UserRepository(client: database).all().first { $0.login == login }.map { Set($0.roles) } ?? []
                do {
                    _ = try await UserRepository(client: database).changeRoles(
                        login: login, grant: wanted.subtracting(current), withdraw: current.subtracting(wanted),
                        actorUserID: user.principal.userID, by: AuditEvent(by: user.principal, action: "user.roles", address: context.clientAddress))
                } catch let error as IdentityError {
                    return WebPage.redirect(to: "/app/admin/users", notice: .error(error.message))
                }
                return WebPage.redirect(to: "/app/admin/users", notice: .success("已更新 \(login) 的角色。"))
            }
        }
        router.post("/app/admin/users/{login}/status") { request, context in
            try await gate.page(request) { user in try await setStatus(request, context, try user.administrator()) }
        }
    }

    /// Disables (`status=disabled`) or enables a person; one's own account cannot be disabled.
    private func setStatus(_ request: Request, _ context: HuqiRequestContext, _ user: WebUser) async throws -> Response {
        let form = try await WebForm.read(request, user: user)
        guard let login = context.parameters.get("login") else { throw WebError.notFound() }
        let disable: Bool
        switch form["status"] {
        case "disabled": disable = true
        case "enabled": disable = false
        default: return WebPage.redirect(to: "/app/admin/users", notice: .error(IdentityError.statusInvalid.message))
        }
        do {
            let change = try await UserRepository(client: database).setDisabled(
                login: login, disable, actorUserID: user.principal.userID,
                by: AuditEvent(by: user.principal, action: "user.status", address: context.clientAddress))
            guard disable else { return WebPage.redirect(to: "/app/admin/users", notice: .success("已启用 \(login)。")) }
            let held = change.casesHeld > 0 ? "其名下仍有 \(change.casesHeld) 件在办案件，请院领导批量转办。" : ""
            return WebPage.redirect(to: "/app/admin/users",
                                    notice: .success("已停用 \(login)，结束了 \(change.sessionsEnded) 个登录会话。\(held)"))
        } catch let error as IdentityError {
            return WebPage.redirect(to: "/app/admin/users", notice: .error(error.message))
        }
    }


    private func partners(_ user: WebUser, notice: WebPage.Notice?, newKey: (String, String)? = nil, input: (code: String, name: String) = ("", ""),
                          status: HTTPResponse.Status = .ok) async throws -> Response {
        let list = try await PartnerRepository(client: database).keys(for: user.principal)
        let rows: [Markup] = list.map { entry in
            let p = entry.partner
            let state: Markup = entry.activeKeys == 0
                ? "<span class=\"badge overdue\">无有效密钥，无法上传</span>" : "\(entry.activeKeys) 个有效"
            return """
            <tr><td>\(p.code)</td><td>\(p.name)</td><td>\(state)</td><td>\(entry.lastUsedAt.map(ShanghaiTime.minute) ?? "从未使用")</td>\
            <td><form method="post" action="/app/admin/partners/\(p.code)/key">\(user.csrfField)\
            <button type="submit" class="secondary">换发 API 密钥</button></form></td></tr>
            """
        }
        let key: Markup = newKey.map { name, plaintext in
            "<p class=\"notice success\">\(name) 的 API 密钥（只显示这一次，请立即交给对方保存）：<code id=\"new-key\">\(plaintext)</code></p>"
        } ?? .empty
        return WebPage.render("合作单位与密钥", user: user, notice: notice, status: status, body: """
            \(key)
            <table><thead><tr><th scope="col">代码</th><th scope="col">名称</th><th scope="col">有效密钥</th><th scope="col">最近使用</th><th scope="col">API 密钥</th></tr></thead><tbody>\(rows)</tbody></table>
            <form class="card" method="post" action="/app/admin/partners">\(user.csrfField)<h2>新增合作单位</h2>
            <label for="code">代码（大写字母、数字，如 LNFIC）</label><input id="code" name="code" required value="\(input.code)">
            <label for="name">名称</label><input id="name" name="name" required value="\(input.name)">
            <button type="submit">新增并签发密钥</button></form>
            """)
    }

    private func addPartner(_ request: Request, _ context: HuqiRequestContext, _ user: WebUser) async throws -> Response {
        let form = try await WebForm.read(request, user: user)
        let (code, name) = (form["code"] ?? "", form["name"] ?? "")
        do {
            let (partner, key) = try await PartnerRepository(client: database).add(
                code: code, name: name, by: AuditEvent(by: user.principal, action: "partner.add", address: context.clientAddress))
            return try await partners(user, notice: .success("已新增 \(partner.name)。"), newKey: (partner.name, key.plaintext))
        } catch let error as IdentityError {
            return try await partners(user, notice: .error(error.message), input: (code, name), status: .unprocessableContent)
        }
    }

    private func users(_ request: Request, _ user: WebUser, notice: WebPage.Notice?, input: WebForm? = nil,
                       status: HTTPResponse.Status = .ok) async throws -> Response {
        let page = max(1, Int(request.uri.queryParameters["page"].map(String.init) ?? "") ?? 1)
        let list = try await UserRepository(client: database).list(for: user.principal, limit: Self.pageSize + 1, offset: (page - 1) * Self.pageSize)
        let initial = try await UserRepository(client: database).withInitialPassword(list.map(\.login))
        let active = try await UserRepository(client: database).lastActive(list.map(\.login))
        // Procuratorates and partners by name, with their codes.
        let unitNames = Dictionary(try await UnitRepository(client: database).list(for: user.principal).map { ($0.code, $0.name) }) { a, _ in a }
        let partnerNames = Dictionary(try await PartnerRepository(client: database).list(for: user.principal).map { ($0.code, $0.name) }) { a, _ in a }
        func home(_ u: User) -> String {
            if let code = u.unitCode { return unitNames[code].map { "\($0)（\(code)）" } ?? code }
            if let code = u.partnerCode { return partnerNames[code].map { "\($0)（\(code)）" } ?? code }
            return "—"
        }
        let rows: [Markup] = list.prefix(Self.pageSize).map { u in
            let boxes: [Markup] = Role.allCases.map { role in
                "<label class=\"check\"><input type=\"checkbox\" name=\"role\" value=\"\(role.rawValue)\"\(u.roles.contains(role) ? " checked" : "")> \(role.chineseName)</label>"
            }
            return """
                <tr><td>\(u.login)</td><td>\(u.displayName)</td><td>\(home(u))</td><td class="last-active">\(active[u.login].map(ShanghaiTime.minute) ?? "从未登录")</td><td>\(u.disabled ? "已停用" : "在用")\(initial.contains(u.login) ? "<br><span class=\"badge near\">初始密码未改</span>" : Markup.empty)\(statusForm(u, user))</td>
                <td><form method="post" action="/app/admin/users/\(u.login)/roles">\(user.csrfField)\(boxes)<button type="submit" class="secondary">保存角色</button></form></td></tr>
                """
        }
        func value(_ name: String) -> String { input?.fields[name]?.first ?? "" }
        let roleBoxes: [Markup] = Role.allCases.map { role in
            "<label class=\"check\"><input type=\"checkbox\" name=\"role\" value=\"\(role.rawValue)\"\((input?.values("role") ?? []).contains(role.rawValue) ? " checked" : "")> \(role.chineseName)</label>"
        }
        return WebPage.render("用户与角色", user: user, notice: notice, status: status, body: """
            <table><thead><tr><th scope="col">登录名</th><th scope="col">姓名</th><th scope="col">单位 / 合作单位</th><th scope="col">最近活动</th><th scope="col">状态</th><th scope="col">角色</th></tr></thead>
            <tbody>\(rows)</tbody></table>
            \(WebPaging.links(path: "/app/admin/users", query: [:], page: page, hasMore: list.count > Self.pageSize))
            <form class="card" method="post" action="/app/admin/users">\(user.csrfField)<h2>新增用户</h2>
            <label for="new-login">登录名（小写字母、数字、._-）</label><input id="new-login" name="login" required value="\(value("login"))">
            <label for="new-name">姓名</label><input id="new-name" name="name" required value="\(value("name"))">
            <label for="new-unit">所属检察院代码（检察官、院领导，如 210781）</label><input id="new-unit" name="unit" value="\(value("unit"))">
            <label for="new-partner">所属合作单位代码（上传员）</label><input id="new-partner" name="partner" value="\(value("partner"))">
            <fieldset><legend>角色</legend>\(roleBoxes)</fieldset>
            <label for="new-password">初始密码（至少 10 个字符）</label><input id="new-password" name="password" type="password" autocomplete="new-password" required>
            <button type="submit">新增用户</button></form>
            \(AccountPages.resetCard(user))
            """)
    }

    private func statusForm(_ shown: User, _ user: WebUser) -> Markup {
        let (status, label) = shown.disabled ? ("enabled", "启用") : ("disabled", "停用")
        return """
            <form method="post" action="/app/admin/users/\(shown.login)/status">\(user.csrfField)\
            <input type="hidden" name="status" value="\(status)"><button type="submit" class="secondary">\(label)</button></form>
            """
    }

    private func addUser(_ request: Request, _ context: HuqiRequestContext, _ user: WebUser) async throws -> Response {
        let form = try await WebForm.read(request, user: user)
        do {
            let password = form.fields["password"]?.first ?? ""
            try PasswordRules.check(password)
            let new = NewUser(login: (form["login"] ?? "").lowercased(), displayName: form["name"] ?? "",
                              roles: Set(form.values("role").compactMap(Role.init(rawValue:))), unitCode: form["unit"], partnerCode: form["partner"],
                              passwordHash: try await passwords.hash(password))
            try new.validate()
            let added = try await UserRepository(client: database).add(new, by: AuditEvent(by: user.principal, action: "user.add", address: context.clientAddress))
            return WebPage.redirect(to: "/app/admin/users", notice: .success("已新增用户 \(added.login)。"))
        } catch let error as IdentityError {
            return try await users(request, user, notice: .error(error.message), input: form, status: .unprocessableContent)
        }
    }
}
