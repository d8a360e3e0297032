import Domain
import Foundation
import Postgres
import Store
import Testing
import TestSupport

/// The audit log's range seals: one pass seals every finished transaction into one range in
/// transaction order, open transactions hold back only later seals, and a changed, removed or
/// inserted seal — or a sealed event deleted — breaks the chain of seals.
@Suite("audit seals")
struct AuditSealTests: AuditSuite {
    @Test("the range seals are append-only too")
    func sealsAppendOnly() async throws {
        try await TestDatabase.withClient { client in
            try await appendSome(client, count: 2)
            try await sealAll(client)
            for statement: PostgresQuery in ["UPDATE audit_seal_ranges SET events = 9", "DELETE FROM audit_seal_ranges", "TRUNCATE audit_seal_ranges"] {
                let error = try await #require(throws: PostgresError.self) { try await client.query(statement) }
                #expect(error.sqlState == "42501")
            }
        }
    }

    @Test("a commit writes no seal and takes no lock; one pass seals every finished transaction into one range, in transaction order")
    func rangeSeals() async throws {
        try await TestDatabase.withClient(maximumConnections: 4) { client in
            try await appendSome(client, count: 3)
            #expect(try await client.query("SELECT count(*) FROM audit_seal_ranges")[0].decode(Int.self, at: 0) == 0)
            // While another session holds the seal lock, a commit still goes through, and a
            // non-waiting pass returns at once.
            try await client.withTransaction { holder in
                try await holder.query("SELECT pg_advisory_xact_lock(7235011)")
                try await appendSome(client, count: 1)
                #expect(try await AuditLog.sealPending(wait: false, using: client) == 0)
            }
            // (wait: true: transactions of other tests in the same cluster can hold back a pass.)
            #expect(try await AuditLog.sealPending(wait: true, patience: .seconds(120), using: client) == 4)
            let count = try await client.query("SELECT count(*) FROM audit_seal_ranges")[0].decode(Int.self, at: 0)
            #expect(try await AuditLog.sealPending(using: client) == 0)
            #expect(try await client.query("SELECT count(*) FROM audit_seal_ranges")[0].decode(Int.self, at: 0) == count,
                    "nothing new: no empty range is written")
            try await appendSome(client, count: 2)
            #expect(try await AuditLog.sealPending(wait: true, patience: .seconds(120), using: client) == 2)
            let ranges = try await client.query("""
                SELECT seq, tx_from, tx_to, tx_ids, first_event_ids, events FROM audit_seal_ranges ORDER BY seq
                """).map { try $0.decode((Int64, Int64, Int64, [Int64], [Int64], Int64).self) }
            #expect(ranges.map(\.0) == Array(1...Int64(ranges.count)))
            #expect(ranges.first?.1 == 0, "the ranges start at transaction 0")
            #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.2 == $1.1 }, "each range starts where the previous ended")
            #expect(ranges.flatMap(\.4) == [1, 2, 3, 4, 5, 6], "every transaction once, in order")
            #expect(ranges.flatMap(\.3) == ranges.flatMap(\.3).sorted())
            #expect(ranges.map(\.5).reduce(0, +) == 6)
            #expect(try await AuditLog.verify(using: client) == .intact(events: 6))
        }
    }

    @Test("an open transaction holds back the seals of later ones until it ends; verify checks those by their own chains")
    func openTransactionHoldsBack() async throws {
        try await TestDatabase.withClient(maximumConnections: 4) { client in
            try await appendSome(client, count: 1)
            try await client.withTransaction { open in
                try await open.query("SELECT txid_current()")  // an xid older than the next commits
                try await appendSome(client, count: 2)
                #expect(try await AuditLog.sealPending(wait: true, patience: .milliseconds(200), using: client) <= 1,
                        "at most the transaction before the open one is sealed")
                #expect(try await unsealedEvents(client) >= 2)
                #expect(try await AuditLog.verify(patience: .zero, using: client) == .intact(events: 3))
                try await AuditLog.append(AuditEvent(actor: "user:9", action: "case.transition", entity: "case", entityID: "9"), on: open)
            }
            try await sealAll(client)
            #expect(try await AuditLog.verify(using: client) == .intact(events: 4))
        }
    }

    @Test("while a transaction is open, a waiting seal with nothing committed to seal returns at once, not after its patience")
    func nothingToWaitFor() async throws {
        try await TestDatabase.withClient(maximumConnections: 4) { client in
            try await appendSome(client, count: 1)
            try await sealAll(client)
            try await client.withTransaction { open in
                try await AuditLog.append(AuditEvent(actor: "user:9", action: "case.transition", entity: "case", entityID: "9"), on: open)
                // Patience of ten minutes: only returning early ends this within the race below.
                let returned = try await withThrowingTaskGroup(of: Bool.self) { group in
                    group.addTask { _ = try await AuditLog.sealPending(wait: true, patience: .seconds(600), using: client); return true }
                    group.addTask { try await Task.sleep(for: .seconds(60)); return false }
                    let first = try await group.next()!
                    group.cancelAll()
                    return first
                }
                #expect(returned, "sealPending waited for an open transaction although nothing committed was unsealed")
            }
            try await sealAll(client)
            #expect(try await AuditLog.verify(using: client) == .intact(events: 2))
        }
    }

    @Test("a transaction left open in another database of the cluster does not hold back the seals here")
    func otherDatabaseDoesNotHoldBack() async throws {
        try await TestDatabase.withClient { elsewhere in
            try await elsewhere.withTransaction { open in
                try await open.query("SELECT txid_current()")  // an xid older than the commits below
                try await TestDatabase.withClient { client in
                    try await appendSome(client, count: 3)
                    #expect(try await AuditLog.sealPending(wait: true, patience: .seconds(2), using: client) == 3)
                    #expect(try await unsealedEvents(client) == 0)
                }
            }
        }
    }

    @Test("a changed, removed or inserted range seal breaks the chain of seals")
    func tamperedSeals() async throws {
        for tamper in ["UPDATE audit_seal_ranges SET events = events + 1 WHERE seq = 1",
                       "DELETE FROM audit_seal_ranges WHERE seq = 1",
                       "UPDATE audit_seal_ranges SET seq = seq + 100 WHERE seq = 2"] {
            try await TestDatabase.withClient { client in
                try await appendSome(client, count: 2)
                try await AuditLog.sealPending(wait: true, patience: .seconds(120), using: client)
                try await appendSome(client, count: 2)
                try await AuditLog.sealPending(wait: true, patience: .seconds(120), using: client)
                try await client.withConnection { connection in
                    try await connection.query("SET session_replication_role = replica")
                    try await connection.query(PostgresQuery(unsafeSQL: tamper))
                    try await connection.query("SET session_replication_role = origin")
                }
                guard case .broken(_, let reason) = try await AuditLog.verify(using: client) else {
                    Issue.record("\(tamper) was not detected")
                    return
                }
                #expect(reason.contains("封印"), "\(tamper): \(reason)")
            }
        }
    }

    @Test("the last event of a sealed transaction deleted by a superuser is found by its range's digest")
    func deletedLastEvent() async throws {
        try await TestDatabase.withClient { client in
            try await client.withTransaction { connection in  // ids 1–3 in one transaction
                for n in 1...3 {
                    try await AuditLog.append(AuditEvent(actor: "user:\(n)", action: "case.transition", entity: "case", entityID: "\(n)"), on: connection)
                }
            }
            #expect(try await AuditLog.verify(using: client) == .intact(events: 3))
            try await sealAll(client)
            try await client.withConnection { connection in
                try await connection.query("SET session_replication_role = replica")
                try await connection.query("DELETE FROM audit_events WHERE id = 3")
                try await connection.query("SET session_replication_role = origin")
            }
            guard case .broken(let id, let reason) = try await AuditLog.verify(using: client) else {
                let events = try await client.query("SELECT id, tx_id FROM audit_events ORDER BY id").map { try $0.decode((Int64, Int64).self) }
                let ranges = try await client.query("SELECT seq, tx_from, tx_to, tx_ids, first_event_ids, events FROM audit_seal_ranges ORDER BY seq").map { try $0.decode((Int64, Int64, Int64, [Int64], [Int64], Int64).self) }
                Issue.record("the deleted last event was not detected; events (id, tx): \(events); ranges: \(ranges)")
                return
            }
            #expect(id == 1)
            #expect(reason.contains("末条哈希"))
        }
    }

    @Test("sealing while transactions keep committing terminates; everything verifies")
    func sealingUnderLoad() async throws {
        try await TestDatabase.withClient(maximumConnections: 4) { client in
            try await appendSome(client, count: 20)
            let writer = Task { try await appendSome(client, count: 200) }
            var sealed = 0
            for _ in 0..<5 { sealed += try await AuditLog.sealPending(wait: true, using: client) }
            #expect(sealed >= 20, "the 20 committed at the start are sealed")
            try await writer.value
            #expect(try await AuditLog.verify(using: client) == .intact(events: 220))
            try await sealAll(client)
        }
    }
}
