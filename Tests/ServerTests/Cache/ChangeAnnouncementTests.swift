import Domain
import Foundation
import Postgres
import Store
import Testing
import TestSupport

/// What the database announces on `huqi_cache` (sql/0016) for each kind of write: the caches
/// are only as right as these announcements.
@Suite("change announcements")
struct ChangeAnnouncementTests {
    /// Runs `write` and returns what was announced while it ran (and for a moment after).
    func announcements(on client: PostgresClient, during write: () async throws -> Void) async throws -> [String] {
        let listener = try await PostgresConnection.connect(configuration: client.configuration, logger: TestDatabase.logger)
        try await listener.listen(DataChange.channel)
        try await write()
        try await client.query("SELECT pg_notify(\(DataChange.channel), 'test:end')")
        var payloads: [String] = []
        let deadline = ContinuousClock.now + .seconds(5)
        while !payloads.contains("test:end"), ContinuousClock.now < deadline {
            payloads += try await listener.pollNotifications(timeoutMilliseconds: 100).map(\.payload)
        }
        await listener.close()
        return payloads.filter { $0 != "test:end" }
    }

    @Test("a workflow write names its case; an upload says 'all' once instead of once per row")
    func caseWrites() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            let upload = try await announcements(on: client) {
                try await world.upload(WorkflowWorld.rows(30, prefix: "N", petition: true))
            }
            #expect(upload == ["all"])

            let id = try await world.caseID("N-1")
            let leader = try await world.principal("leader.jz")
            let moved = try await announcements(on: client) {
                _ = try await CaseTransitions.perform(caseID: id, TransitionRequest(to: .evaluation), by: leader, address: "t", using: client)
            }
            #expect(moved == ["case:\(id)"], "one announcement per case and transaction, however many rows changed")
            let held = try await announcements(on: client) {
                try await CaseHolds.hold(caseID: id, reason: "等待补充材料", by: leader, address: "t", using: client)
            }
            #expect(held == ["case:\(id)"])
            let reviewed = try await world.caseInReview("M")
            let clue = try await announcements(on: client) {
                _ = try await SupervisionClues.add(caseID: reviewed, summary: "超期未答复", by: leader, address: "t", using: client)
            }
            #expect(clue == ["case:\(reviewed)"])
            let silent = try await announcements(on: client) {
                try await client.query("UPDATE cases SET enterprise_name = enterprise_name WHERE id = \(id) AND false")
            }
            #expect(silent.isEmpty)
        }
    }

    @Test("who people are and the calendar say 'all'; a password or a key's last use says nothing")
    func sharedWrites() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            let userID = world.identity.user("pros.jz").id
            #expect(try await announcements(on: client) {
                try await client.query("UPDATE users SET display_name = '锦州检察官甲' WHERE id = \(userID)")
            } == ["all"])
            #expect(try await announcements(on: client) {
                try await client.query("UPDATE users SET password_hash = '$2b$04$abcdefghijklmnopqrstuuvwxyzabcdefghijklmnopqrstuvwxy' WHERE id = \(userID)")
            }.isEmpty)
            #expect(try await announcements(on: client) {
                try await client.query("UPDATE api_keys SET last_used_at = now()")
            }.isEmpty)
            #expect(try await announcements(on: client) {
                try await client.query("UPDATE api_keys SET revoked_at = now() WHERE user_id = \(userID)")
            } == ["all"])
            #expect(try await announcements(on: client) {
                try await client.query("UPDATE workflow_settings SET near_due_working_days = near_due_working_days + 1")
            } == ["all"])
            #expect(try await announcements(on: client) {
                do {
                    try await client.withTransaction { connection in
                        try await connection.query("UPDATE users SET display_name = '不会提交' WHERE id = \(userID)")
                        throw CancellationError()
                    }
                } catch is CancellationError {}
            }.isEmpty, "a rolled-back change announces nothing")
        }
    }
}
