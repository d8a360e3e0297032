import Domain
import Foundation
import Postgres
import Store
import Testing
import TestSupport

/// A partner corrects a case (the same 案件编号 in a later batch) while prosecutors work on it:
/// the data always changes; the unit and the triage follow it only while the case is in triage.
@Suite("Corrections of cases in handling", .serialized)
struct CorrectionTests {
    /// The case's unit, region, triage reasons and version as stored.
    private func facts(_ id: Int64, _ world: WorkflowWorld) async throws -> (unit: String, region: String, reasons: [String], version: Int) {
        let row = try await world.client.query("SELECT unit_code, region_code, triage_reasons, version FROM cases WHERE id = \(id)")[0]
        let (unit, region, reasons, version) = try row.decode((String, String, [String], Int).self)
        return (unit, region, reasons, version)
    }

    /// The note and payload of the case's last `update` event.
    private func lastUpdate(_ id: Int64, _ world: WorkflowWorld) async throws -> (note: String, payload: [String: Any]) {
        let row = try await world.client.query("""
            SELECT note, payload::text FROM case_events WHERE case_id = \(id) AND kind = 'update' ORDER BY id DESC LIMIT 1
            """)[0]
        let (note, payload) = try row.decode((String, String).self)
        return (note, try JSONSerialization.jsonObject(with: Data(payload.utf8)) as! [String: Any])
    }

    @Test("in triage, a correction decides the triage again and moves the case to its region's unit; its holder lets go")
    func inTriage() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            try await world.upload(WorkflowWorld.rows(1, prefix: "T", petition: true))
            let id = try await world.caseID("T-1")
            let holder = try await world.principal("pros.jz")
            #expect(try await CaseQueue.claimNext(unit: nil, stage: .triage, by: holder, address: "t", using: client) == id)

            let corrected = try await world.upload(WorkflowWorld.rows(1, prefix: "T", petition: false, region: "沈阳", claimSuffix: "（更正）"))
            #expect(corrected.counts.updated == 1)
            let state = try await world.state(id)
            #expect(state.stage == "triage" && state.petition == false, "re-triaged on the corrected claim")
            #expect(state.assignee == nil && !state.leased, "the 锦州 prosecutor no longer holds a 沈阳 case")
            #expect(try await facts(id, world).unit == "210100")
            let shenyang = try await world.principal("pros.sy")
            #expect(try await CaseQueue.claimNext(unit: nil, stage: .triage, by: shenyang, address: "t", using: client) == id)

            let update = try await lastUpdate(id, world)
            #expect(update.note.contains("转由沈阳市人民检察院分流"), "\(update.note)")
            #expect(update.note.contains("原领取人已不再持有该案件"))
            #expect(update.payload["unit_from"] as? String == "210700" && update.payload["unit_to"] as? String == "210100")
            #expect(update.payload["released_user"] as? Int == world.identity.user("pros.jz").id)
            #expect(update.payload["petition_related"] as? Bool == false)
        }
    }

    @Test("past triage, a correction changes the data but keeps the unit and the triage, and says where they disagree")
    func pastTriage() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            try await world.upload(WorkflowWorld.rows(2, prefix: "P", petition: true))
            let (moved, plain) = (try await world.caseID("P-1"), try await world.caseID("P-2"))
            let leader = try await world.principal("leader.jz")
            for id in [moved, plain] {
                _ = try await CaseTransitions.perform(caseID: id, TransitionRequest(to: .evaluation), by: leader, address: "t", using: client)
            }
            let before = try await facts(moved, world)

            // P-1 now says 沈阳 and reads as an ordinary matter; P-2 only adds to its claim.
            let rows = [WorkflowWorld.rows(1, prefix: "P", petition: false, region: "沈阳", claimSuffix: "（更正）")[0],
                        WorkflowWorld.rows(2, prefix: "P", petition: true, claimSuffix: "（补充材料）")[1]]
            let corrected = try await world.upload(rows)
            #expect(corrected.counts.updated == 2)

            let state = try await world.state(moved)
            #expect(state.stage == "evaluation" && state.petition == true, "a case in 评估 stays petition-related")
            let after = try await facts(moved, world)
            #expect(after.unit == "210700", "the procuratorate working it keeps it")
            #expect(after.region == "210100" && after.version == before.version + 1, "the data is corrected")
            #expect(after.reasons == before.reasons, "the reasons still explain the decision in force")
            #expect(try await client.query("SELECT count(*) FROM case_versions WHERE case_id = \(moved)")[0].decode(Int.self, at: 0) == 1)
            let shenyang = try await world.principal("pros.sy")
            #expect(try await CaseQueue.claimNext(unit: nil, stage: .evaluation, by: shenyang, address: "t", using: client) == nil)

            let update = try await lastUpdate(moved, world)
            #expect(update.note.contains("更正后的所在地区属沈阳市人民检察院管辖"), "\(update.note)")
            #expect(update.note.contains("自动分流为“其他案件”") && update.note.contains("请承办人复核"))
            #expect(update.payload["region_unit"] as? String == "210100")
            #expect(update.payload["triage_auto_now"] as? Bool == false)
            #expect(update.payload["petition_related"] as? Bool == true)
            #expect(update.payload["unit_to"] == nil)

            let quiet = try await lastUpdate(plain, world)
            #expect(quiet.note == "合作单位更正了案件信息")
            #expect(Set(quiet.payload.keys) == ["batch", "row", "petition_related"])
            #expect(try await world.state(plain).stage == "evaluation")
        }
    }
}
