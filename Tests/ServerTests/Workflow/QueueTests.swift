import Domain
import Foundation
import Postgres
import Server
import Store
import Testing
import TestSupport

@Suite("work queues")
struct QueueTests {
    @Test("concurrent claimers never get the same case, and every case is claimed exactly once (many rounds)")
    func noDoubleClaims() async throws {
        try await TestDatabase.withClient(maximumConnections: 12) { client in
            let world = try await WorkflowWorld.make(client: client)
            try await world.upload(WorkflowWorld.rows(60, prefix: "Q", petition: true))
            let claimers = [try await world.principal("pros.jz"), try await world.principal("leader.jz")]
            for round in 0..<5 {
                try await client.query("UPDATE cases SET assignee_id = NULL, lease_until = NULL")
                let claimed = try await withThrowingTaskGroup(of: [Int64].self) { group in
                    for worker in 0..<8 {
                        let principal = claimers[worker % 2]
                        group.addTask {
                            var mine: [Int64] = []
                            while let id = try await CaseQueue.claimNext(unit: "210700", stage: .triage, by: principal, address: "t", using: client) {
                                mine.append(id)
                            }
                            return mine
                        }
                    }
                    return try await group.reduce(into: []) { $0 += $1 }
                }
                #expect(claimed.count == 60, "round \(round): every case claimed")
                #expect(Set(claimed).count == 60, "round \(round): no case claimed twice")
            }
            let claimEvents = try await client.query("SELECT count(*), count(DISTINCT case_id) FROM case_events WHERE kind = 'claim'")[0]
            #expect(try claimEvents.decode(Int.self, at: 0) == 300)
        }
    }

    @Test("claim next takes the oldest-due case first and skips held and on-hold cases")
    func order() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            try await world.upload(WorkflowWorld.rows(3, prefix: "O", petition: true))
            let (a, b, c) = (try await world.caseID("O-1"), try await world.caseID("O-2"), try await world.caseID("O-3"))
            try await client.query("UPDATE cases SET next_due_on = '2026-12-20' WHERE id = \(a)")
            try await client.query("UPDATE cases SET next_due_on = '2026-12-01' WHERE id = \(b)")
            try await client.query("UPDATE cases SET next_due_on = '2026-11-30', on_hold_since = '2026-11-25' WHERE id = \(c)")
            let me = try await world.principal("pros.jz")
            #expect(try await CaseQueue.claimNext(unit: nil, stage: .triage, by: me, address: "t", using: client) == b)
            #expect(try await CaseQueue.claimNext(unit: nil, stage: .triage, by: me, address: "t", using: client) == a)
            #expect(try await CaseQueue.claimNext(unit: nil, stage: .triage, by: me, address: "t", using: client) == nil)
        }
    }

    @Test("a prosecutor claims only in their own unit; a leader also in the units below")
    func claimScope() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            try await world.upload(WorkflowWorld.rows(1, prefix: "LH", petition: true, region: "凌海市"))
            let prosJZ = try await world.principal("pros.jz"), leader = try await world.principal("leader.jz")
            let prosSY = try await world.principal("pros.sy")
            #expect(try await CaseQueue.claimNext(unit: "210781", stage: .triage, by: prosJZ, address: "t", using: client) == nil)
            #expect(try await CaseQueue.claimNext(unit: "210781", stage: .triage, by: prosSY, address: "t", using: client) == nil)
            #expect(try await CaseQueue.claimNext(unit: "210781", stage: .triage, by: leader, address: "t", using: client) != nil)
            let office = try await world.principal("office")
            await #expect(throws: CaseActionError.self) {
                _ = try await CaseQueue.claimNext(unit: "210781", stage: .triage, by: office, address: "t", using: client)
            }
        }
    }

    @Test("an expired claim returns to the queue with one event; the former holder can no longer act")
    func leaseExpiry() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            try await world.upload(WorkflowWorld.rows(2, prefix: "L", petition: true))
            let me = try await world.principal("pros.jz")
            let id = try #require(try await CaseQueue.claimNext(unit: nil, stage: .triage, by: me, address: "t", using: client))
            #expect(try await CaseQueue.renew(caseID: id, by: me, using: client))
            #expect(try await CaseQueue.expireLeases(using: client) == 0, "a live lease stays")
            try await client.query("UPDATE cases SET lease_until = now() - interval '1 second' WHERE id = \(id)")
            #expect(try await CaseQueue.expireLeases(using: client) == 1)
            #expect(try await CaseQueue.expireLeases(using: client) == 0)
            #expect(try await world.state(id).assignee == nil)
            #expect(try await world.eventKinds(id).last == "lease_expired")
            #expect(try await !CaseQueue.renew(caseID: id, by: me, using: client))
            do {
                _ = try await CaseTransitions.perform(caseID: id, TransitionRequest(to: .evaluation), by: me, address: "t", using: client)
                Issue.record("the former holder must not move the case")
            } catch let error as CaseActionError {
                #expect(error.code == "case.not_held")
            }
            // The next claim takes it again.
            let other = try await world.principal("leader.jz")
            #expect(try await CaseQueue.claimNext(unit: nil, stage: .triage, by: other, address: "t", using: client) != nil)
        }
    }

    @Test("a leader assigns a case to a prosecutor of its unit (no lease, it does not expire); not across units, not by a prosecutor")
    func assign() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            try await world.upload(WorkflowWorld.rows(1, prefix: "LH", petition: true, region: "凌海市"))
            let id = try await world.caseID("LH-1")
            let leader = try await world.principal("leader.jz")
            let prosLH = world.identity.user("pros.lh").id
            try await CaseAssignment.assign(caseID: id, to: prosLH, by: leader, address: "t", using: client)
            #expect(try await world.state(id).assignee == prosLH)
            #expect(try await !world.state(id).leased, "an assignment is not a lease")
            #expect(try await CaseQueue.expireLeases(using: client) == 0)
            do {
                try await CaseAssignment.assign(caseID: id, to: world.identity.user("pros.sy").id, by: leader, address: "t", using: client)
                Issue.record("a prosecutor of another unit cannot receive the case")
            } catch let error as CaseActionError {
                #expect(error.code == "assign.user_invalid")
            }
            let prosecutor = try await world.principal("pros.lh")
            await #expect(throws: CaseActionError.leadersOnlyForTests) {
                try await CaseAssignment.assign(caseID: id, to: prosLH, by: prosecutor, address: "t", using: client)
            }
            // The assignee can now work it; the event names both sides.
            _ = try await CaseTransitions.perform(caseID: id, TransitionRequest(to: .evaluation), by: prosecutor, address: "t", using: client)
            #expect(try await world.state(id).assignee == prosLH, "an assignment survives transitions until closing")
            let payload = try await client.query("SELECT payload->>'to' FROM case_events WHERE case_id = \(id) AND kind = 'assign'")[0]
                .decode(String.self, at: 0)
            #expect(payload == String(prosLH))
        }
    }

    @Test("bulk reassignment: the dry run lists exactly the moves the real run makes; cases of other units stay")
    func bulkReassign() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            try await world.upload(WorkflowWorld.rows(5, prefix: "B", petition: true) + WorkflowWorld.rows(2, prefix: "C", petition: true, region: "凌海市"))
            let leader = try await world.principal("leader.jz")
            let prosJZ = world.identity.user("pros.jz").id, prosLH = world.identity.user("pros.lh").id
            // pros.jz holds the five 锦州 cases; pros.lh the two 凌海 ones.
            try await client.query("UPDATE cases SET assignee_id = \(prosJZ) WHERE unit_code = '210700'")
            try await client.query("UPDATE cases SET assignee_id = \(prosLH) WHERE unit_code = '210781'")
            // A closed case is not moved.
            try await client.query("UPDATE cases SET stage = 'referred', petition_related = false WHERE external_ref = 'B-5'")
            try await client.query("UPDATE cases SET stage = 'closed' WHERE external_ref = 'B-5'")
            let leaderID = world.identity.user("leader.jz").id
            let preview = try await CaseAssignment.bulkReassign(from: prosJZ, to: leaderID, dryRun: true, by: leader, address: "t", using: client)
            #expect(preview.count == 4)
            #expect(try await client.query("SELECT count(*) FROM cases WHERE assignee_id = \(leaderID)")[0].decode(Int.self, at: 0) == 0,
                    "a dry run changes nothing")
            let real = try await CaseAssignment.bulkReassign(from: prosJZ, to: leaderID, dryRun: false, by: leader, address: "t", using: client)
            #expect(real == preview)
            #expect(try await client.query("SELECT count(*) FROM cases WHERE assignee_id = \(leaderID)")[0].decode(Int.self, at: 0) == 4)
            // pros.lh's 凌海 cases cannot go to pros.jz (another unit): listed as skipped, not moved.
            let across = try await CaseAssignment.bulkReassign(from: prosLH, to: prosJZ, dryRun: false, by: leader, address: "t", using: client)
            #expect(across.count == 2 && across.allSatisfy { $0.skippedBecause != nil })
            #expect(try await client.query("SELECT count(*) FROM cases WHERE assignee_id = \(prosLH)")[0].decode(Int.self, at: 0) == 2)
            let prosecutor = try await world.principal("pros.jz")
            await #expect(throws: CaseActionError.leadersOnlyForTests) {
                _ = try await CaseAssignment.bulkReassign(from: prosLH, to: prosJZ, dryRun: true, by: prosecutor, address: "t", using: client)
            }
        }
    }
}

extension CaseActionError {
    static let leadersOnlyForTests = CaseActionError(.forbidden, code: "case.leader_only", message: "此操作需要院领导权限。")
}
