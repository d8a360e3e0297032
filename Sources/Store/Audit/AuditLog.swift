import Domain
import Foundation
import Postgres

/// The append-only, hash-chained audit log (`audit_events` and `audit_seal_ranges`, see
/// sql/0002_identity.sql, sql/0006_audit_seal.sql and sql/0013_audit_range_seals.sql): each
/// transaction's rows form a chain of their own, written without any lock; a sealing pass then
/// seals every transaction finished since the previous pass into one range seal, chained to the
/// previous range (every second while serving, at the end of each CLI command, before `verify`).
public enum AuditLog {
    /// Appends an event inside the caller's transaction. It joins the transaction's own chain at
    /// once and is sealed by the first sealing pass after the transaction ends.
    public static func append(_ event: AuditEvent, on connection: PostgresConnection) async throws {
        try await connection.query("""
            INSERT INTO audit_events (actor, actor_label, action, entity, entity_id, address, summary)
            VALUES (\(event.actor), \(event.actorLabel), \(event.action), \(event.entity), \(event.entityID),
                    \(event.address), \(PostgresJSON(event.summary)))
            """)
    }

    /// Seals every transaction finished since the last range and returns how many it sealed.
    ///
    /// With `wait: false` (the sealer's pass) it returns 0 at once when another session is
    /// sealing. With `wait: true` it waits for that session and then keeps sealing until every
    /// transaction that had started when the call began has finished and is sealed, or until
    /// `patience` has passed (a transaction left open, a large import, say, holds back the seals
    /// of the transactions that started after it; those are sealed by a later pass). It returns
    /// at once when nothing committed before the call is left unsealed.
    @discardableResult
    public static func sealPending(wait: Bool = false, patience: Duration = .seconds(5),
                                   using client: PostgresClient) async throws -> Int {
        guard wait else { return try await pass(wait: false, using: client).sealed }
        // Every transaction number below this one (in the database's current era, sql/0019)
        // had been handed out when the call began.
        let target = try await client.query("SELECT audit_tx_handed_out()")[0]
            .decode(Int64.self, at: 0)
        let clock = ContinuousClock()
        let giveUp = clock.now + patience
        var sealed = 0
        while true {
            let (done, horizon) = try await pass(wait: true, using: client)
            sealed += done
            if (horizon ?? 0) >= target || clock.now >= giveUp { return sealed }
            // Held back by an open transaction: wait only when something committed before the
            // call is still unsealed (a CLI command that wrote nothing leaves at once).
            if try await !hasUnsealed(below: target, using: client) { return sealed }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Whether a committed event of a transaction below `target` lies beyond the last range seal.
    private static func hasUnsealed(below target: Int64, using client: PostgresClient) async throws -> Bool {
        try await client.query("""
            SELECT EXISTS (SELECT 1 FROM audit_events e
                           WHERE e.tx_id >= coalesce((SELECT r.tx_to FROM audit_seal_ranges r ORDER BY r.seq DESC LIMIT 1), 0)
                             AND e.tx_id < \(target))
            """)[0].decode(Bool.self, at: 0)
    }

    private static func pass(wait: Bool, using client: PostgresClient) async throws -> (sealed: Int, horizon: Int64?) {
        try await client.query("SELECT sealed, horizon FROM audit_seal_range(\(wait))")[0].decode((Int, Int64?).self)
    }

    /// The outcome of walking the chain.
    public enum Verification: Sendable, Equatable {
        /// Every link holds.
        case intact(events: Int)
        /// The first row whose stored hash or link does not match.
        case broken(eventID: Int64, reason: String)
    }

    /// Seals what is committed, then recomputes both chains (see `AuditChainWalk`): the range
    /// seals in order, each linked to the previous one and covering the next transaction ids;
    /// every transaction's events in id order, each linked to the previous event of its
    /// transaction; and each range's transactions against what its seal recorded. Reports the
    /// first broken link. `patience` bounds the wait for open transactions before it checks
    /// (see `sealPending`); whatever they hold back is checked by its transactions' own chains.
    public static func verify(patience: Duration = .seconds(5), using client: PostgresClient) async throws -> Verification {
        try await sealPending(wait: true, patience: patience, using: client)
        var walk = AuditChainWalk(client: client)
        return try await walk.run()
    }
}
