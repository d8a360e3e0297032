import Domain
import Foundation
import Postgres
import Store
import Testing
import TestSupport

/// What the audit suites share: appending events, sealing, counting what is unsealed, forging.
protocol AuditSuite {}

extension AuditSuite {
    /// Appends `count` events, each in its own transaction.
    func appendSome(_ client: PostgresClient, count: Int) async throws {
        for n in 0..<count {
            try await client.withTransaction { connection in
                try await AuditLog.append(AuditEvent(actor: "user:\(n)", actorLabel: "检察官\(n)", action: "case.transition",
                                                     entity: "case", entityID: "\(n)", summary: ["from": "评估", "to": "评查"]), on: connection)
            }
        }
    }

    /// Seals everything, waiting as long as other tests' transactions in the same cluster hold
    /// back the horizon (a snapshot's xmin is cluster-wide).
    func sealAll(_ client: PostgresClient) async throws {
        try await AuditLog.sealPending(wait: true, patience: .seconds(120), using: client)
        #expect(try await unsealedEvents(client) == 0)
    }

    /// Events beyond the last range seal.
    func unsealedEvents(_ client: PostgresClient) async throws -> Int {
        try await client.query("""
            SELECT count(*) FROM audit_events WHERE tx_id >= coalesce((SELECT max(tx_to) FROM audit_seal_ranges), 0)
            """)[0].decode(Int.self, at: 0)
    }

    /// Inserts an event with the triggers off (as a superuser could).
    func forge(_ client: PostgresClient, id: Int64, tx: Int64) async throws {
        try await client.withConnection { connection in
            try await connection.query("SET session_replication_role = replica")
            try await connection.query("""
                INSERT INTO audit_events (id, actor, action, prev_hash, hash, tx_id)
                VALUES (\(id), 'x', 'case.forged', decode(repeat('00', 32), 'hex'), sha256('x'), \(tx))
                """)
            // A forger who can do this can also compute the row's hash.
            try await connection.query("""
                UPDATE audit_events e SET hash = sha256(e.prev_hash || convert_to(audit_canonical(e), 'UTF8')) WHERE id = \(id)
                """)
            try await connection.query("SET session_replication_role = origin")
        }
    }
}
