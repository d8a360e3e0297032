import Domain
import Foundation
import Postgres
import Store
import Testing
import TestSupport

/// The audit log's hash chain: every event links to the one before it, concurrent writers keep
/// it intact, the application cannot change it, and a superuser's change, deletion or forgery is
/// reported as the first broken link.
@Suite("audit log")
struct AuditLogTests: AuditSuite {
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

    @Test("a row deleted by a superuser is found: inside a transaction by the next row's link, alone by its range seal")
    func deletedRow() async throws {
        try await TestDatabase.withClient { client in
            try await appendSome(client, count: 3)  // ids 1–3, one transaction each
            try await client.withTransaction { connection in  // ids 4–6 in one transaction
                for n in 4...6 {
                    try await AuditLog.append(AuditEvent(actor: "user:\(n)", action: "case.transition", entity: "case", entityID: "\(n)"), on: connection)
                }
            }
            #expect(try await AuditLog.verify(using: client) == .intact(events: 6))
            try await sealAll(client)
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

    @Test("a row written around the triggers is reported: inside a sealed range it is not in the seal, beyond it its transaction id was never handed out")
    func forgedRows() async throws {
        try await TestDatabase.withClient { client in
            try await appendSome(client, count: 2)
            try await forge(client, id: 99, tx: 4_242_424_242_424)
            guard case .broken(let id, let reason) = try await AuditLog.verify(using: client) else {
                Issue.record("a forged row beyond the sealed ranges was not detected")
                return
            }
            #expect(id == 99)
            #expect(reason.contains("从未分配"))
        }
        try await TestDatabase.withClient { client in
            try await appendSome(client, count: 2)
            try await sealAll(client)
            try await forge(client, id: 99, tx: 1)  // inside the first range [0, …), never a real transaction
            guard case .broken(let id, let reason) = try await AuditLog.verify(using: client) else {
                Issue.record("a forged row inside a sealed range was not detected")
                return
            }
            #expect(id == 99)
            #expect(reason.contains("不在封印记录中"))
        }
    }
}
