import Crypto
import Domain
import Foundation
import Postgres

/// The append-only, hash-chained audit log (`audit_events`, `audit_pending` and `audit_seals`,
/// see sql/0002_identity.sql, sql/0006_audit_seal.sql and sql/0010_audit_pending_seals.sql):
/// each transaction's rows form a chain; at COMMIT the transaction leaves a seal request, and
/// requests are sealed into the chain of transactions by `sealPending` (every second while
/// serving, at the end of each CLI command, and before `verify`).
public enum AuditLog {
    /// Appends an event inside the caller's transaction; the transaction's seal request is
    /// written when it commits and sealed into the chain by the next `sealPending`.
    public static func append(_ event: AuditEvent, on connection: PostgresConnection) async throws {
        try await connection.query("""
            INSERT INTO audit_events (actor, actor_label, action, entity, entity_id, address, summary)
            VALUES (\(event.actor), \(event.actorLabel), \(event.action), \(event.entity), \(event.entityID),
                    \(event.address), \(PostgresJSON(event.summary)))
            """)
    }

    /// Seals the committed seal requests in the order they were written and returns how many.
    /// With `wait: false` it returns 0 at once when another session is sealing; with `wait: true`
    /// it waits for that session, so everything committed before the call is sealed after it.
    ///
    /// Each batch of `batch` requests is its own short transaction; the call stops once it has
    /// sealed as many as were waiting when it began (requests keep arriving under load).
    @discardableResult
    public static func sealPending(wait: Bool = false, batch: Int = 5000, using client: PostgresClient) async throws -> Int {
        let waiting = try await client.query("SELECT count(*) FROM audit_pending")[0].decode(Int.self, at: 0)
        var sealed = 0
        while true {
            let done = try await client.query("SELECT audit_seal_pending(\(wait), \(batch))")[0].decode(Int.self, at: 0)
            sealed += done
            if done < batch || sealed >= waiting { return sealed }
        }
    }

    /// The outcome of walking the chain.
    public enum Verification: Sendable, Equatable {
        /// Every link holds.
        case intact(events: Int)
        /// The first row whose stored hash or link does not match.
        case broken(eventID: Int64, reason: String)
    }

    /// Seals what is committed, then recomputes both chains: the seals in order, each linked to
    /// the previous one; then every transaction's events in id order, each linked to the previous
    /// event of its transaction, ending in the hash and count its seal (or, for a transaction
    /// committed since, its seal request) recorded. Reads in pages. Reports the first broken link.
    public static func verify(using client: PostgresClient) async throws -> Verification {
        try await sealPending(wait: true, using: client)
        let zero = Data(repeating: 0, count: 32)
        // 1. The seal chain.
        var previous = zero
        var lastSeq: Int64 = 0
        while true {
            let rows = try await client.query("""
                SELECT s.seq, s.first_event_id, audit_seal_canonical(s), s.prev_hash, s.hash FROM audit_seals s
                WHERE s.seq > \(lastSeq) ORDER BY s.seq LIMIT 5000
                """)
            if rows.isEmpty { break }
            for row in rows {
                let (seq, firstEvent, canonical, prevHash, hash) = try row.decode((Int64, Int64, String, Data, Data).self)
                guard seq == lastSeq + 1, prevHash == previous else {
                    return .broken(eventID: firstEvent, reason: "事务封印链断开（有封印被删除或插入）")
                }
                guard Data(SHA256.hash(data: previous + Data(canonical.utf8))) == hash else {
                    return .broken(eventID: firstEvent, reason: "事务封印的内容与其哈希不符（封印被改动）")
                }
                previous = hash
                lastSeq = seq
            }
        }
        // 2. Each transaction's events against its seal.
        var count = 0
        var cursor: (tx: Int64, id: Int64) = (-1, 0)
        var current: (tx: Int64, last: Data, events: Int, sealHash: Data?, sealEvents: Int?, firstID: Int64)?
        func close(_ tx: (tx: Int64, last: Data, events: Int, sealHash: Data?, sealEvents: Int?, firstID: Int64)) -> Verification? {
            guard let sealHash = tx.sealHash, let sealEvents = tx.sealEvents else {
                return .broken(eventID: tx.firstID, reason: "该记录所在事务没有封印（记录是绕过触发器写入的）")
            }
            guard sealEvents == tx.events, sealHash == tx.last else {
                return .broken(eventID: tx.firstID, reason: "该事务的记录条数或末条哈希与封印不符（有记录被删除）")
            }
            return nil
        }
        while true {
            let rows = try await client.query("""
                SELECT e.id, e.tx_id, audit_canonical(e), e.prev_hash, e.hash, coalesce(s.tx_hash, p.tx_hash), coalesce(s.events, p.events)
                FROM audit_events e LEFT JOIN audit_seals s ON s.tx_id = e.tx_id LEFT JOIN audit_pending p ON p.tx_id = e.tx_id
                WHERE (e.tx_id, e.id) > (\(cursor.tx), \(cursor.id)) ORDER BY e.tx_id, e.id LIMIT 5000
                """)
            if rows.isEmpty { break }
            for row in rows {
                let (id, tx, canonical, prevHash, hash, sealHash, sealEvents) =
                    try row.decode((Int64, Int64, String, Data, Data, Data?, Int?).self)
                if current?.tx != tx {
                    if let finished = current, let problem = close(finished) { return problem }
                    current = (tx, zero, 0, sealHash, sealEvents, id)
                }
                guard prevHash == current!.last else {
                    return .broken(eventID: id, reason: "与同一事务中前一条记录的链接不符（前一条被改动、删除或插入了记录）")
                }
                guard Data(SHA256.hash(data: prevHash + Data(canonical.utf8))) == hash else {
                    return .broken(eventID: id, reason: "记录内容与其哈希不符（该记录被改动）")
                }
                current!.last = hash
                current!.events += 1
                count += 1
                cursor = (tx, id)
            }
        }
        if let finished = current, let problem = close(finished) { return problem }
        // 3. A seal or request whose transaction has no events left: all of them were deleted.
        if let row = try await client.query("""
            SELECT first_event_id FROM (
                SELECT s.first_event_id, s.tx_id FROM audit_seals s UNION ALL SELECT p.first_event_id, p.tx_id FROM audit_pending p
            ) r WHERE NOT EXISTS (SELECT 1 FROM audit_events e WHERE e.tx_id = r.tx_id)
            ORDER BY first_event_id LIMIT 1
            """).first {
            return .broken(eventID: try row.decode(Int64.self, at: 0), reason: "该事务的审计记录已被整体删除")
        }
        return .intact(events: count)
    }
}
