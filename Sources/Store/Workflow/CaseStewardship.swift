import Domain
import Postgres

/// Decisions about a case beside its stage: correcting the triage (prosecutor or leader, with a
/// reason; the override survives later re-triage), 包案 and the typical-case flag (leaders).
public enum CaseStewardship {
    /// Overrides the triage decision. Only while the case is still in triage: afterwards the
    /// stage already follows the decision.
    public static func overrideTriage(caseID: Int64, petitionRelated: Bool, reason: String, by principal: Principal, address: String,
                                      using client: PostgresClient) async throws {
        let reason = try CaseActionError.requiredText(reason, limit: 500, field: "reason", code: "override.reason_missing", message: "更正分流结果必须填写理由（不超过 500 字）。")
        try await client.withTransaction { connection in
            let locked = try await LockedCase.lock(caseID, for: principal, on: connection)
            try locked.requireWorker(principal)
            guard locked.stage == .triage else {
                throw CaseActionError(.conflict, code: "override.wrong_stage",
                                      message: "案件已进入“\(locked.stage.chineseName)”阶段，分流结果不能再更正。")
            }
            try await connection.query("""
                UPDATE cases SET triage_override = \(petitionRelated), triage_override_reason = \(reason),
                       triage_override_by = \(principal.userID), triage_override_at = now(), petition_related = \(petitionRelated)
                WHERE id = \(caseID)
                """)
            let label = petitionRelated ? "涉信访事项" : "其他案件"
            try await CaseEvents.record("override", caseID: caseID, by: principal, note: reason,
                                        payload: ["from": locked.petitionRelated.map { $0 ? "true" : "false" } ?? "", "to": petitionRelated ? "true" : "false",
                                                  "petition_related": petitionRelated ? "true" : "false"],
                                        on: connection)
            try await CaseEvents.renewLease(caseID: caseID, principal: principal, on: connection)
            try await AuditLog.append(AuditEvent(by: principal, action: "case.override_triage", entity: "case", entityID: String(caseID),
                                                 address: address, summary: ["to": label, "reason": reason]), on: connection)
        }
    }

    /// A leader takes charge of a case (包案) with a target date.
    public static func takeCharge(caseID: Int64, targetDate: CalendarDate, by principal: Principal, address: String,
                                  using client: PostgresClient) async throws {
        try await client.withTransaction { connection in
            let (locked, clock) = try await LockedCase.lockWithClock(caseID, for: principal, on: connection)
            guard AccessPolicy.canLeadCases(principal), let leader = principal.userID else { throw CaseActionError.leadersOnly }
            try locked.requireOpen()
            guard targetDate >= clock.today else {
                throw CaseActionError(.invalid, code: "lead.target_past", message: "包案目标日期不能早于今天。", field: "target_date")
            }
            try await connection.query("""
                UPDATE cases SET lead_leader_id = \(leader), lead_since = \(clock.today), lead_target_date = \(targetDate) WHERE id = \(caseID)
                """)
            try await CaseEvents.record("lead", caseID: caseID, by: principal,
                                        payload: ["leader": String(leader), "target_date": targetDate.description], on: connection)
            try await AuditLog.append(AuditEvent(by: principal, action: "case.lead", entity: "case", entityID: String(caseID), address: address,
                                                 summary: ["target_date": targetDate.description]), on: connection)
        }
    }

    /// A leader flags a case as typical (典型案例) with a short summary.
    public static func markTypical(caseID: Int64, summary: String, by principal: Principal, address: String, using client: PostgresClient) async throws {
        let text = try CaseActionError.requiredText(summary, limit: 300, field: "summary", code: "typical.summary_missing", message: "请填写典型案例简介（不超过 300 字）。")
        try await client.withTransaction { connection in
            _ = try await LockedCase.lock(caseID, for: principal, on: connection)
            guard AccessPolicy.canLeadCases(principal) else { throw CaseActionError.leadersOnly }
            try await connection.query("""
                UPDATE cases SET typical_summary = \(text), typical_by = \(principal.userID), typical_at = now() WHERE id = \(caseID)
                """)
            try await CaseEvents.record("typical", caseID: caseID, by: principal, note: text, on: connection)
            try await AuditLog.append(AuditEvent(by: principal, action: "case.typical", entity: "case", entityID: String(caseID),
                                                 address: address), on: connection)
        }
    }
}
