import Domain
import Foundation
import Postgres
import Store
import Testing
import TestSupport

@Suite("audit log")
struct AuditLogTests {
    func appendSome(_ client: PostgresClient, count: Int) async throws {
        for n in 0..<count {
            try await client.withTransaction { connection in
                try await AuditLog.append(AuditEvent(actor: "user:\(n)", actorLabel: "检察官\(n)", action: "case.transition",
                                                     entity: "case", entityID: "\(n)", summary: ["from": "评估", "to": "评查"]), on: connection)
            }
        }
    }

    @Test("a fresh chain verifies intact with its event count")
    func intact() async throws {
        try await TestDatabase.withClient { client in
            try await appendSome(client, count: 12)
            #expect(try await AuditLog.verify(using: client) == .intact(events: 12))
        }
    }

    @Test("concurrent writers keep the chain intact")
    func concurrentWriters() async throws {
        try await TestDatabase.withClient(maximumConnections: 8) { client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<8 { group.addTask { try await appendSome(client, count: 10) } }
                try await group.waitForAll()
            }
            #expect(try await AuditLog.verify(using: client) == .intact(events: 80))
        }
    }

    @Test("the application's role cannot update, delete or truncate audit rows")
    func appendOnly() async throws {
        try await TestDatabase.withClient { client in
            try await appendSome(client, count: 3)
            for statement: PostgresQuery in ["UPDATE audit_events SET actor = 'x' WHERE id = 2", "DELETE FROM audit_events WHERE id = 2", "TRUNCATE audit_events"] {
                let error = try await #require(throws: PostgresError.self) { try await client.query(statement) }
                #expect(error.sqlState == "42501")
            }
            #expect(try await AuditLog.verify(using: client) == .intact(events: 3))
        }
    }

    @Test("a row altered by a superuser who bypasses the trigger is reported as the first broken link")
    func tamperedRow() async throws {
        try await TestDatabase.withClient { client in
            try await appendSome(client, count: 5)
            try await client.withConnection { connection in
                try await connection.query("SET session_replication_role = replica")  // superuser: triggers off
                try await connection.query("UPDATE audit_events SET summary = '{\"to\": \"已化解\"}' WHERE id = 3")
                try await connection.query("SET session_replication_role = origin")
            }
            guard case .broken(let id, let reason) = try await AuditLog.verify(using: client) else {
                Issue.record("tampering was not detected")
                return
            }
            #expect(id == 3)
            #expect(reason.contains("被改动"))
        }
    }

    @Test("a row deleted by a superuser is found: inside a transaction by the next row's link, alone by its orphaned seal")
    func deletedRow() async throws {
        try await TestDatabase.withClient { client in
            try await appendSome(client, count: 3)  // ids 1–3, one transaction each
            try await client.withTransaction { connection in  // ids 4–6 in one transaction
                for n in 4...6 {
                    try await AuditLog.append(AuditEvent(actor: "user:\(n)", action: "case.transition", entity: "case", entityID: "\(n)"), on: connection)
                }
            }
            #expect(try await AuditLog.verify(using: client) == .intact(events: 6))
            try await client.withConnection { connection in
                try await connection.query("SET session_replication_role = replica")
                try await connection.query("DELETE FROM audit_events WHERE id = 5")
                try await connection.query("SET session_replication_role = origin")
            }
            guard case .broken(let id, let reason) = try await AuditLog.verify(using: client) else {
                Issue.record("deletion inside a transaction was not detected")
                return
            }
            #expect(id == 6, "the row after the deleted one no longer links: \(reason)")
            try await client.withConnection { connection in
                try await connection.query("SET session_replication_role = replica")
                try await connection.query("DELETE FROM audit_events WHERE id >= 2")
                try await connection.query("SET session_replication_role = origin")
            }
            guard case .broken(let alone, let why) = try await AuditLog.verify(using: client) else {
                Issue.record("deleting whole transactions was not detected")
                return
            }
            #expect(alone == 2)
            #expect(why.contains("整体删除"))
        }
    }

    @Test("a row written around the triggers has no seal and is reported")
    func unsealedRow() async throws {
        try await TestDatabase.withClient { client in
            try await appendSome(client, count: 2)
            try await client.withConnection { connection in
                try await connection.query("SET session_replication_role = replica")
                try await connection.query("""
                    INSERT INTO audit_events (id, actor, action, prev_hash, hash, tx_id)
                    VALUES (99, 'x', 'case.forged', decode(repeat('00', 32), 'hex'), sha256('x'), 424242)
                    """)
                try await connection.query("SET session_replication_role = origin")
            }
            guard case .broken(let id, _) = try await AuditLog.verify(using: client) else {
                Issue.record("a forged row was not detected")
                return
            }
            #expect(id == 99)
        }
    }

    @Test("the seals are append-only too")
    func sealsAppendOnly() async throws {
        try await TestDatabase.withClient { client in
            try await appendSome(client, count: 2)
            #expect(try await AuditLog.sealPending(wait: true, using: client) == 2)
            for statement: PostgresQuery in ["UPDATE audit_seals SET events = 9", "DELETE FROM audit_seals", "TRUNCATE audit_seals"] {
                let error = try await #require(throws: PostgresError.self) { try await client.query(statement) }
                #expect(error.sqlState == "42501")
            }
        }
    }

    @Test("a commit leaves a seal request without taking the seal lock; sealing chains the requests in the order they were written")
    func sealRequests() async throws {
        try await TestDatabase.withClient(maximumConnections: 3) { client in
            try await appendSome(client, count: 3)
            let before = try await client.query("SELECT (SELECT count(*) FROM audit_pending), (SELECT count(*) FROM audit_seals)")[0]
            #expect(try before.decode((Int, Int).self) == (3, 0))
            // While another session holds the seal lock, a commit still goes through, and a
            // non-waiting sealer returns at once.
            try await client.withTransaction { holder in
                try await holder.query("SELECT pg_advisory_xact_lock(7235011)")
                try await appendSome(client, count: 1)
                #expect(try await AuditLog.sealPending(wait: false, using: client) == 0)
            }
            #expect(try await AuditLog.sealPending(batch: 3, using: client) == 4, "in batches of 3: two short transactions")
            let seals = try await client.query("""
                SELECT s.seq, s.first_event_id, s.events FROM audit_seals s ORDER BY s.seq
                """).map { try $0.decode((Int64, Int64, Int).self) }
            #expect(seals.map(\.0) == [1, 2, 3, 4])
            #expect(seals.map(\.1) == [1, 2, 3, 4], "sealed in the order the transactions committed")
            #expect(try await client.query("SELECT count(*) FROM audit_pending")[0].decode(Int.self, at: 0) == 0)
            #expect(try await AuditLog.verify(using: client) == .intact(events: 4))
        }
    }

    @Test("a seal request cannot be changed, nor removed before its seal exists; verify seals what is committed first")
    func sealRequestsGuarded() async throws {
        try await TestDatabase.withClient { client in
            try await appendSome(client, count: 2)
            for statement: PostgresQuery in ["UPDATE audit_pending SET events = 9", "DELETE FROM audit_pending", "TRUNCATE audit_pending"] {
                let error = try await #require(throws: PostgresError.self) { try await client.query(statement) }
                #expect(error.sqlState == "42501")
            }
            #expect(try await AuditLog.verify(using: client) == .intact(events: 2))
            #expect(try await client.query("SELECT count(*) FROM audit_seals")[0].decode(Int.self, at: 0) == 2)
        }
    }

    @Test("a transaction removed together with its seal request by a superuser is still found: its events are gone, or have no seal")
    func removedRequest() async throws {
        try await TestDatabase.withClient { client in
            try await appendSome(client, count: 3)
            try await client.withConnection { connection in
                try await connection.query("SET session_replication_role = replica")
                try await connection.query("DELETE FROM audit_pending WHERE first_event_id = 2")
                try await connection.query("SET session_replication_role = origin")
            }
            guard case .broken(let id, let reason) = try await AuditLog.verify(using: client) else {
                Issue.record("events without a seal or request were not detected")
                return
            }
            #expect(id == 2)
            #expect(reason.contains("没有封印"))
        }
    }

    @Test("sealing while transactions keep committing ends with what was waiting at its start; everything verifies")
    func sealingUnderLoad() async throws {
        try await TestDatabase.withClient(maximumConnections: 4) { client in
            try await appendSome(client, count: 20)
            let writer = Task { try await appendSome(client, count: 200) }
            var sealed = 0
            for _ in 0..<5 { sealed += try await AuditLog.sealPending(wait: true, batch: 4, using: client) }
            #expect(sealed >= 20, "the 20 waiting at the start are sealed")
            try await writer.value
            #expect(try await AuditLog.verify(using: client) == .intact(events: 220))
            #expect(try await client.query("SELECT count(*) FROM audit_pending")[0].decode(Int.self, at: 0) == 0)
        }
    }
}
