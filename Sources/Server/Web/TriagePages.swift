import Domain
import Foundation
import Hummingbird
import Postgres
import Store

/// `/app/admin/triage` (分流规则), for administrators: the word lists that decide which cases
/// are petition-related, every published version, and a new version edited in place — tried on
/// a sentence first (试一试: the edited rules beside the ones in force, nothing stored), then
/// published (`TriageRules.publish`, audited) and applied to the cases still in triage
/// (重新分流, `TriageRules.retriageWaitingCases`; overrides stay). The same operations as
/// `POST /api/v1/triage/rules` and `/rerun`.
struct TriagePages: Sendable {
    let database: PostgresClient
    let gate: WebGate

    /// The editable lists: form field, key path, Chinese label and what it does.
    static var lists: [(field: String, path: WritableKeyPath<TriageRuleSet, [String]>, label: String, hint: String)] { [
        ("petition_terms", \.petitionTerms, "信访用语", "出现即视为已信访的词，如 信访、上访、12309"),
        ("negations", \.negations, "否定词", "同一分句中在信访用语之前、表示没有发生的词，如 尚未、没有"),
        ("hypotheticals", \.hypotheticals, "假设词", "表示打算或威胁、并未发生的词，如 如不、拟、准备"),
        ("affirmations", \.affirmations, "确认词", "表示确已发生、优先于假设词的词，如 已、多次"),
        ("place_after", \.placeAfter, "地点后缀", "紧跟在信访用语之后、表示地点的词，如 对面、旁边（信访局对面）"),
        ("place_before", \.placeBefore, "地址前缀", "在信访用语之前、引出地址的词，如 位于、地址"),
    ] }

    func register(on router: Router<HuqiRequestContext>) {
        router.get("/app/admin/triage") { request, _ in
            try await gate.page(request) { user in
                let user = try user.administrator()
                let versions = try await TriageRules.versions(using: database)
                return Self.page(user, versions: versions, edited: versions.first?.rules ?? .standard, note: "", sample: "",
                                 notice: WebPage.Notice.from(request))
            }
        }
        router.post("/app/admin/triage") { request, context in
            try await gate.page(request) { user in try await submit(request, context, try user.administrator()) }
        }
        router.post("/app/admin/triage/rerun") { request, context in
            try await gate.page(request) { user in
                let user = try user.administrator()
                _ = try await WebForm.read(request, user: user, limit: 4_096)
                let changed = try await TriageRules.retriageWaitingCases(
                    by: AuditEvent(by: user.principal, action: "triage_rules.rerun", address: context.clientAddress), using: database)
                return WebPage.redirect(to: "/app/admin/triage", notice: .success("已按现行规则重新分流分流阶段的案件：\(changed) 件的分流结果改变（人工更正的保持不变）。"))
            }
        }
    }

    /// 试一试 (`action=preview`) or 发布 (`action=publish`) of the edited lists.
    private func submit(_ request: Request, _ context: HuqiRequestContext, _ user: WebUser) async throws -> Response {
        let form = try await WebForm.read(request, user: user, limit: 65_536)
        let versions = try await TriageRules.versions(using: database)
        let current = versions.first?.rules ?? .standard
        var edited = current
        for list in Self.lists { edited[keyPath: list.path] = Self.terms(form[list.field] ?? "") }
        let (note, sample) = (form["note"] ?? "", form["sample"] ?? "")
        guard form["action"] == "publish" else {
            return Self.page(user, versions: versions, edited: edited, note: note, sample: sample, notice: nil, preview: true)
        }
        do {
            let version = try await TriageRules.publish(
                edited, note: note, by: AuditEvent(by: user.principal, action: "triage_rules.publish", address: context.clientAddress), using: database)
            return WebPage.redirect(to: "/app/admin/triage", notice: .success(
                "已发布第 \(version) 版分流规则，此后接收和更正的案件按它分流。已在分流阶段的案件需要“重新分流”才会按新规则判断。"))
        } catch let error as CaseActionError {
            return Self.page(user, versions: versions, edited: edited, note: note, sample: sample, notice: .error(error.message),
                             status: .unprocessableContent)
        }
    }

    /// A list as typed: one term per line, or separated by 、，, or spaces.
    static func terms(_ text: String) -> [String] {
        text.split(whereSeparator: { "\n\r、，,".contains($0) || $0.isWhitespace }).map(String.init)
    }

    static func page(_ user: WebUser, versions: [TriageRules.Version], edited: TriageRuleSet, note: String, sample: String,
                     notice: WebPage.Notice?, preview: Bool = false, status: HTTPResponse.Status = .ok) -> Response {
        let current = versions.first
        let fields: [Markup] = lists.map { list in
            """
            <label for="\(list.field)">\(list.label)</label><textarea id="\(list.field)" name="\(list.field)" rows="2">\
            \(edited[keyPath: list.path].joined(separator: "、"))</textarea><p class="hint">\(list.hint)</p>
            """
        }
        let tried: Markup = preview && !sample.isEmpty
            ? Self.trial(sample, edited: edited, current: current?.rules ?? .standard, version: current?.version ?? 1) : .empty
        return WebPage.render("分流规则", user: user, notice: notice, status: status, body: """
            <p id="triage-current">现行第 \(current?.version ?? 1) 版\(current.map { "，\(ShanghaiTime.minute($0.createdAt)) 由\($0.createdByName ?? $0.createdBy)发布：\($0.note)" } ?? "")。\
            诉求和备注中的信访用语，除非被否定、是假设或只是地点，即判为涉信访；“是否已信访”等结构化字段优先。</p>
            \(tried)
            <form class="card" method="post" action="/app/admin/triage" id="triage-rules">\(user.csrfField)<h2>修改规则</h2>\(fields)
            <label for="sample">试一试：输入一段诉求</label><textarea id="sample" name="sample" rows="2">\(sample)</textarea>
            <label for="note">修改原因（发布时必填）</label><input id="note" name="note" maxlength="500" value="\(note)">
            <button type="submit" name="action" value="preview" class="secondary">试一试（不保存）</button>
            <button type="submit" name="action" value="publish">发布为新版本</button></form>
            <form method="post" action="/app/admin/triage/rerun" id="triage-rerun">\(user.csrfField)\
            <button type="submit" class="secondary">按现行规则重新分流分流阶段的案件</button>\
            <span class="hint">　只改变尚在分流阶段的案件；人工更正过的保持不变；每个改变记入该案件的办理记录。</span></form>
            \(Self.versionTable(versions))
            """)
    }

    /// The sample decided by the edited rules and by the rules in force.
    static func trial(_ sample: String, edited: TriageRuleSet, current: TriageRuleSet, version: Int) -> Markup {
        func decided(_ rules: TriageRuleSet) -> String {
            let decision = Triage.decide(TriageInput(petitionedBefore: nil, petitionCount: nil, firstPetitionDate: nil, claim: sample, remarks: nil),
                                         rules: rules)
            return (decision.petitionRelated ? "涉信访" : "非涉信访") + (decision.reasons.isEmpty ? "" : "（" + decision.reasons.joined(separator: "；") + "）")
        }
        return """
            <div class="card" id="triage-trial"><h2>试一试的结果</h2>
            <p>按修改后的规则：<strong>\(decided(edited))</strong></p><p>按现行第 \(version) 版：\(decided(current))</p></div>
            """
    }

    static func versionTable(_ versions: [TriageRules.Version]) -> Markup {
        let rows: [Markup] = versions.map { v in
            "<tr><td class=\"num\">\(v.version)</td><td>\(ShanghaiTime.minute(v.createdAt))</td><td>\(v.createdByName ?? v.createdBy)</td><td>\(v.note)</td></tr>"
        }
        return """
            <table id="triage-versions"><caption>已发布的版本（每件案件记录判断它的版本）</caption>
            <thead><tr><th scope="col">版本</th><th scope="col">发布时间</th><th scope="col">发布人</th><th scope="col">说明</th></tr></thead>\
            <tbody>\(rows)</tbody></table>
            """
    }
}
