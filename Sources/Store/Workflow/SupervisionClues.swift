import Domain
import Postgres

/// Supervision clues (监督线索): created in review, transferred to a named department, tracked
/// to a result (立案 / 不立案 / 其他). Each step is a case event, so the weekly summary can
/// count them by event time.
public enum SupervisionClues {
    /// The results a clue can reach.
    public static let results = ["立案", "不立案", "其他"]

    /// Adds a clue to a case (inside the caller's transaction).
    @discardableResult
    static func create(caseID: Int64, summary: String, by principal: Principal, on connection: PostgresConnection) async throws -> Int64 {
        let id = try await connection.query("""
            INSERT INTO supervision_clues (case_id, summary, created_by) VALUES (\(caseID), \(summary), \(principal.userID)) RETURNING id
            """)[0].decode(Int64.self, at: 0)
        try await CaseEvents.record("clue_created", caseID: caseID, by: principal, note: summary, payload: ["clue": String(id)], on: connection)
        return id
    }

    /// Adds a clue while the case is in review.
    public static func add(caseID: Int64, summary: String, by principal: Principal, address: String, using client: PostgresClient) async throws -> Int64 {
        let text = try CaseActionError.requiredText(summary, limit: 500, field: "summary", code: "clue.summary_missing", message: "请填写线索内容（不超过 500 字）。")
        return try await client.withTransaction { connection in
            let locked = try await LockedCase.lock(caseID, for: principal, on: connection)
            try locked.requireWorker(principal)
            guard locked.stage == .review else {
                throw CaseActionError(.conflict, code: "clue.wrong_stage", message: "监督线索在评查阶段提出；该案件当前处于“\(locked.stage.chineseName)”。")
            }
            let id = try await create(caseID: caseID, summary: text, by: principal, on: connection)
            try await AuditLog.append(AuditEvent(by: principal, action: "clue.create", entity: "clue", entityID: String(id), address: address,
                                                 summary: ["case": String(caseID)]), on: connection)
            return id
        }
    }

    /// Records the transfer of a clue to a department; returns the clue's case.
    @discardableResult
    public static func transfer(clueID: Int64, department: String, by principal: Principal, address: String, using client: PostgresClient) async throws -> Int64 {
        let department = try CaseActionError.requiredText(department, limit: 100, field: "department", code: "clue.department_missing", message: "请填写移送的部门（不超过 100 字）。")
        return try await update(clueID: clueID, by: principal, address: address, using: client) { caseID, connection in
            let rows = try await connection.query("""
                UPDATE supervision_clues SET department = \(department), transferred_at = now()
                WHERE id = \(clueID) AND transferred_at IS NULL RETURNING id
                """)
            guard !rows.isEmpty else { throw CaseActionError(.conflict, code: "clue.already_transferred", message: "该线索已移送。") }
            try await CaseEvents.record("clue_transferred", caseID: caseID, by: principal, note: department,
                                        payload: ["clue": String(clueID), "department": department], on: connection)
            return ["department": department]
        }
    }

    /// Records the result of a transferred clue; returns the clue's case.
    @discardableResult
    public static func recordResult(clueID: Int64, result: String, note: String?, by principal: Principal, address: String,
                                    using client: PostgresClient) async throws -> Int64 {
        guard results.contains(result) else {
            throw CaseActionError(.invalid, code: "clue.result_invalid", message: "线索结果应为：立案、不立案、其他。", field: "result")
        }
        return try await update(clueID: clueID, by: principal, address: address, using: client) { caseID, connection in
            let rows = try await connection.query("""
                UPDATE supervision_clues SET result = \(result), result_note = \(TransitionRequest.trimmed(note)), result_at = now()
                WHERE id = \(clueID) AND transferred_at IS NOT NULL AND result IS NULL RETURNING id
                """)
            guard !rows.isEmpty else {
                throw CaseActionError(.conflict, code: "clue.not_transferred", message: "线索须先移送，且只能记录一次结果。")
            }
            try await CaseEvents.record("clue_result", caseID: caseID, by: principal, note: TransitionRequest.trimmed(note),
                                        payload: ["clue": String(clueID), "result": result], on: connection)
            return ["result": result]
        }
    }

    /// Locks the clue's case within the caller's scope, runs `change`, audits.
    private static func update(clueID: Int64, by principal: Principal, address: String, using client: PostgresClient,
                               _ change: @Sendable @escaping (Int64, PostgresConnection) async throws -> [String: String]) async throws -> Int64 {
        try await client.withTransaction { connection in
            guard let caseID = try await connection.query("SELECT case_id FROM supervision_clues WHERE id = \(clueID)").first?
                .decode(Int64.self, at: 0) else {
                throw CaseActionError(.notFound, code: "clue.not_found", message: "找不到该线索，或您无权查看。")
            }
            _ = try await LockedCase.lock(caseID, for: principal, on: connection)
            guard AccessPolicy.canWorkCases(principal) else { throw CaseActionError.mayNotWork }
            let summary = try await change(caseID, connection)
            try await AuditLog.append(AuditEvent(by: principal, action: "clue.update", entity: "clue", entityID: String(clueID),
                                                 address: address, summary: summary), on: connection)
            return caseID
        }
    }
}
