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
    ///
    /// Most transitions only change the stage (with their event and audit row). Those run
    /// optimistically: read the case without a lock, check, then one guarded statement that
    /// changes nothing if the case changed in between. A transition with side effects (deadlines,
    /// clues), or one whose case changed under it, runs in a transaction under the row lock.
    public static func perform(caseID: Int64, _ request: TransitionRequest, by principal: Principal, address: String,
                               using client: PostgresClient) async throws -> Outcome {
        // A request whose stage implies side effects goes straight to the locked path (its
        // details are checked again there, after validation).
        let mayBeSimple = (try? request.targetStage()).map { !hasSideEffects(request, target: $0) } ?? true
        let optimistic = mayBeSimple ? try await client.withConnection { connection -> Outcome? in
            let (seen, clock) = try await LockedCase.readWithClock(caseID, for: principal, on: connection)
            let (target, details) = try check(request, on: seen, by: principal, clock: clock)
            guard !hasSideEffects(details, target: target) else { return nil }
            return try await move(seen, to: target, details: details, by: principal, address: address, guarded: true, on: connection)
        } : nil
        if let optimistic { return optimistic }
        return try await client.withTransaction { connection in
            let (locked, clock) = try await LockedCase.lockWithClock(caseID, for: principal, on: connection)
            let (target, details) = try check(request, on: locked, by: principal, clock: clock)
            guard let outcome = try await move(locked, to: target, details: details, by: principal, address: address, guarded: false,
                                               on: connection) else { throw CaseActionError.caseNotFound }
            if try await applySideEffects(of: details, target: target, locked: locked, principal: principal, clock: clock, on: connection) {
                try await connection.query("SELECT refresh_next_due(ARRAY[\(caseID)]::bigint[])")
            }
            return outcome
        }
    }

    /// Checks the transition table, the caller's role, the triage and the hold; returns the
    /// target stage and the validated details.
    private static func check(_ request: TransitionRequest, on locked: LockedCase, by principal: Principal,
                              clock: WorkflowClock) throws -> (Stage, TransitionRequest) {
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
        do throws(WorkflowProblem) {
            return (target, try request.validated(for: target, grades: clock.settings.reviewGrades, today: clock.today))
        } catch {
            throw CaseActionError(error)
        }
    }

    /// One statement changes the stage (the trigger checks the table again), writes the event
    /// with the details and the audit row. A claim ends with the stage it was taken for; a
    /// leader's assignment stays until closing. `guarded`: only if the case is still as `seen`
    /// (nil otherwise).
    private static func move(_ seen: LockedCase, to target: Stage, details: TransitionRequest, by principal: Principal,
                             address: String, guarded: Bool, on connection: PostgresConnection) async throws -> Outcome? {
        let audit = AuditEvent(by: principal, action: "case.transition", entity: "case", entityID: String(seen.id), address: address,
                               summary: ["from": seen.stage.rawValue, "to": target.rawValue])
        let unchanged: PostgresQuery = guarded ? seen.unchangedCondition : "TRUE"
        guard let row = try await connection.query("""
            WITH moved AS (
                UPDATE cases c SET stage = \(target.rawValue),
                       regulation_track = regulation_track OR \(details.regulationTrack ?? false),
                       assignee_id = CASE WHEN lease_until IS NOT NULL OR \(target == .closed) THEN NULL ELSE assignee_id END,
                       lease_until = NULL
                WHERE c.id = \(seen.id) AND \(unchanged)
                RETURNING c.id
            ), event AS (
                INSERT INTO case_events (case_id, kind, from_stage, to_stage, actor_id, actor, note, payload)
                SELECT id, 'transition', \(seen.stage.rawValue), \(target.rawValue), \(principal.userID), \(principal.auditActor),
                       \(details.note ?? ""), \(PostgresJSON(details))
                FROM moved RETURNING id
            ), audit AS (
                INSERT INTO audit_events (actor, actor_label, action, entity, entity_id, address, summary)
                SELECT \(audit.actor)::text, \(audit.actorLabel)::text, \(audit.action)::text, \(audit.entity)::text,
                       \(audit.entityID)::text, \(audit.address)::text, \(PostgresJSON(audit.summary))::jsonb
                FROM moved
            )
            SELECT id FROM event
            """).first else { return nil }
        return Outcome(from: seen.stage, to: target, eventID: try row.decode(Int64.self, at: 0))
    }

    /// Whether the new stage implies more than the stage change (see `applySideEffects`).
    private static func hasSideEffects(_ details: TransitionRequest, target: Stage) -> Bool {
        switch target {
        case .review: details.regulationTrack == true
        case .followUp: !(details.clues ?? []).isEmpty
        case .resolved, .unresolved, .closed: true
        default: false
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
