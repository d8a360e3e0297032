import Domain
import Postgres

/// Moves a case to another stage: checks the transition table, the caller's role and the
/// stage's details, then changes the stage (the database trigger checks the table again),
/// writes the event with the details, applies the stage's side effects and audits.
public enum CaseTransitions {
    /// What a transition did.
    public struct Outcome: Sendable, Equatable {
        public var from: Stage
        public var to: Stage
        public var eventID: Int64
    }

    /// Carries out `request` on the case for `principal`.
    public static func perform(caseID: Int64, _ request: TransitionRequest, by principal: Principal, address: String,
                               using client: PostgresClient) async throws -> Outcome {
        try await client.withTransaction { connection in
            let (locked, clock) = try await LockedCase.lockWithClock(caseID, for: principal, on: connection)
            try locked.requireWorker(principal)
            let target: Stage
            do throws(WorkflowProblem) { target = try request.targetStage() } catch { throw CaseActionError(error) }
            guard let transition = StageTransitions.find(from: locked.stage, to: target) else {
                throw CaseActionError(.conflict, code: "transition.not_allowed",
                                      message: "不能从“\(locked.stage.chineseName)”转到“\(target.chineseName)”。")
            }
            guard !transition.roles.isDisjoint(with: principal.roles) else {
                let who = transition.roles.map(\.chineseName).sorted().joined(separator: "或")
                throw CaseActionError(.forbidden, code: "transition.role", message: "“\(transition.actionName)”只能由\(who)办理。")
            }
            if let required = transition.requiresPetitionRelated, required != locked.petitionRelated {
                throw CaseActionError(.conflict, code: "transition.triage_mismatch", message: required
                    ? "该案件未被分流为涉信访事项，不能转入评估；如分流有误，请先更正分流结果。"
                    : "该案件已被分流为涉信访事项，应转入评估而不是转办；如分流有误，请先更正分流结果。")
            }
            if locked.onHoldSince != nil { throw CaseActionError.onHold }
            let details: TransitionRequest
            do throws(WorkflowProblem) { details = try request.validated(for: target, grades: clock.settings.reviewGrades, today: clock.today) } catch {
                throw CaseActionError(error)
            }
            // One statement changes the stage (the trigger checks the table again), writes the event
            // with the details and the audit row. A claim ends with the stage it was taken for; a
            // leader's assignment stays until closing.
            let audit = AuditEvent(by: principal, action: "case.transition", entity: "case", entityID: String(caseID), address: address,
                                   summary: ["from": locked.stage.rawValue, "to": target.rawValue])
            let eventID = try await connection.query("""
                WITH moved AS (
                    UPDATE cases SET stage = \(target.rawValue),
                           regulation_track = regulation_track OR \(details.regulationTrack ?? false),
                           assignee_id = CASE WHEN lease_until IS NOT NULL OR \(target == .closed) THEN NULL ELSE assignee_id END,
                           lease_until = NULL
                    WHERE id = \(caseID)
                    RETURNING id
                ), event AS (
                    INSERT INTO case_events (case_id, kind, from_stage, to_stage, actor_id, actor, note, payload)
                    SELECT id, 'transition', \(locked.stage.rawValue), \(target.rawValue), \(principal.userID), \(principal.auditActor),
                           \(details.note ?? ""), \(PostgresJSON(details))
                    FROM moved RETURNING id
                ), audit AS (
                    INSERT INTO audit_events (actor, actor_label, action, entity, entity_id, address, summary)
                    SELECT \(audit.actor)::text, \(audit.actorLabel)::text, \(audit.action)::text, \(audit.entity)::text,
                           \(audit.entityID)::text, \(audit.address)::text, \(PostgresJSON(audit.summary))::jsonb
                    FROM moved
                )
                SELECT id FROM event
                """)[0].decode(Int64.self, at: 0)
            if try await applySideEffects(of: details, target: target, locked: locked, principal: principal, clock: clock, on: connection) {
                try await connection.query("SELECT refresh_next_due(ARRAY[\(caseID)]::bigint[])")
            }
            return Outcome(from: locked.stage, to: target, eventID: eventID)
        }
    }

    /// Applies what the new stage implies; returns true when deadlines changed.
    private static func applySideEffects(of details: TransitionRequest, target: Stage, locked: LockedCase, principal: Principal,
                                          clock: WorkflowClock, on connection: PostgresConnection) async throws -> Bool {
        switch target {
        case .review where details.regulationTrack == true:
            let exists = try await connection.query("""
                SELECT 1 FROM case_deadlines WHERE case_id = \(locked.id) AND kind = 'regulation_handling'
                """)
            if exists.isEmpty {
                try await CaseDeadlines.create(.regulationHandling, caseID: locked.id, startsOn: locked.acceptedOn, clock: clock, on: connection)
            }
            return true
        case .followUp:
            for summary in details.clues ?? [] {
                try await SupervisionClues.create(caseID: locked.id, summary: summary, by: principal, on: connection)
            }
            return false
        case .resolved, .unresolved:
            try await connection.query("""
                UPDATE case_deadlines SET closed_on = \(clock.today), closed_at = now(), reply_note = \(target.chineseName)
                WHERE case_id = \(locked.id) AND kind = 'regulation_handling' AND closed_on IS NULL
                """)
            return true
        case .closed:
            // The reply sent on closing answers every reply still owed.
            try await connection.query("""
                UPDATE case_deadlines SET closed_on = \(clock.today), closed_at = now(), reply_note = \(details.reply ?? "")
                WHERE case_id = \(locked.id) AND closed_on IS NULL
                """)
            return true
        default:
            return false
        }
    }
}
