import Foundation
import Domain
import Postgres

/// 移送: a leader moves a case to another procuratorate (院), with a reason.
///
/// The case keeps everything it has — stage, triage, deadlines (they run from receipt, not from
/// the unit), hold, clues, history — and changes hands:
/// - whoever held it lets go (they work in the old unit), and it waits in the new unit's queue
///   of its stage, where that unit's leaders assign it or its prosecutors claim it;
/// - a 包案 ends when its leader cannot see the new unit (a provincial leader's stays);
/// - from now on its unit is this decision: a partner's later correction of the region no longer
///   moves it, even in triage (`cases.unit_transferred_at`, `CorrectionEffects`).
///
/// The timeline gets a `transfer` event (note: `移送至…：reason`), the audit log `case.transfer`.
/// The leader may lose sight of the case by moving it out of their scope; the receipt says so.
public enum CaseTransfer {
    /// What a transfer did.
    public struct Receipt: Sendable, Codable, Equatable {
        public var caseID: Int64
        public var fromUnit: String
        public var toUnit: String
        /// The receiving procuratorate's name, e.g. 沈阳市人民检察院.
        public var toUnitName: String
        /// The holder who let go of the case, if it had one.
        public var releasedUserID: Int?
        /// The leader whose 包案 ended, if one did.
        public var leadEndedUserID: Int?
        /// Whether the leader who moved it can still see it (the new unit is within their scope).
        public var stillVisible: Bool

        enum CodingKeys: String, CodingKey {
            case caseID = "case_id", fromUnit = "from_unit", toUnit = "to_unit", toUnitName = "to_unit_name",
                 releasedUserID = "released_user_id", leadEndedUserID = "lead_ended_user_id", stillVisible = "still_visible"
        }
    }

    /// Moves an open case within the leader's scope to the unit `unitCode`.
    ///
    /// Refusals: `case.leader_only` (403), `case.closed` (409), `transfer.reason_missing`,
    /// `transfer.unit_unknown`, `transfer.same_unit` (422).
    public static func transfer(caseID: Int64, to unitCode: String, reason: String, by principal: Principal, address: String,
                                using client: PostgresClient) async throws -> Receipt {
        let reason = try CaseActionError.requiredText(reason, limit: 500, field: "reason", code: "transfer.reason_missing",
                                                      message: "移送案件必须填写理由（不超过 500 字）。")
        return try await client.withTransaction { connection in
            let locked = try await LockedCase.lock(caseID, for: principal, on: connection)
            guard AccessPolicy.canLeadCases(principal) else { throw CaseActionError.leadersOnly }
            try locked.requireOpen()
            let code = unitCode.trimmingCharacters(in: .whitespaces)
            guard let target = try await connection.query("SELECT name FROM units WHERE code = \(code)").first else {
                throw CaseActionError(.invalid, code: "transfer.unit_unknown", message: "找不到要移送的检察院（\(code)）。", field: "unit_code")
            }
            let targetName = try target.decode(String.self, at: 0)
            guard code != locked.unitCode else {
                throw CaseActionError(.invalid, code: "transfer.same_unit", message: "案件已由\(targetName)办理，无需移送。", field: "unit_code")
            }
            // One statement: the move, the holder let go, a 包案 ended when its leader's unit is
            // not above the new one; the old values come back for the event.
            let row = try await connection.query("""
                WITH before AS (
                    SELECT c.id, c.assignee_id, c.lead_leader_id,
                           c.lead_leader_id IS NOT NULL AND NOT EXISTS (
                               SELECT 1 FROM users l JOIN units lu ON lu.code = l.unit_code JOIN units t ON t.code = \(code)
                               WHERE l.id = c.lead_leader_id AND starts_with(t.path, lu.path)) AS lead_ends
                    FROM cases c WHERE c.id = \(caseID)
                )
                UPDATE cases c SET unit_code = \(code), assignee_id = NULL, lease_until = NULL, unit_transferred_at = now(),
                       lead_leader_id = CASE WHEN b.lead_ends THEN NULL ELSE c.lead_leader_id END,
                       lead_since = CASE WHEN b.lead_ends THEN NULL ELSE c.lead_since END,
                       lead_target_date = CASE WHEN b.lead_ends THEN NULL ELSE c.lead_target_date END,
                       updated_at = now()
                FROM before b WHERE c.id = b.id
                RETURNING b.assignee_id, CASE WHEN b.lead_ends THEN b.lead_leader_id END
                """)[0]
            let (released, leadEnded) = try row.decode((Int?, Int?).self)
            var payload = ["from": locked.unitCode, "to": code, "reason": reason]
            payload["released_user"] = released.map(String.init)
            payload["lead_ended"] = leadEnded.map(String.init)
            try await CaseEvents.record("transfer", caseID: caseID, by: principal, note: "移送至\(targetName)：\(reason)",
                                        payload: payload, on: connection)
            try await AuditLog.append(AuditEvent(by: principal, action: "case.transfer", entity: "case", entityID: String(caseID),
                                                 address: address, summary: ["from": locked.unitCode, "to": code, "reason": reason]),
                                      on: connection)
            let visible = try await !connection.query("""
                SELECT 1 FROM cases c WHERE c.id = \(caseID) AND \(CaseQueries.scope(principal))
                """).isEmpty
            return Receipt(caseID: caseID, fromUnit: locked.unitCode, toUnit: code, toUnitName: targetName,
                           releasedUserID: released, leadEndedUserID: leadEnded, stillVisible: visible)
        }
    }

    /// Every procuratorate a case can be moved to, in tree order (province, each city, its
    /// counties). Names of procuratorates are not scoped: a leader moves cases out of their scope.
    public static func destinations(using client: PostgresClient) async throws -> [Unit] {
        try await client.query("SELECT u.code, u.name, u.level, u.parent_code FROM units u ORDER BY u.path").map(UnitRepository.decode)
    }
}
