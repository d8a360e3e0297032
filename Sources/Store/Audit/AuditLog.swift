import Crypto
import Domain
import Foundation
import Postgres

/// The append-only, hash-chained audit log (`audit_events`, see sql/0002_identity.sql and
/// sql/0006_audit_seal.sql: rows are sealed into the chain inside COMMIT, in `chain_seq` order).
public enum AuditLog {
    /// Appends an event inside the caller's transaction; it joins the chain when the
    /// transaction commits.
    public static func append(_ event: AuditEvent, on connection: PostgresConnection) async throws {
        try await connection.query("""
            INSERT INTO audit_events (actor, actor_label, action, entity, entity_id, address, summary)
            VALUES (\(event.actor), \(event.actorLabel), \(event.action), \(event.entity), \(event.entityID),
                    \(event.address), \(PostgresJSON(event.summary)))
            """)
    }

    /// The outcome of walking the chain.
    public enum Verification: Sendable, Equatable {
        /// Every link holds.
        case intact(events: Int)
        /// The first row whose stored hash or link does not match.
        case broken(eventID: Int64, reason: String)
    }

    /// Recomputes every row's hash from its content and its predecessor, in chain order,
    /// reading the table in pages. Reports the first broken link.
    public static func verify(using client: PostgresClient) async throws -> Verification {
        var previous = Data(repeating: 0, count: 32)
        var lastSeq: Int64 = 0
        var count = 0
        while true {
            let rows = try await client.query("""
                SELECT e.id, e.chain_seq, audit_canonical(e), e.prev_hash, e.hash FROM audit_events e
                WHERE e.chain_seq > \(lastSeq) ORDER BY e.chain_seq LIMIT 5000
                """)
            if rows.isEmpty { return .intact(events: count) }
            for row in rows {
                let (id, seq, canonical, prevHash, hash) = try row.decode((Int64, Int64, String, Data, Data).self)
                guard seq == lastSeq + 1 else {
                    return .broken(eventID: id, reason: "链序号不连续（有记录被删除）")
                }
                guard prevHash == previous else {
                    return .broken(eventID: id, reason: "与前一条记录的链接不符（前一条被改动、删除或插入了记录）")
                }
                let expected = Data(SHA256.hash(data: previous + Data(canonical.utf8)))
                guard expected == hash else {
                    return .broken(eventID: id, reason: "记录内容与其哈希不符（该记录被改动）")
                }
                previous = hash
                lastSeq = seq
                count += 1
            }
        }
    }
}
