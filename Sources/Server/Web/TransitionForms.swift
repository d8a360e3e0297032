import Domain
import Store

/// The form of each stage change a user may make on the case page: only the details that
/// stage needs (评估: 风险等级、是否有理、管辖; 评查: 等级、问题、线索; 化解: 措施、方式; …).
/// Re-shown with the user's input and the field's message when a submission is refused.
struct TransitionForms {
    let caseID: Int64
    let user: WebUser
    let grades: [String]
    /// The submitted form and its problem, when re-showing after a refusal.
    var submitted: (target: String, form: WebForm, field: String?, message: String)?

    func forms(_ transitions: [AvailableTransition]) -> Markup {
        Markup(transitions.map(form))
    }

    /// What the user typed in field `name` of the form for `target`, when that form was refused.
    private func value(_ name: String, _ target: String) -> String {
        guard let submitted, submitted.target == target else { return "" }
        return submitted.form.fields[name]?.first ?? ""
    }

    init(caseID: Int64, user: WebUser, grades: [String]) {
        self.caseID = caseID
        self.user = user
        self.grades = grades
    }

    private func form(_ transition: AvailableTransition) -> Markup {
        let target = transition.to.rawValue
        let isSubmitted = submitted?.target == target
        let error: Markup = isSubmitted ? "<p class=\"field-error\" role=\"alert\">\(submitted?.message ?? "")</p>" : .empty
        return """
            <details class="card"\(isSubmitted ? " open" : "")><summary>\(transition.name)</summary>
            <form method="post" action="/app/cases/\(caseID)/transition">
            \(user.csrfField)<input type="hidden" name="to" value="\(target)">
            \(error)
            \(fields(for: transition.to, prefix: target))
            \(textArea("note", "备注（可不填）", prefix: target, required: false))
            <button type="submit">提交：\(transition.name)</button>
            </form></details>
            """
    }

    private func fields(for stage: Stage, prefix: String) -> Markup {
        switch stage {
        case .review:
            return select("risk_level", "风险等级", TransitionRequest.riskLevels, prefix: prefix)
                + textArea("merits", "诉求是否有理的评估意见", prefix: prefix)
                + textInput("jurisdiction", "管辖意见", prefix: prefix)
                + "<label class=\"check\"><input type=\"checkbox\" name=\"regulation_track\" value=\"1\"\(value("regulation_track", prefix).isEmpty ? "" : " checked")> 走《信访工作条例》程序</label>"
        case .followUp:
            return select("grade", "评查等级", grades, prefix: prefix)
                + textArea("flaws", "发现的问题（可不填）", prefix: prefix, required: false)
                + textArea("clues", "监督线索（每行一条，可不填）", prefix: prefix, required: false)
        case .resolved:
            return textArea("actions", "采取的化解措施", prefix: prefix) + select("how", "化解方式", TransitionRequest.resolutionKinds, prefix: prefix)
        case .unresolved:
            return textArea("actions", "采取的化解措施", prefix: prefix) + textArea("why", "未化解的原因", prefix: prefix)
        case .closed:
            return textArea("reply", "答复内容", prefix: prefix)
        case .referred:
            return textInput("referred_to", "转办对象", prefix: prefix) + textInput("referred_on", "转办日期（如 2026-11-26，可不填）", prefix: prefix, required: false)
        case .triage, .evaluation:
            return .empty
        }
    }

    private func invalid(_ name: String, _ target: String) -> Markup {
        submitted?.target == target && submitted?.field == name ? " aria-invalid=\"true\"" : .empty
    }

    private func textInput(_ name: String, _ label: String, prefix: String, required: Bool = true) -> Markup {
        """
        <label for="\(prefix)-\(name)">\(label)</label>\
        <input id="\(prefix)-\(name)" name="\(name)" value="\(value(name, prefix))"\(required ? " required" : "")\(invalid(name, prefix))>
        """
    }

    private func textArea(_ name: String, _ label: String, prefix: String, required: Bool = true) -> Markup {
        """
        <label for="\(prefix)-\(name)">\(label)</label>\
        <textarea id="\(prefix)-\(name)" name="\(name)" rows="3"\(required ? " required" : "")\(invalid(name, prefix))>\(value(name, prefix))</textarea>
        """
    }

    private func select(_ name: String, _ label: String, _ options: [String], prefix: String) -> Markup {
        let chosen = value(name, prefix)
        let items: [Markup] = options.map { "<option\(chosen == $0 ? " selected" : "")>\($0)</option>" }
        return """
            <label for="\(prefix)-\(name)">\(label)</label>\
            <select id="\(prefix)-\(name)" name="\(name)" required\(invalid(name, prefix))><option value="">请选择</option>\(items)</select>
            """
    }

    /// The transition request a submitted form describes.
    static func request(from form: WebForm) -> TransitionRequest? {
        guard let target = form["to"], let stage = Stage(rawValue: target) else { return nil }
        var request = TransitionRequest(to: stage, note: form["note"])
        (request.riskLevel, request.merits, request.jurisdiction) = (form["risk_level"], form["merits"], form["jurisdiction"])
        request.regulationTrack = form["regulation_track"] != nil
        (request.grade, request.flaws) = (form["grade"], form["flaws"])
        let clues = (form.fields["clues"]?.first ?? "").split(whereSeparator: \.isNewline).map(String.init)
        request.clues = clues.isEmpty ? nil : clues
        (request.actions, request.how, request.why, request.reply) = (form["actions"], form["how"], form["why"], form["reply"])
        (request.referredTo, request.referredOn) = (form["referred_to"], form["referred_on"])
        return request
    }
}
