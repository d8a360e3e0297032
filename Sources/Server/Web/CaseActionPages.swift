import Domain
import Foundation
import Hummingbird
import Postgres
import Store

/// The case page's actions besides stage changes: reply to a deadline, hold and resume (whoever
/// works the case), assign, 移送, the 信访条例 extension, 包案 and typical flag (leaders). Each posts, then redirects back to
/// the case page; a refusal re-shows the page with the user's input and the reason.
struct CaseActionPages: Sendable {
    let database: PostgresClient
    let gate: WebGate
    let pages: CasePages

    func register(on router: Router<HuqiRequestContext>) {
        registerTransfer(on: router)
        action(router, "reply", done: "已记录答复。") { id, form, user, address, _ in
            guard let deadline = form["deadline_id"].flatMap(Int64.init) else { throw WebError.badRequest("请选择要答复的期限。") }
            try await CaseDeadlines.recordReply(caseID: id, deadlineID: deadline, note: form["note"] ?? "", by: user.principal,
                                                address: address, using: database)
        }
        action(router, "extend", done: "已延长信访条例办理期限 30 日。") { id, form, user, address, _ in
            guard let deadline = form["deadline_id"].flatMap(Int64.init) else { throw WebError.badRequest("请选择要延长的期限。") }
            try await CaseDeadlines.extend(caseID: id, deadlineID: deadline, reason: form["reason"] ?? "", by: user.principal,
                                           address: address, using: database)
        }
        action(router, "renew", done: "已延长领取时限。") { id, _, user, _, _ in
            guard try await CaseQueue.renew(caseID: id, by: user.principal, using: database) else {
                throw CaseActionError.claimLost
            }
        }
        action(router, "override", done: "已更正分流结论。") { id, form, user, address, _ in
            try await CaseStewardship.overrideTriage(caseID: id, petitionRelated: form["petition_related"] == "true", reason: form["reason"] ?? "",
                                                     by: user.principal, address: address, using: database)
        }
        action(router, "duplicate-review", done: "已记录疑似重复的核对结果。") { id, form, user, address, _ in
            guard let finding = form["finding"].flatMap(DuplicateFinding.init(rawValue:)) else {
                throw CaseActionError(.invalid, code: "duplicate.finding_invalid", message: "请选择核对结果：确认重复或不是重复。", field: "finding")
            }
            try await CaseDuplicateReview.record(caseID: id, finding, note: form["note"] ?? "", by: user.principal, address: address, using: database)
        }
        action(router, "clues", done: "已记录监督线索。") { id, form, user, address, _ in
            _ = try await SupervisionClues.add(caseID: id, summary: form["summary"] ?? "", by: user.principal, address: address, using: database)
        }
        action(router, "clues/{clue}/transfer", done: "线索已移送。") { _, form, user, address, clue in
            guard let clue else { throw WebError.notFound() }
            _ = try await SupervisionClues.transfer(clueID: clue, department: form["department"] ?? "", by: user.principal, address: address,
                                                    using: database)
        }
        action(router, "clues/{clue}/result", done: "已记录线索结果。") { _, form, user, address, clue in
            guard let clue else { throw WebError.notFound() }
            _ = try await SupervisionClues.recordResult(clueID: clue, result: form["result"] ?? "", note: form["note"], by: user.principal,
                                                        address: address, using: database)
        }
        action(router, "hold", done: "已中止办理，期限暂停计算。") { id, form, user, address, _ in
            try await CaseHolds.hold(caseID: id, reason: form["reason"] ?? "", by: user.principal, address: address, using: database)
        }
        action(router, "resume", done: "已恢复办理，未完成的期限已顺延。") { id, _, user, address, _ in
            _ = try await CaseHolds.resume(caseID: id, by: user.principal, address: address, using: database)
        }
        action(router, "assign", done: "已分派。") { id, form, user, address, _ in
            guard let assignee = form["assignee_id"].flatMap(Int.init) else {
                throw CaseActionError(.invalid, code: "assign.assignee_missing", message: "请选择承办人。", field: "assignee_id")
            }
            try await CaseAssignment.assign(caseID: id, to: assignee, by: user.principal, address: address, using: database)
        }
        action(router, "lead", done: "已登记院领导包案。") { id, form, user, address, _ in
            guard let date = form["target_date"].flatMap({ CalendarDate(iso: $0) }) else {
                throw CaseActionError(.invalid, code: "lead.target_date_invalid", message: "化解目标日期应写成 2026-12-31 的形式。", field: "target_date")
            }
            try await CaseStewardship.takeCharge(caseID: id, targetDate: date, by: user.principal, address: address, using: database)
        }
        action(router, "typical", done: "已标记为典型案例。") { id, form, user, address, _ in
            try await CaseStewardship.markTypical(caseID: id, summary: form["summary"] ?? "", by: user.principal, address: address, using: database)
        }
    }

    /// 移送 answers differently: the case may have left the leader's scope, so the redirect goes
    /// to the case list when the case is no longer visible to them.
    private func registerTransfer(on router: Router<HuqiRequestContext>) {
        router.post("/app/cases/{id}/transfer") { request, context in
            try await gate.page(request) { user in
                guard let id = context.parameters.get("id", as: Int64.self) else { throw WebError.notFound() }
                let form = try await WebForm.read(request, user: user)
                let receipt: CaseTransfer.Receipt
                do {
                    receipt = try await CaseTransfer.transfer(caseID: id, to: form["unit_code"] ?? "", reason: form["reason"] ?? "",
                                                              by: user.principal, address: context.clientAddress, using: database)
                } catch let error as CaseActionError where error.kind == .invalid || error.kind == .conflict {
                    return try await pages.casePage(id, user: user, notice: .error(error.message), status: .unprocessableContent,
                                                    action: ("transfer", form, error.message))
                }
                let done = "案件已移送至\(receipt.toUnitName)。"
                return WebPage.redirect(to: receipt.stillVisible ? "/app/cases/\(id)" : "/app/cases",
                                        notice: .success(receipt.stillVisible ? done : done + "该案件已不在您的查看范围内。"))
            }
        }
    }

    /// One action route: read the form (CSRF checked), run it, redirect; a refusal re-shows the page.
    /// `run` gets the case, the form, the user, the client address and the route's `{clue}`, if any.
    private func action(_ router: Router<HuqiRequestContext>, _ name: String, done: String,
                        _ run: @escaping @Sendable (Int64, WebForm, WebUser, String, Int64?) async throws -> Void) {
        router.post("/app/cases/{id}/\(name)") { request, context in
            try await gate.page(request) { user in
                guard let id = context.parameters.get("id", as: Int64.self) else { throw WebError.notFound() }
                let form = try await WebForm.read(request, user: user)
                do {
                    try await run(id, form, user, context.clientAddress, context.parameters.get("clue", as: Int64.self))
                } catch let error as CaseActionError where error.kind == .invalid || error.kind == .conflict {
                    return try await pages.casePage(id, user: user, notice: .error(error.message), status: .unprocessableContent,
                                                    action: (name, form, error.message))
                }
                return WebPage.redirect(to: "/app/cases/\(id)", notice: .success(done))
            }
        }
    }
}
