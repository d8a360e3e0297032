import Domain
import Postgres

/// 批量移送: several cases to one procuratorate with one reason (the case list's form and
/// `POST /api/v1/cases/transfer`). Each case moves through `transfer` in its own transaction,
/// with its own event and audit row; a case that cannot move is named with its refusal and the
/// rest go on. What is the same for every case — the caller a leader, the reason, the
/// procuratorate, how many — is checked first, so a wrong one moves nothing.
extension CaseTransfer {
    /// The most cases one request moves.
    public static let manyLimit = 100

    /// A case that did not move, and why.
    public struct Refusal: Sendable, Equatable {
        public var caseID: Int64
        public var error: CaseActionError
    }

    /// What a bulk move did, in case-id order.
    public struct ManyOutcome: Sendable, Equatable {
        public var moved: [Receipt] = []
        public var refused: [Refusal] = []
    }

    /// Moves each of `caseIDs` (duplicates once) to `unitCode`. Throws `CaseActionError` —
    /// `case.leader_only`, `transfer.none`, `transfer.too_many`, `transfer.reason_missing`,
    /// `transfer.unit_unknown` — before moving anything.
    public static func transferEach(caseIDs: [Int64], to unitCode: String, reason: String, by principal: Principal, address: String,
                                    using client: PostgresClient) async throws -> ManyOutcome {
        guard AccessPolicy.canLeadCases(principal) else { throw CaseActionError.leadersOnly }
        let ids = Array(Set(caseIDs)).sorted()
        guard !ids.isEmpty else {
            throw CaseActionError(.invalid, code: "transfer.none", message: "请先选择要移送的案件。", field: "case_ids")
        }
        guard ids.count <= manyLimit else {
            throw CaseActionError(.invalid, code: "transfer.too_many", message: "一次最多移送 \(manyLimit) 件，这次选了 \(ids.count) 件。",
                                  field: "case_ids")
        }
        _ = try CaseActionError.requiredText(reason, limit: 500, field: "reason", code: "transfer.reason_missing",
                                             message: "移送案件必须填写理由（不超过 500 字）。")
        let code = unitCode.trimmingCharacters(in: .whitespaces)
        guard try await !client.query("SELECT 1 FROM units WHERE code = \(code)").isEmpty else {
            throw CaseActionError(.invalid, code: "transfer.unit_unknown", message: "找不到要移送的检察院（\(code)）。", field: "unit_code")
        }
        var outcome = ManyOutcome()
        for id in ids {
            do {
                outcome.moved.append(try await transfer(caseID: id, to: code, reason: reason, by: principal, address: address, using: client))
            } catch let error as CaseActionError {
                outcome.refused.append(Refusal(caseID: id, error: error))
            }
        }
        return outcome
    }
}
