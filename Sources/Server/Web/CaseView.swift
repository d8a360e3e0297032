import Domain
import Foundation
import Store

/// The body of the case page: the enterprise and its claim, the triage decision with its
/// reasons, deadlines, the timeline, clues, and the actions the user may take. ID number and
/// phone stay masked unless the user asked to see them (an audited action).
struct CaseView {
    let detail: CaseDetail
    let user: WebUser
    let personalData: PersonalData?
    /// The stored case this one was flagged as a possible duplicate of at intake (same credit
    /// code and respondent, a similar claim): its id, its name as messages give it, and whether
    /// this user may open it. Shown to the procuratorate's people only (it may be another
    /// partner's case).
    var duplicate: (id: Int64, name: String, visible: Bool)?
    /// Whether this user sees the procuratorate's own work (clues, the personal-data look);
    /// partners do not — the query already left their timeline's findings out.
    var internals: Bool { AccessPolicy.seesCaseInternals(user.principal) }

    func body(actions: Markup) -> Markup {
        let s = detail.summary
        let triage: Markup = """
            <p><strong>\(s.petitionRelated == true ? "涉信访事项" : "非涉信访事项")</strong>\(s.triageOverridden ? "（已人工更正）" : "")</p>
            <ul>\(s.triageReasons.map { Markup("<li>\($0)</li>") })</ul>
            """
        return """
            <section class="card" aria-labelledby="basics"><h2 id="basics">基本情况</h2>
            <dl class="facts">
            <dt>企业</dt><dd>\(s.enterpriseName)</dd><dt>统一社会信用代码</dt><dd>\(s.creditCode ?? "—")</dd>
            <dt>检察院</dt><dd>\(s.unitName)\(s.transferredFromName.map { Markup("（移送自\($0)）") } ?? .empty)</dd><dt>阶段</dt><dd id="stage">\(s.stageName)</dd>
            <dt>承办人</dt><dd>\(s.assigneeName ?? "未领取")</dd><dt>移交日期</dt><dd>\(detail.handedOverOn.description)</dd>
            <dt>受理日期</dt><dd id="accepted-on">\(s.acceptedOn.description)（答复期限自此计算）</dd>
            <dt>被反映单位</dt><dd>\(detail.respondent ?? "—")</dd><dt>诉求内容</dt><dd>\(detail.claim)</dd>
            <dt>备注</dt><dd>\(detail.remarks ?? "—")</dd>\(possibleDuplicate)
            <dt>反映人</dt><dd>\(detail.reporterName ?? "—")</dd>
            <dt>身份证号</dt><dd>\(personalData?.idNumber ?? detail.reporterIDNumberMasked ?? "—")</dd>
            <dt>联系电话</dt><dd>\(personalData?.phone ?? detail.phoneMasked ?? "—")</dd>
            </dl>
            \(personalData == nil && internals && (detail.reporterIDNumberMasked != nil || detail.phoneMasked != nil) ? Markup("""
                <form method="post" action="/app/cases/\(s.id)/personal-data">\(user.csrfField)<button type="submit">显示完整身份证号和电话（将记入审计日志）</button></form>
                """) : .empty)
            </section>
            <section class="card" aria-labelledby="triage"><h2 id="triage">分流结论</h2>\(triage)</section>
            <section class="card" aria-labelledby="deadlines"><h2 id="deadlines">期限</h2>\(deadlines)</section>
            <section class="card" aria-labelledby="actions"><h2 id="actions">办理</h2>\(actions.html.isEmpty ? noActions : actions)\(release)</section>
            \(internals ? Markup("<section class=\"card\" aria-labelledby=\"clues\"><h2 id=\"clues\">监督线索</h2>\(clues)</section>") : .empty)
            <section class="card" aria-labelledby="timeline"><h2 id="timeline">办理记录</h2>\(timeline)</section>
            """
    }

    /// The intake's possible-duplicate flag, for a person to check: linked when they may open the other case.
    private var possibleDuplicate: Markup {
        guard let duplicate else { return .empty }
        let other: Markup = duplicate.visible
            ? "<a href=\"/app/cases/\(duplicate.id)\">\(duplicate.name)</a>"
            : "\(duplicate.name)（不在您的查看范围内）"
        let review: Markup = detail.duplicateReview.flatMap(DuplicateFinding.init(rawValue:)).map {
            "已核对：<strong id=\"duplicate-review\">\($0.chineseName)</strong>（核对意见见办理记录）。"
        } ?? "请核对是否为同一事项。"
        return """
            <dt>疑似重复</dt><dd id="possible-duplicate">与\(other)的统一社会信用代码、被反映单位相同，诉求相近（受理时自动标记）。\(review)</dd>
            """
    }

    /// Why the user has nothing to do here: a stage change ends the claim, and the page should
    /// say where the case went rather than leave the last holder puzzled.
    private var noActions: Markup {
        let s = detail.summary
        if s.stage == .closed { return "<p>案件已办结。</p>" }
        // Those who only follow the case (a partner, the office): where it is, not how to work it.
        guard AccessPolicy.canWorkCases(user.principal) else {
            return "<p id=\"case-status\">案件正由\(s.unitName)办理，当前阶段：\(s.stageName)\(s.onHold ? "（暂停办理）" : "")。</p>"
        }
        if s.assigneeID == nil {
            return """
                <p>案件在\(s.unitName)的“\(s.stageName)”队列中等待领取：承办检察官可在<a href="/app/queues">工作队列</a>领取，院领导可以分派。</p>
                """
        }
        if s.assigneeID != user.principal.userID {
            return "<p>案件由\(s.assigneeName ?? "其他承办人")承办，只有承办人和院领导可以办理。</p>"
        }
        return "<p>当前没有您可以办理的操作。</p>"
    }

    /// The holder's claim: until when it lasts without an action (every action renews it), a
    /// button to renew it while reading, and one to give the case back to its queue.
    private var release: Markup {
        guard detail.summary.assigneeID != nil, detail.summary.assigneeID == user.principal.userID else { return .empty }
        let lease: Markup = detail.summary.leaseUntil.map { until in
            """
            <p class="hint">领取有效至 \(ShanghaiTime.minute(until))，期间无任何操作则退回队列；每次办理都会自动续期。</p>
            <form method="post" action="/app/cases/\(detail.summary.id)/renew">\(user.csrfField)<button type="submit" class="secondary">延长领取</button></form>
            """
        } ?? .empty
        return """
            \(lease)<form method="post" action="/app/cases/\(detail.summary.id)/release">\(user.csrfField)<button type="submit" class="secondary">退回队列</button></form>
            """
    }

    private var deadlines: Markup {
        let rows: [Markup] = detail.summary.deadlines.map { d in
            let provisional: Markup = d.provisional ? "<span class=\"provisional\">（暂定）</span>" : .empty
            return "<tr><td>\(d.name)</td><td>\(d.dueOn.description)\(provisional)</td><td>\(d.stateName)</td><td>\(d.closedOn?.description ?? "—")</td></tr>"
        }
        guard !rows.isEmpty else { return "<p>没有期限。</p>" }
        let note: Markup = detail.summary.deadlines.contains(where: \.provisional)
            ? "<p class=\"hint\">暂定：期限所跨年份的节假日安排尚未载入，暂按周末推算；载入该年日历后自动重算，变化记入办理记录。</p>"
            : .empty
        return """
            <table><thead><tr><th scope="col">期限</th><th scope="col">到期日</th><th scope="col">状态</th><th scope="col">完成日</th></tr></thead>
            <tbody>\(rows)</tbody></table>\(note)
            """
    }

    private var clues: Markup {
        guard !detail.clues.isEmpty else { return "<p>没有监督线索。</p>" }
        return "<ul>\(detail.clues.map { Markup("<li>\($0.summary)（\($0.result != nil ? "已反馈结果" : ($0.department != nil ? "已移送\($0.department ?? "")" : "待移送"))）</li>") })</ul>"
    }

    private var timeline: Markup {
        let items: [Markup] = detail.events.reversed().map { e in
            let stages: Markup = e.toStage.map { to in
                Markup("：\(e.fromStage.flatMap { Stage(rawValue: $0)?.chineseName } ?? "—") → \(Stage(rawValue: to)?.chineseName ?? to)")
            } ?? .empty
            var details: Markup = e.kind == "transition" ? TransitionDetails.markup(e.payload) : .empty
            if e.kind == "duplicate_review", case .string(let code)? = e.payload["finding"], let finding = DuplicateFinding(rawValue: code) {
                details = "（\(finding.chineseName)）"
            }
            return "<li><time>\(ShanghaiTime.minute(e.occurredAt))</time> \(e.actorName ?? e.actor) · \(CaseView.eventName(e.kind))\(stages)\(e.note.isEmpty ? "" : "：\(e.note)")\(details)</li>"
        }
        return "<ol class=\"timeline\">\(items)</ol>"
    }

    static func eventName(_ kind: String) -> String {
        [
            "intake": "随批次受理", "update": "合作单位更正", "transition": "阶段变更", "claim": "领取", "release": "退回队列",
            "lease_expired": "领取超时退回", "assign": "分派", "override": "更正分流", "hold": "中止", "resume": "恢复", "reply": "答复",
            "extension": "延长期限", "escalation": "逾期提醒", "recomputed": "期限重算", "clue_created": "发现监督线索", "clue_transferred": "移送监督线索",
            "clue_result": "线索办理结果", "lead": "院领导包案", "typical": "标记典型案例", "retriage": "按新规则重新分流",
            "transfer": "移送", "duplicate_review": "核对疑似重复",
        ][kind] ?? kind
    }
}
