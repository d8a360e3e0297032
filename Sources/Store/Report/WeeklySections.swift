import Domain
import Postgres

/// The sections of the weekly summary (one concept: "a number of the week, from history").
/// Additive figures and stocks come from the summed increments (`WeeklyTotals`); lists that
/// name cases (typical, overdue) and the office's batch counts are read directly, each through an
/// index on its time column.
struct WeeklySections {
    let window: WeeklyWindow
    /// True for the office's view: partner batches and rejected rows (which belong to no unit)
    /// are counted too.
    let wholeProgramme: Bool
    let totals: WeeklyTotals
    let connection: PostgresConnection


    func intake() async throws -> [WeeklySummary.PartnerIntake] {
        if wholeProgramme {
            let rows = try await connection.query("""
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
            return try rows.map { row in
                let values = try (2..<14).map { try row.decode(Int.self, at: $0) }
                func counts(_ offset: Int) -> WeeklySummary.IntakeCounts {
                    var counts = WeeklySummary.IntakeCounts()
                    (counts.batches, counts.rows, counts.accepted, counts.updated, counts.duplicate, counts.rejected) =
                        (values[offset], values[offset + 1], values[offset + 2], values[offset + 3], values[offset + 4], values[offset + 5])
                    return counts
                }
                return WeeklySummary.PartnerIntake(partner: try row.decode(String.self, at: 0), partnerName: try row.decode(String.self, at: 1),
                                                   week: counts(0), cumulative: counts(6))
            }
        }
        // A unit's view: the rows that made or updated its cases, per partner and batch.
        var perPartner: [Int: (week: WeeklySummary.IntakeCounts, cumulative: WeeklySummary.IntakeCounts)] = [:]
        var batches: [Int: (week: Set<String>, cumulative: Set<String>)] = [:]
        for row in totals.rows {
            guard let partner = row.partner, row.cumulative != 0 || row.week != 0 else { continue }
            var entry = perPartner[partner] ?? (.init(), .init())
            func add(_ counts: inout WeeklySummary.IntakeCounts, _ n: Int) {
                counts.rows += n
                switch row.metric {
                case "rows_accepted": counts.accepted += n
                case "rows_updated": counts.updated += n
                default: counts.duplicate += n
                }
            }
            add(&entry.week, row.week)
            add(&entry.cumulative, row.cumulative)
            perPartner[partner] = entry
            if row.week != 0 { batches[partner, default: ([], [])].week.insert(row.key) }
            if row.cumulative != 0 { batches[partner, default: ([], [])].cumulative.insert(row.key) }
        }
        guard !perPartner.isEmpty else { return [] }
        return try await connection.query("SELECT id, code, name FROM partners WHERE id = ANY (\(Array(perPartner.keys))) ORDER BY code").map { row in
            let (id, code, name) = try row.decode((Int, String, String).self)
            var (week, cumulative) = perPartner[id]!
            week.batches = batches[id]?.week.count ?? 0
            cumulative.batches = batches[id]?.cumulative.count ?? 0
            return WeeklySummary.PartnerIntake(partner: code, partnerName: name, week: week, cumulative: cumulative)
        }
    }

    func triage(_ period: WeeklyTotals.Period) -> WeeklySummary.TriageCounts {
        var counts = WeeklySummary.TriageCounts()
        let intake = totals.sum("intake", period)
        counts.petitionRelated = period == .week ? totals.sum("new_petition", .week) : totals.sum("petition", key: "since_start", .ever)
        counts.other = intake - counts.petitionRelated
        counts.overrides = totals.sum("override", period)
        return counts
    }

    func stages() -> [WeeklySummary.StageFlow] {
        Stage.allCases.map { stage in
            var flow = WeeklySummary.StageFlow(stage: stage, name: stage.chineseName)
            flow.entered = totals.sum("entered", key: stage.rawValue, .week)
            flow.left = totals.sum("left", key: stage.rawValue, .week)
            (flow.movedIn, flow.movedOut) = (totals.sum("moved_in", key: stage.rawValue, .week), totals.sum("moved_out", key: stage.rawValue, .week))
            // Moves between units cancel out unless one side is outside the principal's scope.
            flow.stockAtEnd = totals.sum("entered", key: stage.rawValue, .ever) - totals.sum("left", key: stage.rawValue, .ever)
                + totals.sum("moved_in", key: stage.rawValue, .ever) - totals.sum("moved_out", key: stage.rawValue, .ever)
            return flow
        }
    }

    func resolution(_ period: WeeklyTotals.Period) -> WeeklySummary.ResolutionCounts {
        var counts = WeeklySummary.ResolutionCounts()
        counts.byKind = totals.byKey("resolved", period)
        counts.resolved = counts.byKind.values.reduce(0, +)
        counts.unresolved = totals.sum("unresolved", period)
        counts.takenIntoHandling = totals.sum("taken", period)
        counts.rate = Ratio(numerator: counts.resolved, denominator: counts.takenIntoHandling, definition: Ratio.resolutionDefinition)
        return counts
    }

    func timeliness() -> WeeklySummary.Timeliness {
        func ratio(_ kind: String, _ period: WeeklyTotals.Period, _ definition: String) -> Ratio {
            Ratio(numerator: totals.sum("reply_on_time", key: kind, period), denominator: totals.sum("reply_all", key: kind, period),
                  definition: definition)
        }
        func pair(_ kind: String, _ definition: String) -> WeeklySummary.Pair<Ratio> {
            .init(week: ratio(kind, .week, definition), cumulative: ratio(kind, .cumulative, definition))
        }
        return WeeklySummary.Timeliness(
            procedural: pair("procedural_reply", Ratio.proceduralDefinition), result: pair("result_reply", Ratio.resultDefinition),
            overdueAtEnd: totals.sum("open_due", key: "overdue", .ever), nearDueNextWeek: totals.sum("open_due", key: "near", .ever))
    }

    func clues(_ period: WeeklyTotals.Period) -> WeeklySummary.ClueCounts {
        var counts = WeeklySummary.ClueCounts()
        (counts.created, counts.transferred, counts.withResult) =
            (totals.sum("clue_created", period), totals.sum("clue_transferred", period), totals.sum("clue_result", period))
        return counts
    }

    func leadCases() -> [WeeklySummary.LeadCount] {
        [("province", "省院领导"), ("city", "市院领导"), ("county", "县（区）院领导")].map {
            WeeklySummary.LeadCount(level: $0.0, levelName: $0.1, cases: totals.sum("lead", key: $0.0, .ever))
        }
    }

    func typicalCases() async throws -> [WeeklySummary.TypicalCase] {
        try await connection.query("""
            SELECT c.id, c.enterprise_name, e.note FROM case_events e JOIN cases c ON c.id = e.case_id
            WHERE e.kind = 'typical' AND \(window.inWeek("e.occurred_at")) AND \(window.scope(at: "e.occurred_at")) ORDER BY e.id
            """).map { row in
            let (id, title, summary) = try row.decode((Int64, String, String).self)
            return WeeklySummary.TypicalCase(caseID: id, title: title, summary: summary)
        }
    }
}
