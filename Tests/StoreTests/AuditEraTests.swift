import Domain
import Foundation
import Postgres
import Store
import Testing
import TestSupport

/// The audit log's transaction numbers across homes (sql/0019): a database in a new home gets
/// exactly one new era however many sessions start writing at once, and a transaction that was
/// writing events while 0019 was applied keeps one number. (The move itself, a dump restored
/// into a new cluster, is tested end to end in CLITests' BackupRestoreTests.)
@Suite("audit eras")
struct AuditEraTests: AuditSuite {
    static func event(_ n: Int) -> AuditEvent {
        AuditEvent(actor: "user:\(n)", actorLabel: "检察官\(n)", action: "case.transition", entity: "case", entityID: "\(n)")
    }

    @Test("sessions that start writing at once in a new home append one era and get distinct numbers; the log verifies")
    func oneEraPerHome() async throws {
        // A test database is a clone of a migrated template: a new database, so a new home.
        try await TestDatabase.withClient(maximumConnections: 8) { client in
            let eras = try await client.query("SELECT count(*) FROM audit_tx_eras")[0].decode(Int.self, at: 0)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 0..<8 {
                    group.addTask {
                        try await client.withTransaction { connection in
                            try await AuditLog.append(Self.event(n), on: connection)
                            try await AuditLog.append(Self.event(n + 100), on: connection)
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await client.query("SELECT count(*) FROM audit_tx_eras")[0].decode(Int.self, at: 0) == eras + 1)
            let numbers = try await client.query("""
                SELECT count(DISTINCT tx_id), count(*) FROM audit_events WHERE action = 'case.transition'
                """)[0].decode((Int, Int).self)
            #expect(numbers == (8, 16), "one number per transaction, none shared")
            #expect(try await AuditLog.verify(patience: .seconds(120), using: client) == .intact(events: try await eventCount(client)))
        }
    }

    @Test("a transaction writing events while sql/0019 is applied keeps numbering them as it began, and the log verifies")
    func migrationDuringATransaction() async throws {
        try await TestDatabase.withClient(migrated: false, maximumConnections: 4) { client in
            let all = try Migration.load(from: TestDatabase.migrationsDirectory)
            try await Migrator(migrations: all.filter { $0.version < 19 }, logger: TestDatabase.logger).migrate(using: client)
            let raw = try await client.withTransaction { open in
                try await AuditLog.append(Self.event(1), on: open)
                // Another connection applies 0019 while this transaction is open.
                try await Migrator(migrations: all.filter { $0.version <= 19 }, logger: TestDatabase.logger).migrate(using: client)
                try await AuditLog.append(Self.event(2), on: open)
                return try await open.query("SELECT txid_current()")[0].decode(Int64.self, at: 0)
            }
            let numbers = try await client.query("SELECT DISTINCT tx_id FROM audit_events WHERE action = 'case.transition'")
                .map { try $0.decode(Int64.self, at: 0) }
            #expect(numbers == [raw])
            // A transaction after the migration is numbered in the first era, after the one before.
            try await appendSome(client, count: 1)
            #expect(try await client.query("SELECT max(tx_id) FROM audit_events")[0].decode(Int64.self, at: 0) > raw)
            #expect(try await AuditLog.verify(patience: .seconds(120), using: client) == .intact(events: try await eventCount(client)))
        }
    }

    func eventCount(_ client: PostgresClient) async throws -> Int {
        try await client.query("SELECT count(*) FROM audit_events")[0].decode(Int.self, at: 0)
    }
}
