import Domain
import Postgres

/// 核对疑似重复 (sql/0027): whoever works a case that intake flagged as a possible duplicate of a
/// stored one says, once and with a note, whether it is the same matter (`confirmed`) or a
/// different one (`dismissed`). The link to the other case stays either way, so the check can
/// be read later beside what it checked.
public enum CaseDuplicateReview {
    /// Records the finding on the flagged case: its holder or a leader over its unit, while it is
    /// open; an event on the case (the note, the other case, the finding) and an audit row
    /// `case.duplicate_review`, in one transaction.
    public static func record(caseID: Int64, _ finding: DuplicateFinding, note: String, by principal: Principal, address: String,
                              using client: PostgresClient) async throws {
        let note = try CaseActionError.requiredText(note, limit: 500, field: "note", code: "duplicate.note_missing",
                                                    message: "请写明核对意见（不超过 500 字），例如与哪件案件是否为同一事项。")
        try await client.withTransaction { connection in
            let locked = try await LockedCase.lock(caseID, for: principal, on: connection)
            try locked.requireWorker(principal)
            try locked.requireOpen()
            let (other, reviewed) = try await connection.query(
                "SELECT possible_duplicate_of, duplicate_review FROM cases WHERE id = \(caseID)")[0].decode((Int64?, String?).self)
            guard let other else {
                throw CaseActionError(.conflict, code: "duplicate.not_flagged", message: "该案件没有疑似重复的标记，无需核对。")
            }
            if let reviewed, let earlier = DuplicateFinding(rawValue: reviewed) {
                throw CaseActionError(.conflict, code: "duplicate.already_reviewed", message: "该疑似重复已核对过：\(earlier.chineseName)。")
            }
            try await connection.query("UPDATE cases SET duplicate_review = \(finding.rawValue) WHERE id = \(caseID)")
            _ = try await CaseEvents.record("duplicate_review", caseID: caseID, by: principal, note: note,
                                            payload: ["of": String(other), "finding": finding.rawValue], on: connection)
            try await CaseEvents.renewLease(caseID: caseID, principal: principal, on: connection)
            try await AuditLog.append(AuditEvent(by: principal, action: "case.duplicate_review", entity: "case", entityID: String(caseID),
                                                 address: address, summary: ["of": String(other), "finding": finding.rawValue]),
                                      on: connection)
        }
    }
}
