import Domain

/// Why a workflow action was refused, with a stable code and a Chinese message. The HTTP layer
/// maps `kind` to a status (404, 403, 409, 422); the CLI prints the message.
public struct CaseActionError: Error, Sendable, Equatable {
    /// The class of refusal.
    public enum Kind: Sendable, Equatable {
        /// Unknown, or outside the caller's scope (the two look the same on purpose).
        case notFound
        /// Visible, but the caller's roles do not allow this action.
        case forbidden
        /// The case's current state does not allow it (wrong stage, held by someone else, …).
        case conflict
        /// The request's details are wrong.
        case invalid
    }

    public var kind: Kind
    public var code: String
    public var message: String
    public var field: String?

    public init(_ kind: Kind, code: String, message: String, field: String? = nil) {
        self.kind = kind
        self.code = code
        self.message = message
        self.field = field
    }

    /// A details problem found by the domain validation.
    public init(_ problem: WorkflowProblem) {
        self.init(.invalid, code: problem.code, message: problem.message, field: problem.field)
    }

    /// An unknown case, or one outside the caller's scope.
    public static let caseNotFound = CaseActionError(.notFound, code: "case.not_found", message: "找不到该案件，或您无权查看。")
    static let mayNotWork = CaseActionError(.forbidden, code: "case.forbidden", message: "只有承办检察官或院领导可以办理案件。")
    static let leadersOnly = CaseActionError(.forbidden, code: "case.leader_only", message: "此操作需要院领导权限。")
    static let notHolder = CaseActionError(.conflict, code: "case.not_held",
                                           message: "该案件不在您名下：请先从队列领取，或请院领导分派给您。")
    /// A renewal by someone whose claim expired or was reassigned.
    public static let claimLost = CaseActionError(.conflict, code: "case.not_held", message: "您已不再持有该案件（领取已超时或被改派），请重新领取。")
    static let closed = CaseActionError(.conflict, code: "case.closed", message: "案件已办结，不能再办理。")
    static let onHold = CaseActionError(.conflict, code: "case.on_hold", message: "案件处于“等待材料”暂停状态，请先恢复办理。")
}

extension CaseActionError {
    /// Free text a person must give (a reason, a reply, a summary): trimmed, not blank, at most
    /// `limit` characters; otherwise a 422 with `code`, `message` and `field`.
    static func requiredText(_ value: String?, limit: Int, field: String, code: String, message: String) throws(CaseActionError) -> String {
        guard let text = TransitionRequest.trimmed(value), text.count <= limit else {
            throw CaseActionError(.invalid, code: code, message: message, field: field)
        }
        return text
    }
}
