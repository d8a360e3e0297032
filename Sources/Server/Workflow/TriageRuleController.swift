import Domain
import Hummingbird
import Postgres
import Store

/// `GET /api/v1/triage/rules` (every version, newest first; any signed-in user),
/// `POST /api/v1/triage/rules` (admin: publish a new version with a note; audited) and
/// `POST /api/v1/triage/rerun` (admin: re-decide the cases still in triage; overrides stay).
struct TriageRuleController: Sendable {
    let database: PostgresClient

    /// A new rule set: the lists of `TriageRuleSet` (its field names) and why it changes.
    struct PublishBody: Decodable {
        let note: String
        let petitionTerms: [String]
        let negations: [String]
        let hypotheticals: [String]
        let affirmations: [String]
        let placeAfter: [String]
        let placeBefore: [String]
        let clauseBreaks: String?
    }
    struct Published: ResponseEncodable { let version: Int }
    struct Rerun: ResponseEncodable { let changed: Int }
    struct Versions: ResponseEncodable { let items: [TriageRules.Version] }

    func register(on group: RouterGroup<HuqiRequestContext>) {
        group.get("triage/rules") { _, context -> Versions in
            guard case .user = try context.requirePrincipal().kind else { throw Problem.notFound }
            return Versions(items: try await TriageRules.versions(using: database))
        }
        group.post("triage/rules") { request, context -> Response in
            let principal = try requireAdmin(context)
            let body = try await RequestBody.decode(PublishBody.self, from: request)
            let rules = TriageRuleSet(version: 0, petitionTerms: body.petitionTerms, negations: body.negations,
                                      hypotheticals: body.hypotheticals, affirmations: body.affirmations, placeAfter: body.placeAfter,
                                      placeBefore: body.placeBefore, clauseBreaks: body.clauseBreaks ?? TriageRuleSet.standard.clauseBreaks)
            let version = try await mappingCaseErrors {
                try await TriageRules.publish(rules, note: body.note, by: AuditEvent(by: principal, action: "triage_rules.publish",
                                                                                    address: context.clientAddress), using: database)
            }
            var response = try Published(version: version).response(from: request, context: context)
            response.status = .created
            return response
        }
        group.post("triage/rerun") { _, context -> Rerun in
            let principal = try requireAdmin(context)
            return Rerun(changed: try await TriageRules.retriageWaitingCases(
                by: AuditEvent(by: principal, action: "triage_rules.rerun", address: context.clientAddress), using: database))
        }
    }

    private func requireAdmin(_ context: HuqiRequestContext) throws -> Principal {
        try AdministratorAPI.caller(context, refusal: "只有系统管理员可以修改分流规则。")
    }
}
