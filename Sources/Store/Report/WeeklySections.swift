import Domain
import Postgres

/// The queries behind each section of the weekly summary (one concept: "a number of the week,
/// from history"). Events are read by `occurred_at` through `case_events_time_idx`.
struct WeeklySections {
    let window: WeeklyWindow
    /// True for the office's view: partner batches and rejected rows (which belong to no unit)
    /// are counted too.
    let wholeProgramme: Bool
    let connection: PostgresConnection

    private var scope: PostgresQuery { window.scope }

    func intake() async throws -> [WeeklySummary.PartnerIntake] {
        let rows: PostgresRows
        if wholeProgramme {
            rows = try await connection.query("""
                SELECT p.code, p.name,
                       count(b.id) FILTER (WHERE b.this_week), coalesce(sum(b.total) FILTER (WHERE b.this_week), 0),
                       coalesce(sum(b.accepted) FILTER (WHERE b.this_week), 0), coalesce(sum(b.updated) FILTER (WHERE b.this_week), 0),
                       coalesce(sum(b.duplicate) FILTER (WHERE b.this_week), 0), coalesce(sum(b.rejected) FILTER (WHERE b.this_week), 0),
                       count(b.id), coalesce(sum(b.total), 0), coalesce(sum(b.accepted), 0), coalesce(sum(b.updated), 0),
                       coalesce(sum(b.duplicate), 0), coalesce(sum(b.rejected), 0)
                FROM partners p
                LEFT JOIN (SELECT b.*, \(window.inWeek("b.received_at")) AS this_week FROM batches b
                           WHERE \(window.cumulative("b.received_at"))) b ON b.partner_id = p.id
                GROUP BY p.code, p.name ORDER BY p.code
                """)
        } else {
            rows = try await connection.query("""
                SELECT p.code, p.name,
                       count(DISTINCT b.id) FILTER (WHERE b.this_week), count(*) FILTER (WHERE b.this_week),
                       count(*) FILTER (WHERE r.outcome = 'accepted' AND b.this_week),
                       count(*) FILTER (WHERE r.outcome = 'updated' AND b.this_week),
                       count(*) FILTER (WHERE r.outcome = 'duplicate' AND b.this_week), 0::bigint,
                       count(DISTINCT b.id), count(*), count(*) FILTER (WHERE r.outcome = 'accepted'),
                       count(*) FILTER (WHERE r.outcome = 'updated'), count(*) FILTER (WHERE r.outcome = 'duplicate'), 0::bigint
                FROM batch_rows r
                JOIN (SELECT b.*, \(window.inWeek("b.received_at")) AS this_week FROM batches b
                      WHERE \(window.cumulative("b.received_at"))) b ON b.id = r.batch_id
                JOIN partners p ON p.id = b.partner_id JOIN cases c ON c.id = r.case_id
                WHERE \(scope)
                GROUP BY p.code, p.name ORDER BY p.code
                """)
        }
        return try rows.map { row in
            let values = try (0..<14).map { index in index < 2 ? 0 : try row.decode(Int.self, at: index) }
            func counts(_ offset: Int) -> WeeklySummary.IntakeCounts {
                var counts = WeeklySummary.IntakeCounts()
                (counts.batches, counts.rows, counts.accepted, counts.updated, counts.duplicate, counts.rejected) =
                    (values[offset], values[offset + 1], values[offset + 2], values[offset + 3], values[offset + 4], values[offset + 5])
                return counts
            }
            return WeeklySummary.PartnerIntake(partner: try row.decode(String.self, at: 0), partnerName: try row.decode(String.self, at: 1),
                                               week: counts(2), cumulative: counts(8))
        }
    }

    func triage(weekly: Bool) async throws -> WeeklySummary.TriageCounts {
        let row = try await connection.query("""
            SELECT count(*) FILTER (WHERE p.petition_related), count(*) FILTER (WHERE p.petition_related IS NOT TRUE),
                   (SELECT count(*) FROM case_events e JOIN cases c ON c.id = e.case_id
                    WHERE e.kind = 'override' AND \(window.period("e.occurred_at", weekly: weekly)) AND \(scope))
            FROM case_events e JOIN cases c ON c.id = e.case_id LEFT JOIN petition_at_end p ON p.case_id = e.case_id
            WHERE e.kind = 'intake' AND \(window.period("e.occurred_at", weekly: weekly)) AND \(scope)
            """)[0]
        var counts = WeeklySummary.TriageCounts()
        (counts.petitionRelated, counts.other, counts.overrides) = try row.decode((Int, Int, Int).self)
        return counts
    }

    func stages() async throws -> [WeeklySummary.StageFlow] {
        var flows = Dictionary(uniqueKeysWithValues: Stage.allCases.map { ($0, WeeklySummary.StageFlow(stage: $0, name: $0.chineseName)) })
        for row in try await connection.query("""
            SELECT e.to_stage, count(*) FROM case_events e JOIN cases c ON c.id = e.case_id
            WHERE e.to_stage IS NOT NULL AND \(window.inWeek("e.occurred_at")) AND \(scope) GROUP BY e.to_stage
            """) {
            let (stage, count) = try row.decode((String, Int).self)
            if let stage = Stage(rawValue: stage) { flows[stage]?.entered = count }
        }
        for row in try await connection.query("""
            SELECT e.from_stage, count(*) FROM case_events e JOIN cases c ON c.id = e.case_id
            WHERE e.kind = 'transition' AND \(window.inWeek("e.occurred_at")) AND \(scope) GROUP BY e.from_stage
            """) {
            let (stage, count) = try row.decode((String, Int).self)
            if let stage = Stage(rawValue: stage) { flows[stage]?.left = count }
        }
        for row in try await connection.query("SELECT s.stage, count(*) FROM stage_at_end s GROUP BY s.stage") {
            let (stage, count) = try row.decode((String, Int).self)
            if let stage = Stage(rawValue: stage) { flows[stage]?.stockAtEnd = count }
        }
        return Stage.allCases.compactMap { flows[$0] }
    }

    func resolution(weekly: Bool) async throws -> WeeklySummary.ResolutionCounts {
        var counts = WeeklySummary.ResolutionCounts()
        for row in try await connection.query("""
            SELECT e.to_stage, coalesce(e.payload->>'how', ''), count(*) FROM case_events e JOIN cases c ON c.id = e.case_id
            WHERE e.kind = 'transition' AND e.to_stage IN ('resolved', 'unresolved') AND \(window.period("e.occurred_at", weekly: weekly)) AND \(scope)
            GROUP BY 1, 2
            """) {
            let (stage, how, count) = try row.decode((String, String, Int).self)
            if stage == "resolved" {
                counts.resolved += count
                counts.byKind[how, default: 0] += count
            } else {
                counts.unresolved += count
            }
        }
        counts.takenIntoHandling = try await connection.query("""
            SELECT count(*) FROM case_events e JOIN cases c ON c.id = e.case_id
            WHERE e.kind = 'transition' AND e.from_stage = 'triage' AND e.to_stage = 'evaluation'
              AND \(window.period("e.occurred_at", weekly: weekly)) AND \(scope)
            """)[0].decode(Int.self, at: 0)
        counts.rate = Ratio(numerator: counts.resolved, denominator: counts.takenIntoHandling, definition: Ratio.resolutionDefinition)
        return counts
    }

    func timeliness() async throws -> WeeklySummary.Timeliness {
        func ratios(weekly: Bool) async throws -> [String: (Int, Int)] {
            var result: [String: (Int, Int)] = [:]
            for row in try await connection.query("""
                SELECT d.kind, count(*) FILTER (WHERE d.closed_on <= d.due_on), count(*)
                FROM case_deadlines d JOIN cases c ON c.id = d.case_id
                WHERE d.kind IN ('procedural_reply', 'result_reply') AND \(window.period("d.closed_at", weekly: weekly)) AND \(scope)
                GROUP BY d.kind
                """) {
                let (kind, onTime, all) = try row.decode((String, Int, Int).self)
                result[kind] = (onTime, all)
            }
            return result
        }
        let week = try await ratios(weekly: true), total = try await ratios(weekly: false)
        func ratio(_ values: [String: (Int, Int)], _ kind: String, _ definition: String) -> Ratio {
            Ratio(numerator: values[kind]?.0 ?? 0, denominator: values[kind]?.1 ?? 0, definition: definition)
        }
        let sunday = window.week.sunday, nextMonday = window.week.sunday.adding(days: 1)
        let row = try await connection.query("""
            SELECT count(*) FILTER (WHERE due <= \(sunday)), count(*) FILTER (WHERE due BETWEEN \(nextMonday) AND \(nextMonday.adding(days: 6)))
            FROM (SELECT \(window.dueAtEnd) AS due FROM case_deadlines d JOIN cases c ON c.id = d.case_id
                  WHERE \(window.openAtEnd) AND \(scope)) open
            """)[0]
        let (overdue, nearDue) = try row.decode((Int, Int).self)
        return WeeklySummary.Timeliness(
            procedural: .init(week: ratio(week, "procedural_reply", Ratio.proceduralDefinition),
                              cumulative: ratio(total, "procedural_reply", Ratio.proceduralDefinition)),
            result: .init(week: ratio(week, "result_reply", Ratio.resultDefinition), cumulative: ratio(total, "result_reply", Ratio.resultDefinition)),
            overdueAtEnd: overdue, nearDueNextWeek: nearDue)
    }

    func clues(weekly: Bool) async throws -> WeeklySummary.ClueCounts {
        let row = try await connection.query("""
            SELECT count(*) FILTER (WHERE e.kind = 'clue_created'), count(*) FILTER (WHERE e.kind = 'clue_transferred'),
                   count(*) FILTER (WHERE e.kind = 'clue_result')
            FROM case_events e JOIN cases c ON c.id = e.case_id
            WHERE e.kind IN ('clue_created', 'clue_transferred', 'clue_result') AND \(window.period("e.occurred_at", weekly: weekly)) AND \(scope)
            """)[0]
        var counts = WeeklySummary.ClueCounts()
        (counts.created, counts.transferred, counts.withResult) = try row.decode((Int, Int, Int).self)
        return counts
    }

    func leadCases() async throws -> [WeeklySummary.LeadCount] {
        var byLevel: [String: Int] = [:]
        for row in try await connection.query("""
            SELECT u.level, count(DISTINCT e.case_id) FROM case_events e JOIN cases c ON c.id = e.case_id
            JOIN users lu ON lu.id = e.actor_id JOIN units u ON u.code = lu.unit_code
            WHERE e.kind = 'lead' AND e.occurred_at < \(window.end) AND \(scope) GROUP BY u.level
            """) {
            let (level, count) = try row.decode((String, Int).self)
            byLevel[level] = count
        }
        return [("province", "省院领导"), ("city", "市院领导"), ("county", "县（区）院领导")].map {
            WeeklySummary.LeadCount(level: $0.0, levelName: $0.1, cases: byLevel[$0.0] ?? 0)
        }
    }

    func typicalCases() async throws -> [WeeklySummary.TypicalCase] {
        try await connection.query("""
            SELECT c.id, c.enterprise_name, e.note FROM case_events e JOIN cases c ON c.id = e.case_id
            WHERE e.kind = 'typical' AND \(window.inWeek("e.occurred_at")) AND \(scope) ORDER BY e.id
            """).map { row in
            let (id, title, summary) = try row.decode((Int64, String, String).self)
            return WeeklySummary.TypicalCase(caseID: id, title: title, summary: summary)
        }
    }
}
