import Domain
import Postgres

/// Writes a case event row (the timeline) for an action.
enum CaseEvents {
    @discardableResult
    static func record(_ kind: String, caseID: Int64, by principal: Principal, from: Stage? = nil, to: Stage? = nil, note: String? = nil,
                       payload: [String: String] = [:], deadlineID: Int64? = nil, on connection: PostgresConnection) async throws -> Int64 {
        try await record(kind, caseID: caseID, by: principal, from: from, to: to, note: note, details: payload,
                         deadlineID: deadlineID, on: connection)
    }

    /// Records an event whose payload is any encodable value (a transition's details).
    @discardableResult
    static func record<Details: Codable & Sendable>(_ kind: String, caseID: Int64, by principal: Principal, from: Stage? = nil, to: Stage? = nil,
                                                    note: String? = nil, details: Details, deadlineID: Int64? = nil,
                                                    on connection: PostgresConnection) async throws -> Int64 {
        try await connection.query("""
            INSERT INTO case_events (case_id, kind, from_stage, to_stage, actor_id, actor, note, payload, deadline_id)
            VALUES (\(caseID), \(kind), \(from?.rawValue), \(to?.rawValue), \(principal.userID), \(principal.auditActor),
                    \(note ?? ""), \(PostgresJSON(details)), \(deadlineID))
            RETURNING id
            """)[0].decode(Int64.self, at: 0)
    }

    /// Renews the holder's lease when the holder acts (a leader's assignment has no lease).
    static func renewLease(caseID: Int64, principal: Principal, on connection: PostgresConnection) async throws {
        try await connection.query("""
            UPDATE cases SET lease_until = now() + make_interval(mins => (SELECT lease_minutes FROM workflow_settings))
            WHERE id = \(caseID) AND assignee_id = \(principal.userID) AND lease_until IS NOT NULL
            """)
    }
}
