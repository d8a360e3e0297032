import Domain
import Store

/// The case page's other forms: replies to open deadlines and holds (for whoever works the
/// case), and the leader's assignment, the 信访条例 extension, 包案 and typical-case flag. Each is shown only to those
/// who may use it, and re-shown with the user's input and message after a refusal.
struct CaseActionForms {
    let detail: CaseDetail
    let user: WebUser
    /// The prosecutors and leaders of the case's unit (for assignment; leaders only).
    let workers: [User]
    /// Every procuratorate, in tree order (for 移送; leaders only).
    var destinations: [Store.Unit] = []
    /// The refused submission: which action, what was typed, why.
    var submitted: (action: String, form: WebForm, message: String)?

    private var id: Int64 { detail.summary.id }
    private var principal: Principal { user.principal }
    private var holds: Bool { detail.summary.assigneeID != nil && detail.summary.assigneeID == principal.userID }
    private var mayWork: Bool { AccessPolicy.canWorkCases(principal) && (holds || AccessPolicy.canLeadCases(principal)) }

    var body: Markup {
        guard detail.summary.stage != .closed else { return .empty }
        var parts: [Markup] = []
        if mayWork {
            if detail.summary.stage == .triage { parts.append(override) }
            if detail.possibleDuplicateOf != nil, detail.duplicateReview == nil { parts.append(duplicateReview) }
            parts.append(contentsOf: replies)
            parts.append(hold)
            parts.append(contentsOf: clueForms)
        }
        if AccessPolicy.canLeadCases(principal) { parts.append(contentsOf: leaderForms) }
        return Markup(parts)
    }

    private func value(_ action: String, _ name: String) -> String {
        guard let submitted, submitted.action == action else { return "" }
        return submitted.form.fields[name]?.first ?? ""
    }

    private func error(_ action: String) -> Markup {
        guard let submitted, submitted.action == action else { return .empty }
        return "<p class=\"field-error\" role=\"alert\">\(submitted.message)</p>"
    }

    private func form(_ action: String, _ title: String, _ fields: Markup, button: String) -> Markup {
        """
        <details class="card"\(submitted?.action == action ? " open" : "")><summary>\(title)</summary>
        <form method="post" action="/app/cases/\(id)/\(action)">\(user.csrfField)\(error(action))\(fields)
        <button type="submit">\(button)</button></form></details>
        """
    }

    private var replies: [Markup] {
        detail.summary.deadlines.filter { $0.closedOn == nil && $0.kind != DeadlineKind.regulationHandling.rawValue }.map { deadline in
            let action = "reply"
            let chosen = submitted?.action == action && value(action, "deadline_id") == String(deadline.id)
            return """
                <details class="card"\(chosen ? " open" : "")><summary>答复：\(deadline.name)（\(deadline.dueOn.description) 到期\(deadline.provisional ? "，暂定" : "")）</summary>
                <form method="post" action="/app/cases/\(id)/reply">\(user.csrfField)\(chosen ? error(action) : .empty)
                <input type="hidden" name="deadline_id" value="\(String(deadline.id))">
                <label for="reply-\(String(deadline.id))">答复内容</label>
                <textarea id="reply-\(String(deadline.id))" name="note" rows="3" required>\(chosen ? value(action, "note") : "")</textarea>
                <button type="submit">记录答复</button></form></details>
                """
        }
    }

    private var override: Markup {
        let current = detail.summary.petitionRelated == true
        return form("override", "更正分流结论（现为\(current ? "涉信访事项" : "非涉信访事项")）", """
            <input type="hidden" name="petition_related" value="\(current ? "false" : "true")">
            <p>更正为：<strong>\(current ? "非涉信访事项" : "涉信访事项")</strong></p>
            <label for="override-reason">更正理由</label><textarea id="override-reason" name="reason" rows="2" required>\(value("override", "reason"))</textarea>
            """, button: "更正")
    }

    /// The check of intake's possible-duplicate flag (the case page names the other case above).
    private var duplicateReview: Markup {
        let chosen = value("duplicate-review", "finding")
        let options: [Markup] = DuplicateFinding.allCases.map { finding in
            """
            <label><input type="radio" name="finding" value="\(finding.rawValue)" required\(chosen == finding.rawValue ? " checked" : "")> \(finding.chineseName)</label>
            """
        }
        return form("duplicate-review", "核对疑似重复", """
            <fieldset><legend>核对结果</legend>\(options)</fieldset>
            <label for="duplicate-note">核对意见</label><textarea id="duplicate-note" name="note" rows="2" required>\(value("duplicate-review", "note"))</textarea>
            """, button: "记录核对结果")
    }

    /// In review, a clue may be noted as soon as it is found (the review's form takes more at its
    /// end); then each is transferred to its department and its result recorded.
    private var clueForms: [Markup] {
        let add: [Markup] = detail.summary.stage == .review ? [form("clues", "发现监督线索", """
            <label for="clue-summary">线索内容</label><textarea id="clue-summary" name="summary" rows="2" required>\(value("clues", "summary"))</textarea>
            """, button: "记录线索")] : []
        return add + detail.clues.filter { $0.result == nil }.map { clue in
            let id = String(clue.id)
            if clue.department == nil {
                return form("clues/\(id)/transfer", "移送线索：\(clue.summary)", """
                    <label for="clue-\(id)-department">移送部门</label><input id="clue-\(id)-department" name="department" required>
                    """, button: "移送")
            }
            let options: [Markup] = SupervisionClues.results.map { "<option>\($0)</option>" }
            return form("clues/\(id)/result", "线索结果：\(clue.summary)（已移送\(clue.department ?? "")）", """
                <label for="clue-\(id)-result">结果</label><select id="clue-\(id)-result" name="result" required><option value="">请选择</option>\(options)</select>
                <label for="clue-\(id)-note">说明（可不填）</label><textarea id="clue-\(id)-note" name="note" rows="2"></textarea>
                """, button: "记录结果")
        }
    }

    private var hold: Markup {
        if detail.summary.onHold {
            return form("resume", "恢复办理（中止原因：\(detail.holdReason ?? "—")）", .empty, button: "恢复办理")
        }
        return form("hold", "中止办理", """
            <label for="hold-reason">中止原因</label><textarea id="hold-reason" name="reason" rows="2" required>\(value("hold", "reason"))</textarea>
            """, button: "中止")
    }

    /// The one 30-day extension of an open 信访条例 handling deadline (a leader, with a reason).
    private var extensions: [Markup] {
        detail.summary.deadlines.filter {
            $0.closedOn == nil && $0.kind == DeadlineKind.regulationHandling.rawValue && $0.extendedDays == 0
        }.map { deadline in
            form("extend", "延长\(deadline.name)（\(deadline.dueOn.description) 到期，可延长一次 30 日）", """
                <input type="hidden" name="deadline_id" value="\(String(deadline.id))">
                <label for="extend-reason">延期理由</label><textarea id="extend-reason" name="reason" rows="2" required>\(value("extend", "reason"))</textarea>
                """, button: "批准延期")
        }
    }

    /// 移送: the other procuratorates, grouped by city (the province first).
    private var transfer: Markup {
        let chosen = value("transfer", "unit_code")
        func option(_ unit: Store.Unit) -> Markup {
            "<option value=\"\(unit.code)\"\(chosen == unit.code ? " selected" : "")>\(unit.name)</option>"
        }
        let others = destinations.filter { $0.code != detail.summary.unit }
        let groups: [Markup] = destinations.filter { $0.level != "county" }.map { head in
            let members = others.filter { $0.code == head.code || ($0.level == "county" && $0.parentCode == head.code) }
            let label = head.level == "province" ? "省级" : head.name.replacingOccurrences(of: "人民检察院", with: "")
            return members.isEmpty ? .empty : "<optgroup label=\"\(label)\">\(Markup(members.map(option)))</optgroup>"
        }
        return form("transfer", "移送其他检察院（现由\(detail.summary.unitName)办理）", """
            <p>移送后，案件的阶段、期限和办理记录不变；现承办人不再持有该案件，由接收院分派或领取。</p>
            <label for="transfer-unit">接收检察院</label><select id="transfer-unit" name="unit_code" required><option value="">请选择</option>\(Markup(groups))</select>
            <label for="transfer-reason">移送理由</label><textarea id="transfer-reason" name="reason" rows="2" required>\(value("transfer", "reason"))</textarea>
            """, button: "移送")
    }

    private var leaderForms: [Markup] {
        let chosen = value("assign", "assignee_id")
        let options: [Markup] = workers.filter { $0.id != detail.summary.assigneeID }.map {
            "<option value=\"\($0.id)\"\(chosen == String($0.id) ? " selected" : "")>\($0.displayName)（\($0.login)）</option>"
        }
        var forms: [Markup] = extensions
        forms.append(form("assign", detail.summary.assigneeID == nil ? "分派承办人" : "改派（现承办：\(detail.summary.assigneeName ?? "—")）", """
            <label for="assignee">承办人</label><select id="assignee" name="assignee_id" required><option value="">请选择</option>\(options)</select>
            """, button: "分派"))
        if detail.summary.leadLeaderName == nil {
            forms.append(form("lead", "院领导包案", """
                <label for="lead-date">化解目标日期（如 2026-12-31）</label>\
                <input id="lead-date" name="target_date" required value="\(value("lead", "target_date"))" placeholder="2026-12-31">
                """, button: "包案"))
        }
        if !destinations.isEmpty { forms.append(transfer) }
        if detail.typicalSummary == nil {
            forms.append(form("typical", "标记为典型案例", """
                <label for="typical-summary">典型意义（简述）</label><textarea id="typical-summary" name="summary" rows="3" required>\(value("typical", "summary"))</textarea>
                """, button: "标记"))
        }
        return forms
    }
}
