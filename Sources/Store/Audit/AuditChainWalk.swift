import Crypto
import Foundation
import Postgres

/// One pass over the whole audit log for `AuditLog.verify`, reading in pages.
///
/// It walks the range seals (sql/0013_audit_range_seals.sql) and the events side by side, both
/// in transaction order, and checks:
/// 1. the range seals: numbered 1, 2, 3 …, each covering the transaction ids that follow the
///    previous one's, each hash linked to the previous and matching its content;
/// 2. every transaction's events: the first linked to 32 zero bytes, each next one to the one
///    before, each hash matching the row's content;
/// 3. every range's transactions against its seal: the same transactions with the same first events,
///    the same event count, the same digest of (tx id, first event id, count, last hash);
/// 4. events beyond the last range (transactions not sealed yet): only their own chains, and
///    their transaction id must have been handed out by the database.
struct AuditChainWalk {
    let client: PostgresClient

    private static let zero = Data(repeating: 0, count: 32)
    private static let pageSize = 5000

    /// The first broken link found, thrown inside the walk and returned by `run`.
    private struct Broken: Error {
        let eventID: Int64
        let reason: String
    }

    private struct RangeSeal {
        let seq: Int64
        let from: Int64
        let to: Int64
        let txIDs: [Int64]
        let firstEventIDs: [Int64]
        let events: Int64
        let digest: Data
    }

    /// A range being compared with the transactions the walk finds in it.
    private struct OpenRange {
        let seal: RangeSeal
        var matched = 0
        var events: Int64 = 0
        var digest = SHA256()
    }

    private struct OpenTransaction {
        let tx: Int64
        let firstID: Int64
        var last: Data = AuditChainWalk.zero
        var events: Int64 = 0
    }

    private var buffered: [RangeSeal] = []
    private var rangesExhausted = false
    private var lastSeq: Int64 = 0
    private var lastRangeHash = AuditChainWalk.zero
    private var nextFrom: Int64 = 0
    /// The highest transaction beyond the last range, with its first event.
    private var newestUnsealed: (tx: Int64, firstID: Int64)?

    init(client: PostgresClient) {
        self.client = client
    }

    /// Walks everything and returns `.intact` with the number of events, or the first broken link.
    mutating func run() async throws -> AuditLog.Verification {
        do {
            return .intact(events: try await walk())
        } catch let broken as Broken {
            return .broken(eventID: broken.eventID, reason: broken.reason)
        }
    }

    private mutating func walk() async throws -> Int {
        var range = try await nextRange().map { OpenRange(seal: $0) }
        var transaction: OpenTransaction?
        var count = 0
        var cursor: (tx: Int64, id: Int64) = (Int64.min, 0)
        while true {
            let rows = try await client.query("""
                SELECT e.id, e.tx_id, audit_canonical(e), e.prev_hash, e.hash FROM audit_events e
                WHERE (e.tx_id, e.id) > (\(cursor.tx), \(cursor.id)) ORDER BY e.tx_id, e.id LIMIT \(Self.pageSize)
                """)
            if rows.isEmpty { break }
            for row in rows {
                let (id, tx, canonical, prevHash, hash) = try row.decode((Int64, Int64, String, Data, Data).self)
                if transaction?.tx != tx {
                    if let finished = transaction { try finish(finished, in: &range) }
                    while let open = range, tx >= open.seal.to {
                        try close(open)
                        range = try await nextRange().map { OpenRange(seal: $0) }
                    }
                    transaction = OpenTransaction(tx: tx, firstID: id)
                }
                guard prevHash == transaction!.last else {
                    throw Broken(eventID: id, reason: "与同一事务中前一条记录的链接不符（前一条被改动、删除或插入了记录）")
                }
                guard Data(SHA256.hash(data: prevHash + Data(canonical.utf8))) == hash else {
                    throw Broken(eventID: id, reason: "记录内容与其哈希不符（该记录被改动）")
                }
                transaction!.last = hash
                transaction!.events += 1
                count += 1
                cursor = (tx, id)
            }
        }
        if let finished = transaction { try finish(finished, in: &range) }
        while let open = range {
            try close(open)
            range = try await nextRange().map { OpenRange(seal: $0) }
        }
        try await checkUnsealed()
        return count
    }

    /// Places a finished transaction in its range (or among the unsealed ones beyond the last).
    private mutating func finish(_ transaction: OpenTransaction, in range: inout OpenRange?) throws {
        guard var open = range else {
            newestUnsealed = (transaction.tx, transaction.firstID)
            return
        }
        let (txs, firsts) = (open.seal.txIDs, open.seal.firstEventIDs)
        if open.matched < txs.count, txs[open.matched] < transaction.tx {
            throw Broken(eventID: firsts[open.matched], reason: "该事务的审计记录已被整体删除")
        }
        guard open.matched < txs.count, txs[open.matched] == transaction.tx else {
            throw Broken(eventID: transaction.firstID, reason: "该记录所在事务不在封印记录中（记录是绕过触发器写入的）")
        }
        guard transaction.firstID == firsts[open.matched] else {
            throw Broken(eventID: firsts[open.matched], reason: "该事务的首条记录与封印不符（首条被删除）")
        }
        if open.matched > 0 { open.digest.update(data: Data("\n".utf8)) }
        let hex = transaction.last.map { String(format: "%02x", $0) }.joined()
        open.digest.update(data: Data("\(transaction.tx)\u{1f}\(transaction.firstID)\u{1f}\(transaction.events)\u{1f}\(hex)".utf8))
        open.matched += 1
        open.events += transaction.events
        range = open
    }

    /// Compares a range with what the walk found in it.
    private func close(_ range: OpenRange) throws {
        let recorded = range.seal.firstEventIDs
        if range.matched < recorded.count {
            throw Broken(eventID: recorded[range.matched], reason: "该事务的审计记录已被整体删除")
        }
        guard range.events == range.seal.events, Data(range.digest.finalize()) == range.seal.digest else {
            throw Broken(eventID: recorded[0],
                         reason: "第 \(range.seal.seq) 号封印所覆盖事务的记录条数或末条哈希与封印不符（有记录被删除）")
        }
    }

    /// The next range seal, after checking its place in the chain of seals; nil after the last.
    private mutating func nextRange() async throws -> RangeSeal? {
        if buffered.isEmpty && !rangesExhausted {
            let rows = try await client.query("""
                SELECT r.seq, r.tx_from, r.tx_to, r.tx_ids, r.first_event_ids, r.events, r.digest, audit_range_canonical(r), r.prev_hash, r.hash
                FROM audit_seal_ranges r WHERE r.seq > \(lastSeq) ORDER BY r.seq LIMIT 1000
                """)
            rangesExhausted = rows.count < 1000
            var page: [RangeSeal] = []
            for row in rows {
                let (seq, from, to, txIDs, firstIDs, events, digest, canonical, prevHash, hash) =
                    try row.decode((Int64, Int64, Int64, [Int64], [Int64], Int64, Data, String, Data, Data).self)
                let seal = RangeSeal(seq: seq, from: from, to: to, txIDs: txIDs, firstEventIDs: firstIDs, events: events, digest: digest)
                try checkLink(seal, canonical: canonical, prevHash: prevHash, hash: hash)
                page.append(seal)
            }
            buffered = page.reversed()
        }
        return buffered.popLast()
    }

    /// The chain of range seals: numbered without gaps, contiguous ranges, each hash linked and true.
    private mutating func checkLink(_ seal: RangeSeal, canonical: String, prevHash: Data, hash: Data) throws {
        let first = seal.firstEventIDs.first ?? 0
        guard seal.seq == lastSeq + 1, seal.from == nextFrom, seal.to > seal.from, prevHash == lastRangeHash else {
            throw Broken(eventID: first, reason: "封印链断开（有封印被删除或插入）")
        }
        guard Data(SHA256.hash(data: lastRangeHash + Data(canonical.utf8))) == hash else {
            throw Broken(eventID: first, reason: "封印的内容与其哈希不符（封印被改动）")
        }
        lastSeq = seal.seq
        nextFrom = seal.to
        lastRangeHash = hash
    }

    /// Events not sealed yet must come from a transaction id the database has handed out.
    private func checkUnsealed() async throws {
        guard let newest = newestUnsealed else { return }
        let handedOut = try await client.query("SELECT audit_tx_handed_out()")[0]
            .decode(Int64.self, at: 0)
        if newest.tx >= handedOut {
            throw Broken(eventID: newest.firstID, reason: "该记录的事务号从未分配过（记录是绕过触发器写入的）")
        }
    }
}
