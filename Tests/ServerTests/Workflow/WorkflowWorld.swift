import Domain
import Foundation
import Postgres
import Server
import Store
import TestSupport

/// The identity fixture plus cases: uploads small batches through the real intake and gives
/// the principals of the fixture's users, for workflow tests.
struct WorkflowWorld: Sendable {
    let client: PostgresClient
    let identity: IdentityFixture

    static func make(client: PostgresClient) async throws -> WorkflowWorld {
        WorkflowWorld(client: client, identity: try await IdentityFixture.make(client: client))
    }

    /// The principal of a fixture user, as the API would see it.
    func principal(_ login: String) async throws -> Principal {
        try await APIKeyRepository(client: client).authenticate(identity.tokens[login]!.plaintext)
    }

    /// The API token of a fixture user.
    func token(_ login: String) -> String { identity.tokens[login]!.plaintext }

    /// Handover rows: petition-related ones say 是否已信访=是 and mention the 信访局.
    static func rows(_ count: Int, prefix: String, petition: Bool, region: String = "锦州", claimSuffix: String = "") -> [String] {
        let codes = ["91210700MADR9L8F50", "91210231550644863P", "91110000600037341L"]
        return (1...count).map { n in
            let ref = "\(prefix)-\(n)"
            let claim = petition ? "多次到市信访局反映，要求退还履约保证金\(n)万元\(claimSuffix)" : "要求退还履约保证金\(n)万元\(claimSuffix)"
            return "\(n),\(ref),\(prefix)企业\(n)有限公司,\(codes[n % 3]),\(region),民营,王某\(n),11010519491231002X,13804165678,"
                + "\(prefix)某局\(n),申诉,\(claim),\(petition ? "是" : "否"),2026-11-20"
        }
    }

    /// Uploads rows as partner A's batch (by `uploader`: the fixture's setup actor unless said) and
    /// returns its summary.
    @discardableResult
    func upload(_ rows: [String], by uploader: AuditEvent = IdentityFixture.setupActor) async throws -> BatchSummary {
        try await BatchIntake(client: client).submit(BatchSubmission(
            partnerID: identity.partnerA.id, batchNumber: nil, uploader: uploader,
            payload: BatchSamples.csv(rows), idempotencyKey: nil, dryRun: false))
    }

    /// Uploads one petition-related case (案件编号 `PREFIX-1`) and has leader.jz take it through
    /// evaluation into review with these findings (risk, merits, jurisdiction, 信访条例 track).
    func caseInReview(_ prefix: String, risk: String = "中", merits: String = "有理", jurisdiction: String = "本院管辖",
                      regulationTrack: Bool? = nil) async throws -> Int64 {
        try await upload(Self.rows(1, prefix: prefix, petition: true))
        let id = try await caseID("\(prefix)-1")
        let leader = try await principal("leader.jz")
        _ = try await CaseTransitions.perform(caseID: id, TransitionRequest(to: .evaluation), by: leader, address: "t", using: client)
        var evaluated = TransitionRequest(to: .review)
        (evaluated.riskLevel, evaluated.merits, evaluated.jurisdiction, evaluated.regulationTrack) = (risk, merits, jurisdiction, regulationTrack)
        _ = try await CaseTransitions.perform(caseID: id, evaluated, by: leader, address: "t", using: client)
        return id
    }

    /// The id of the case with this 案件编号.
    func caseID(_ ref: String) async throws -> Int64 {
        try await client.query("SELECT id FROM cases WHERE external_ref = \(ref)")[0].decode(Int64.self, at: 0)
    }

    /// The case's stage, holder and triage as stored.
    func state(_ id: Int64) async throws -> (stage: String, assignee: Int?, leased: Bool, petition: Bool?) {
        let row = try await client.query("SELECT stage, assignee_id, lease_until IS NOT NULL, petition_related FROM cases WHERE id = \(id)")[0]
        let (stage, assignee, leased, petition) = try row.decode((String, Int?, Bool, Bool?).self)
        return (stage, assignee, leased, petition)
    }

    /// The kinds of the case's events, in order.
    func eventKinds(_ id: Int64) async throws -> [String] {
        try await client.query("SELECT kind FROM case_events WHERE case_id = \(id) ORDER BY id").map { try $0.decode(String.self, at: 0) }
    }
}
