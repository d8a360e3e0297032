import Domain
import Hummingbird
import Postgres
import Store

/// The actions on one case, each answering with the case page after the change:
/// `POST /api/v1/cases/{id}/transitions`, `…/triage-override`, `…/release`, `…/renew`,
/// `…/assign`, `…/hold`, `…/resume`, `…/duplicate-review`, `…/deadlines/{deadline}/reply`, `…/deadlines/{deadline}/extend`,
/// `…/clues`, `…/lead`, `…/typical`; and `…/transfer` (移送), which answers with what it did,
/// because the case may have left the leader's sight. Refusals are problems: 404 out of scope,
/// 403 wrong role, 409 wrong state (an illegal transition), 422 wrong details.
struct CaseActionController: Sendable {
    let database: PostgresClient

    struct OverrideBody: Decodable { let petitionRelated: Bool; let reason: String
        enum CodingKeys: String, CodingKey { case petitionRelated = "petition_related", reason } }
    struct ReasonBody: Decodable { let reason: String }
    struct NoteBody: Decodable { let note: String }
    struct SummaryBody: Decodable { let summary: String }
    struct AssignBody: Decodable { let assigneeID: Int
        enum CodingKeys: String, CodingKey { case assigneeID = "assignee_id" } }
    struct DepartmentBody: Decodable { let department: String }
    struct TransferBody: Decodable { let unitCode: String; let reason: String
        enum CodingKeys: String, CodingKey { case unitCode = "unit_code", reason } }
    struct ResultBody: Decodable { let result: String; let note: String? }
    struct DuplicateReviewBody: Decodable { let finding: String; let note: String }
    struct LeadBody: Decodable { let targetDate: String
        enum CodingKeys: String, CodingKey { case targetDate = "target_date" } }

    /// The context of one action: who, from where, on which case.
    struct Act: Sendable {
        let principal: Principal
        let address: String
        let caseID: Int64
    }

    func register(on group: RouterGroup<HuqiRequestContext>) {
        registerClues(on: group)
        registerTransferMany(on: group)
        group.post("cases/{id}/transfer") { request, context -> CaseTransfer.Receipt in
            let principal = try context.requirePrincipal()
            guard let id = context.parameters.get("id", as: Int64.self) else { throw Problem(CaseActionError.caseNotFound) }
            let body = try await RequestBody.decode(TransferBody.self, from: request)
            return try await mappingCaseErrors {
                try await CaseTransfer.transfer(caseID: id, to: body.unitCode, reason: body.reason, by: principal,
                                                address: context.clientAddress, using: database)
            }
        }
        action(group, "transitions") { request, act in
            let body = try await RequestBody.decode(TransitionRequest.self, from: request)
            _ = try await CaseTransitions.perform(caseID: act.caseID, body, by: act.principal, address: act.address, using: database)
        }
        action(group, "triage-override") { request, act in
            let body = try await RequestBody.decode(OverrideBody.self, from: request)
            try await CaseStewardship.overrideTriage(caseID: act.caseID, petitionRelated: body.petitionRelated, reason: body.reason,
                                                     by: act.principal, address: act.address, using: database)
        }
        action(group, "duplicate-review") { request, act in
            let body = try await RequestBody.decode(DuplicateReviewBody.self, from: request)
            guard let finding = DuplicateFinding(rawValue: body.finding) else {
                throw CaseActionError(.invalid, code: "duplicate.finding_invalid", message: "finding 只能是 confirmed（确认重复）或 dismissed（不是重复）。",
                                      field: "finding")
            }
            try await CaseDuplicateReview.record(caseID: act.caseID, finding, note: body.note, by: act.principal, address: act.address,
                                                 using: database)
        }
        action(group, "release") { _, act in
            try await CaseQueue.release(caseID: act.caseID, by: act.principal, address: act.address, using: database)
        }
        action(group, "renew") { _, act in
            guard try await CaseQueue.renew(caseID: act.caseID, by: act.principal, using: database) else {
                throw CaseActionError.claimLost
            }
        }
        action(group, "assign") { request, act in
            let body = try await RequestBody.decode(AssignBody.self, from: request)
            try await CaseAssignment.assign(caseID: act.caseID, to: body.assigneeID, by: act.principal, address: act.address, using: database)
        }
        action(group, "hold") { request, act in
            let body = try await RequestBody.decode(ReasonBody.self, from: request)
            try await CaseHolds.hold(caseID: act.caseID, reason: body.reason, by: act.principal, address: act.address, using: database)
        }
        action(group, "resume") { _, act in
            try await CaseHolds.resume(caseID: act.caseID, by: act.principal, address: act.address, using: database)
        }
        action(group, "deadlines/{deadline}/reply") { request, act in
            let body = try await RequestBody.decode(NoteBody.self, from: request)
            try await CaseDeadlines.recordReply(caseID: act.caseID, deadlineID: try Self.deadlineID(request), note: body.note,
                                                by: act.principal, address: act.address, using: database)
        }
        action(group, "deadlines/{deadline}/extend") { request, act in
            let body = try await RequestBody.decode(ReasonBody.self, from: request)
            try await CaseDeadlines.extend(caseID: act.caseID, deadlineID: try Self.deadlineID(request), reason: body.reason,
                                           by: act.principal, address: act.address, using: database)
        }
        action(group, "clues") { request, act in
            let body = try await RequestBody.decode(SummaryBody.self, from: request)
            _ = try await SupervisionClues.add(caseID: act.caseID, summary: body.summary, by: act.principal, address: act.address, using: database)
        }
        action(group, "lead") { request, act in
            let body = try await RequestBody.decode(LeadBody.self, from: request)
            guard let date = CalendarDate(iso: body.targetDate) else {
                throw CaseActionError(.invalid, code: "lead.target_invalid", message: "目标日期应写成 2026-12-31。", field: "target_date")
            }
            try await CaseStewardship.takeCharge(caseID: act.caseID, targetDate: date, by: act.principal, address: act.address, using: database)
        }
        action(group, "typical") { request, act in
            let body = try await RequestBody.decode(SummaryBody.self, from: request)
            try await CaseStewardship.markTypical(caseID: act.caseID, summary: body.summary, by: act.principal, address: act.address, using: database)
        }
    }

    /// `POST clues/{id}/transfer` and `POST clues/{id}/result`, answering with the clue's case page.
    func registerClues(on group: RouterGroup<HuqiRequestContext>) {
        group.post("clues/{id}/transfer") { request, context -> CaseDetail in
            try await clueAction(request, context) { clueID, principal in
                let body = try await RequestBody.decode(DepartmentBody.self, from: request)
                return try await SupervisionClues.transfer(clueID: clueID, department: body.department, by: principal,
                                                           address: context.clientAddress, using: database)
            }
        }
        group.post("clues/{id}/result") { request, context -> CaseDetail in
            try await clueAction(request, context) { clueID, principal in
                let body = try await RequestBody.decode(ResultBody.self, from: request)
                return try await SupervisionClues.recordResult(clueID: clueID, result: body.result, note: body.note, by: principal,
                                                               address: context.clientAddress, using: database)
            }
        }
    }

    private func clueAction(_ request: Request, _ context: HuqiRequestContext,
                            _ perform: (Int64, Principal) async throws -> Int64) async throws -> CaseDetail {
        let principal = try context.requirePrincipal()
        guard let clueID = context.parameters.get("id", as: Int64.self) else { throw Problem.notFound }
        let caseID = try await mappingCaseErrors { try await perform(clueID, principal) }
        guard let detail = try await CaseQueries.detail(id: caseID, for: principal, using: database) else { throw Problem.notFound }
        return detail
    }

    /// Registers `POST cases/{id}/<path>`: runs `perform`, then answers with the case page.
    private func action(_ group: RouterGroup<HuqiRequestContext>, _ path: String,
                        _ perform: @escaping @Sendable (Request, Act) async throws -> Void) {
        group.post("cases/{id}/\(path)") { request, context -> CaseDetail in
            let principal = try context.requirePrincipal()
            guard let id = context.parameters.get("id", as: Int64.self) else { throw Problem(CaseActionError.caseNotFound) }
            let act = Act(principal: principal, address: context.clientAddress, caseID: id)
            try await mappingCaseErrors { try await perform(request, act) }
            guard let detail = try await CaseQueries.detail(id: id, for: principal, using: database) else { throw Problem(CaseActionError.caseNotFound) }
            return detail
        }
    }

    private static func deadlineID(_ request: Request) throws -> Int64 {
        // The path is cases/{id}/deadlines/{deadline}/…: the fourth component from the API root.
        let parts = request.uri.path.split(separator: "/")
        guard let index = parts.firstIndex(of: "deadlines"), index + 1 < parts.count, let id = Int64(parts[index + 1]) else {
            throw CaseActionError(.notFound, code: "deadline.not_found", message: "找不到该期限。")
        }
        return id
    }
}
