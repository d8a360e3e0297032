/// The one place that decides what a principal may see. Repositories turn the answer into the
/// `WHERE` clause of the query that fetches the data, so nothing out of scope is ever loaded.
///
/// | resource | admin | office | leader | prosecutor | uploader / partner key |
/// | --- | --- | --- | --- | --- | --- |
/// | units | all | all | own + below | own | none |
/// | users | all | none (self) | own unit + below | self | self |
/// | partners | all | all | none | none | own |
/// | audit log | all | none | none | none | none |
/// | batches | all | none | none | none | own partner |
/// | cases | all | all (read) | own unit + below | own unit | own partner (read; no internals: `seesCaseInternals`) |
/// (the summary issue adds summaries to this table)
public enum AccessPolicy {
    /// A kind of thing that can be fetched.
    public enum Resource: String, Sendable, CaseIterable {
        case unit, user, partner, auditLog, batch, caseRecord
    }

    /// Which rows of a resource a principal may see.
    public enum Scope: Sendable, Equatable {
        /// Every row.
        case all
        /// Rows of units whose path starts with this one (the unit and all below it).
        case unitSubtree(path: String)
        /// Rows of exactly this unit.
        case unit(code: String)
        /// Rows of this partner.
        case partner(id: Int)
        /// Only the caller's own user row.
        case selfOnly(userID: Int)
        /// Nothing.
        case none
    }

    /// The scope of `principal` over `resource`; the widest scope any of its roles grants.
    public static func scope(of principal: Principal, over resource: Resource) -> Scope {
        let scopes = principal.roles.map { scope(of: $0, principal: principal, over: resource) }
        return scopes.max(by: { $0.breadth < $1.breadth }) ?? fallback(principal, resource)
    }

    private static func scope(of role: Role, principal: Principal, over resource: Resource) -> Scope {
        switch (role, resource) {
        case (.admin, _): return .all
        case (.office, .unit), (.office, .partner), (.office, .caseRecord): return .all
        case (.leader, .unit), (.leader, .user), (.leader, .caseRecord):
            return principal.unitPath.map { .unitSubtree(path: $0) } ?? .none
        case (.prosecutor, .unit), (.prosecutor, .caseRecord):
            return principal.unitCode.map { .unit(code: $0) } ?? .none
        case (.uploader, .partner), (.uploader, .batch), (.uploader, .caseRecord):
            return principal.partnerID.map { .partner(id: $0) } ?? .none
        default:
            return fallback(principal, resource)
        }
    }

    /// What is left without a granting role: a user sees their own user row; a partner key
    /// sees its own partner.
    private static func fallback(_ principal: Principal, _ resource: Resource) -> Scope {
        switch (principal.kind, resource) {
        case (.user(let id, _), .user): .selfOnly(userID: id)
        case (.partnerKey(let partnerID, _), .partner), (.partnerKey(let partnerID, _), .batch),
             (.partnerKey(let partnerID, _), .caseRecord): .partner(id: partnerID)
        default: .none
        }
    }

    /// True when the principal may work cases (claim, move, reply): prosecutors and leaders,
    /// within their case scope.
    public static func canWorkCases(_ principal: Principal) -> Bool { principal.has(.prosecutor) || principal.has(.leader) }

    /// True when the principal may see the procuratorate's own work on a case it can read: the
    /// findings recorded with each stage change, the supervision clues, and (asked for, audited)
    /// the reporter's full ID number and phone. Partners read their cases' stage, deadlines and
    /// triage outcome only; everyone else in scope sees it all.
    public static func seesCaseInternals(_ principal: Principal) -> Bool { principal.partnerID == nil }

    /// True when the principal may assign, take charge (包案), flag typical cases and approve
    /// extensions: leaders, within their case scope.
    public static func canLeadCases(_ principal: Principal) -> Bool { principal.has(.leader) }

    /// True when the principal may manage partners, users and keys.
    public static func canAdminister(_ principal: Principal) -> Bool { principal.has(.admin) }
}

extension AccessPolicy.Scope {
    /// Orders scopes from narrow to wide so several roles combine to the widest.
    var breadth: Int {
        switch self {
        case .none: 0
        case .selfOnly: 1
        case .partner: 2
        case .unit: 3
        case .unitSubtree(let path): 4 + (10 - path.split(separator: "/").count)  // shorter path = wider
        case .all: 100
        }
    }
}
