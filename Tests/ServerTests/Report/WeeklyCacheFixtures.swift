import Domain
import Foundation
import Postgres
import Store
import TestSupport

/// A seeded, consistent history over weeks 40–47 of 2026: cases taken in at random moments,
/// moving along their stage paths, triage decisions overridden (and back), 包案, clues, replies
/// on time and late, due dates moved, cases moved to another unit (within 锦州, out of it and into
/// it, some twice). Written directly (as imported history), then the cache is empty and every
/// summary fills it.
enum RandomHistory {
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {  // SplitMix64
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func chance(_ p: Double) -> Bool { Double(next() % 10_000) / 10_000 < p }
        mutating func days(_ range: ClosedRange<Double>) -> Double {
            (range.lowerBound + (range.upperBound - range.lowerBound) * Double(next() % 10_000) / 10_000) * 86_400
        }
    }

    static let start = 1_790_524_800.0                // 2026-09-28 00:00 Asia/Shanghai (Monday of week 40)
    static let end = start + 56 * 86_400             // the end of week 47

    static func write(_ world: WorkflowWorld, seed: UInt64) async throws {
        let client = world.client
        try await world.upload(WorkflowWorld.rows(20, prefix: "J", petition: true) + WorkflowWorld.rows(12, prefix: "H", petition: false, region: "凌海市")
                               + WorkflowWorld.rows(10, prefix: "S", petition: true, region: "沈阳市"))
        try await client.query("UPDATE workflow_settings SET programme_start = \(WeeklyCacheTests.programmeStart)")
        let leader = world.identity.user("leader.jz").id
        let cases = try await client.query("SELECT id, petition_related FROM cases ORDER BY id").map { try $0.decode((Int64, Bool).self) }
        var random = Generator(state: seed)
        try await client.withConnection { db in
            try await db.query("SET session_replication_role = replica")
            func at(_ t: Double) -> PostgresQuery { "to_timestamp(\(t)::float8)" }
            func day(_ t: Double) -> PostgresQuery { "(to_timestamp(\(t)::float8) AT TIME ZONE 'Asia/Shanghai')::date" }
            func event(_ id: Int64, _ kind: String, _ t: Double, from: String? = nil, to: String? = nil, actor: Int? = nil,
                       payload: String = "{}") async throws {
                try await db.query("""
                    INSERT INTO case_events (case_id, kind, from_stage, to_stage, actor_id, actor, occurred_at, payload)
                    VALUES (\(id), \(kind), \(from), \(to), \(actor), 'history', \(at(t)), \(payload)::jsonb)
                    """)
            }
            for (id, petitionAtIntake) in cases {
                var t = start + random.days(0...46)
                try await db.query("UPDATE case_events SET occurred_at = \(at(t)) WHERE case_id = \(id)")
                try await db.query("""
                    UPDATE case_deadlines SET created_at = \(at(t)), starts_on = \(day(t)),
                           original_due_on = \(day(t)) + CASE kind WHEN 'procedural_reply' THEN 7 ELSE 90 END,
                           due_on = \(day(t)) + CASE kind WHEN 'procedural_reply' THEN 7 ELSE 90 END
                    WHERE case_id = \(id)
                    """)
                let created = t
                var petition = petitionAtIntake
                for _ in 0..<(random.chance(0.3) ? (random.chance(0.4) ? 2 : 1) : 0) {
                    t += random.days(0.1...2)
                    petition.toggle()
                    try await event(id, "override", t, payload: "{\"petition_related\": \(petition)}")
                }
                var stage = "triage"
                let path = petition ? ["evaluation", "review", "follow_up", "resolved"] : ["referred", "closed"]
                for next in path.prefix(Int(random.next() % UInt64(path.count + 1))) {
                    t += random.days(0.3...5)
                    guard t < end else { break }
                    let how = ["和解", "调解", "撤回"][Int(random.next() % 3)]
                    try await event(id, "transition", t, from: stage, to: next, payload: next == "resolved" ? "{\"how\": \"\(how)\"}" : "{}")
                    if next == "review", random.chance(0.4) { try await event(id, "clue_created", t + 60) }
                    stage = next
                }
                try await db.query("UPDATE cases SET stage = \(stage), petition_related = \(petition) WHERE id = \(id)")
                for _ in 0..<(random.chance(0.25) ? (random.chance(0.3) ? 2 : 1) : 0) {
                    let lead = created + random.days(0.2...20)
                    if lead < end { try await event(id, "lead", lead, actor: leader) }
                }
                try await deadlines(of: id, created: created, random: &random, db: db)
                try await moves(of: id, created: created, random: &random, db: db)
            }
            try await db.query("SET session_replication_role = origin")
        }
    }

    /// Moves to another of the three units the cases start in (锦州, 凌海 below it, 沈阳), as
    /// the trigger of `sql/0024` would have recorded them.
    private static func moves(of id: Int64, created: Double, random: inout Generator, db: PostgresConnection) async throws {
        let units = ["210700", "210781", "210100"]
        var unit = try await db.query("SELECT unit_code FROM cases WHERE id = \(id)")[0].decode(String.self, at: 0)
        var t = created
        for _ in 0..<(random.chance(0.3) ? (random.chance(0.3) ? 2 : 1) : 0) {
            t += random.days(0.5...15)
            guard t < end else { break }
            let others = units.filter { $0 != unit }
            let to = others[Int(random.next() % UInt64(others.count))]
            try await db.query("""
                INSERT INTO case_unit_moves (case_id, moved_at, from_unit, to_unit) VALUES (\(id), to_timestamp(\(t)::float8), \(unit), \(to))
                """)
            try await db.query("UPDATE cases SET unit_code = \(to) WHERE id = \(id)")
            unit = to
        }
    }

    /// Replies (some late), and due dates moved once or twice before them.
    private static func deadlines(of id: Int64, created: Double, random: inout Generator, db: PostgresConnection) async throws {
        for kind in ["procedural_reply", "result_reply"] {
            let closed = created + (kind == "procedural_reply" ? random.days(1...12) : random.days(5...50))
            let closes = closed < end && random.chance(kind == "procedural_reply" ? 0.6 : 0.3)
            var moved = created
            for shift in random.chance(0.3) ? [5, 3] : [] {
                moved += random.days(0.5...4)
                guard moved < end, !closes || moved < closed else { break }
                try await db.query("""
                    INSERT INTO deadline_due_history (deadline_id, changed_at, due_on)
                    SELECT id, to_timestamp(\(moved)::float8), due_on + \(shift)::int FROM case_deadlines WHERE case_id = \(id) AND kind = \(kind)
                    """)
                try await db.query("UPDATE case_deadlines SET due_on = due_on + \(shift)::int WHERE case_id = \(id) AND kind = \(kind)")
            }
            if closes {
                try await db.query("""
                    UPDATE case_deadlines SET closed_at = to_timestamp(\(closed)::float8), closed_on = (to_timestamp(\(closed)::float8) AT TIME ZONE 'Asia/Shanghai')::date
                    WHERE case_id = \(id) AND kind = \(kind)
                    """)
            }
        }
    }
}
