import Domain
import Foundation
import Hummingbird
import Store

/// 批量移送: a leader ticks cases on the case list and moves them to one procuratorate with one
/// reason — when a batch turns out to belong elsewhere. Each case is moved by `CaseTransfer`
/// in its own transaction (its own event and audit row), exactly as from its own page; a case
/// that cannot be moved (closed, already there, out of sight) is named and the rest go on.
extension CasePages {
    /// The form under the list; the rows' check boxes belong to it (`form="bulk-transfer"`).
    static func bulkTransferForm(_ asked: CaseListQuery, units: [Store.Unit], user: WebUser) -> Markup {
        let options: [Markup] = units.map { "<option value=\"\($0.code)\">\($0.name)</option>" }
        return """
            <form class="card narrow" id="bulk-transfer" method="post" action="/app/cases/transfer">\(user.csrfField)\
            <input type="hidden" name="return" value="\(asked.query())"><h2>批量移送</h2>
            <p class="hint">勾选上表中要移送的案件（本页，最多 \(CaseTransfer.manyLimit) 件），选择检察院并写明理由。每件分别移送，记入各自的办理记录和审计日志；承办人不再持有，到新检察院的队列中等待领取。</p>
            <label for="bulk-unit">移送至</label><select id="bulk-unit" name="unit_code" required><option value="">请选择检察院</option>\(options)</select>
            <label for="bulk-reason">理由</label><textarea id="bulk-reason" name="reason" rows="2" maxlength="500" required></textarea>
            <button type="submit">移送所选案件</button></form>
            """
    }

    func bulkTransfer(_ request: Request, _ context: HuqiRequestContext, _ user: WebUser) async throws -> Response {
        guard AccessPolicy.canLeadCases(user.principal) else { throw WebError.forbidden("只有院领导可以移送案件。") }
        let form = try await WebForm.read(request, user: user)
        // Back to the list as it was (our own path; the query re-encoded).
        let query = URLComponents(string: "?" + (form["return"] ?? ""))?.percentEncodedQuery ?? ""
        let back = query.isEmpty ? "/app/cases" : "/app/cases?\(query)"
        let ids = form.values("case_id").compactMap { Int64($0) }
        let outcome: CaseTransfer.ManyOutcome
        do {
            outcome = try await CaseTransfer.transferEach(caseIDs: ids, to: form["unit_code"] ?? "", reason: form["reason"] ?? "",
                                                          by: user.principal, address: context.clientAddress, using: database)
        } catch let error as CaseActionError {
            // The same for every case (none ticked, too many, no reason, no such procuratorate): said once, nothing moved.
            return WebPage.redirect(to: back, notice: .error(error.code == "transfer.none" ? "请先在列表中勾选要移送的案件。" : error.message))
        }
        let moved = outcome.moved.count, destination = outcome.moved.first?.toUnitName ?? ""
        let names = try await Self.caseNames(outcome.refused.map(\.caseID), for: user, using: database)
        let refused = outcome.refused.map { "\(names[$0.caseID] ?? "")：\($0.error.message)" }
        let notRefused = refused.isEmpty ? "" : "未移送 \(refused.count) 件——" + refused.joined(separator: "；")
        guard moved > 0 else { return WebPage.redirect(to: back, notice: .error("没有移送任何案件。" + notRefused)) }
        return WebPage.redirect(to: back, notice: .success("已移送 \(moved) 件至\(destination)。" + notRefused))
    }
}
