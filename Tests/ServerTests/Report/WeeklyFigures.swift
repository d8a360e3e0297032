import Domain
import Postgres
import Store

/// The figures of a weekly summary that the increment cache produces, side by side with their
/// plain definitions over the whole history (the way the summary computed them before the cache:
/// each case's stage and triage decision from its last event before the week's end, each
/// deadline's due date from its last change before then). A case counts for the unit it had at
/// the moment that matters: an event's, a reply's, the week's end for what is open then, its
/// intake for its triage decision — read here from `case_unit_moves` directly.
struct Figures: Equatable {
    var stock: [String: Int] = [:], entered: [String: Int] = [:], left: [String: Int] = [:]
    var moved: [String: Int] = [:]  // "in stage" / "out stage": moves of the week into or out of the scope's units
    var triage: [Int] = []          // week petition, week other, cumulative petition, cumulative other, week overrides, cumulative overrides
    var resolution: [Int] = []      // week resolved, cumulative resolved, week taken, cumulative taken, cumulative unresolved
    var resolvedByKind: [String: Int] = [:]
    var replies: [Int] = []         // procedural week on time/all, cumulative on time/all, result cumulative on time/all
    var deadlines: [Int] = []       // overdue at end, due next week
    var overdueRefs: [String] = []
    var lead: [String: Int] = [:]
    var clues: [Int] = []           // cumulative created, week created
    var openByUnit: [String: Int] = [:], acceptedByUnit: [String: Int] = [:], petitionByUnit: [String: Int] = [:]
    var movedByUnit: [String: Int] = [:]  // "in UNIT" / "out UNIT": the week's moves
    var trend: [[Int]] = []

    /// The fields that differ, as `name: self ≠ other` (for failure messages).
    func difference(from other: Figures) -> String {
        zip(Mirror(reflecting: self).children, Mirror(reflecting: other).children).compactMap { mine, theirs in
            func text(_ value: Any) -> String {
                (value as? [String: Int]).map { String(describing: $0.sorted { $0.key < $1.key }) } ?? String(describing: value)
            }
            let (a, b) = (text(mine.value), text(theirs.value))
            return a == b ? nil : "\(mine.label ?? "?"): \(a) ≠ \(b)"
        }.joined(separator: "; ")
    }

    init(_ s: WeeklySummary) {
        for flow in s.stages {
            if flow.stockAtEnd != 0 { stock[flow.stage.rawValue] = flow.stockAtEnd }
            if flow.entered != 0 { entered[flow.stage.rawValue] = flow.entered }
            if flow.left != 0 { left[flow.stage.rawValue] = flow.left }
            if flow.movedIn != 0 { moved["in " + flow.stage.rawValue] = flow.movedIn }
            if flow.movedOut != 0 { moved["out " + flow.stage.rawValue] = flow.movedOut }
        }
        triage = [s.triage.week.petitionRelated, s.triage.week.other, s.triage.cumulative.petitionRelated, s.triage.cumulative.other,
                  s.triage.week.overrides, s.triage.cumulative.overrides]
        resolution = [s.resolution.week.resolved, s.resolution.cumulative.resolved, s.resolution.week.takenIntoHandling,
                      s.resolution.cumulative.takenIntoHandling, s.resolution.cumulative.unresolved]
        resolvedByKind = s.resolution.cumulative.byKind
        let t = s.timeliness
        replies = [t.procedural.week.numerator, t.procedural.week.denominator, t.procedural.cumulative.numerator,
                   t.procedural.cumulative.denominator, t.result.cumulative.numerator, t.result.cumulative.denominator]
        deadlines = [t.overdueAtEnd, t.nearDueNextWeek]
        overdueRefs = s.overdueLongest.map(\.externalRef)
        for count in s.leadCases where count.cases != 0 { lead[count.level] = count.cases }
        clues = [s.clues.cumulative.created, s.clues.week.created]
        for unit in s.units {
            if unit.openAtEnd != 0 { openByUnit[unit.code] = unit.openAtEnd }
            if unit.accepted != 0 { acceptedByUnit[unit.code] = unit.accepted }
            if unit.petitionRelated != 0 { petitionByUnit[unit.code] = unit.petitionRelated }
            if unit.movedIn != 0 { movedByUnit["in " + unit.code] = unit.movedIn }
            if unit.movedOut != 0 { movedByUnit["out " + unit.code] = unit.movedOut }
        }
        trend = s.trend.map { [$0.accepted, $0.resolved] }
    }

    private init() {}

    /// The unit case `c` had at `moment`: the unit its first later move left, else its unit now.
    /// At the week's end (`atEnd`) a move at that very moment is already the next week's.
    static func unit(at moment: String, atEnd: Bool = false) -> String {
        """
        coalesce((SELECT mv.from_unit FROM case_unit_moves mv WHERE mv.case_id = c.id AND mv.moved_at \(atEnd ? ">=" : ">") \(moment)
                  ORDER BY mv.moved_at, mv.id LIMIT 1), c.unit_code)
        """
    }

    /// The figures of `week` by their definitions, for the cases matching `scope` (SQL over
    /// `cases c` where `$UNIT` stands for the case's unit at the moment each figure counts it).
    static func defined(week: ISOWeek, scope: String, client: PostgresClient) async throws -> Figures {
        var f = Figures()
        let start = "'\(week.monday) 00:00+08'::timestamptz", end = "'\(week.monday.adding(days: 7)) 00:00+08'::timestamptz"
        let settings = try await client.query("SELECT programme_start FROM workflow_settings")[0].decode(CalendarDate.self, at: 0)
        let from = "'\(settings) 00:00+08'::timestamptz"
        func sql(_ text: String) async throws -> PostgresRows {
            try await client.query(PostgresQuery(unsafeSQL: text
                .replacingOccurrences(of: "$START", with: start).replacingOccurrences(of: "$END", with: end)
                .replacingOccurrences(of: "$FROM", with: from)))
        }
        func counts(_ text: String) async throws -> [String: Int] {
            var result: [String: Int] = [:]
            for row in try await sql(text) {
                let (key, n) = try row.decode((String, Int).self)
                if n != 0 { result[key] = n }
            }
            return result
        }
        func inScope(_ moment: String) -> String { scope.replacingOccurrences(of: "$UNIT", with: unit(at: moment)) }
        let scopeAtEnd = scope.replacingOccurrences(of: "$UNIT", with: unit(at: "$END", atEnd: true))
        func numbers(_ text: String) async throws -> [Int] {
            let rows = try await sql(text)
            return try (0..<rows.columns.count).map { try rows[0].decode(Int.self, at: $0) }
        }
        let stageAtEnd = """
            SELECT DISTINCT ON (e.case_id) e.case_id, e.to_stage AS stage FROM case_events e JOIN cases c ON c.id = e.case_id
            WHERE e.to_stage IS NOT NULL AND e.occurred_at < $END AND \(scopeAtEnd) ORDER BY e.case_id, e.occurred_at DESC, e.id DESC
            """
        let petitionAtEnd = """
            SELECT DISTINCT ON (e.case_id) e.case_id, (e.payload->>'petition_related')::boolean AS yes FROM case_events e
            WHERE e.payload ? 'petition_related' AND e.occurred_at < $END ORDER BY e.case_id, e.occurred_at DESC, e.id DESC
            """
        f.stock = try await counts("SELECT stage, count(*) FROM (\(stageAtEnd)) s GROUP BY stage")
        f.entered = try await counts("""
            SELECT e.to_stage, count(*) FROM case_events e JOIN cases c ON c.id = e.case_id
            WHERE e.to_stage IS NOT NULL AND e.occurred_at >= $START AND e.occurred_at < $END AND \(inScope("e.occurred_at")) GROUP BY 1
            """)
        f.left = try await counts("""
            SELECT e.from_stage, count(*) FROM case_events e JOIN cases c ON c.id = e.case_id
            WHERE e.kind = 'transition' AND e.occurred_at >= $START AND e.occurred_at < $END AND \(inScope("e.occurred_at")) GROUP BY 1
            """)
        for (direction, unit) in [("in", "mv.to_unit"), ("out", "mv.from_unit")] {
            f.moved.merge(try await counts("""
                SELECT '\(direction) ' || s.stage, count(*) FROM case_unit_moves mv
                CROSS JOIN LATERAL (SELECT e.to_stage AS stage FROM case_events e
                                    WHERE e.case_id = mv.case_id AND e.to_stage IS NOT NULL AND e.occurred_at < mv.moved_at
                                    ORDER BY e.occurred_at DESC, e.id DESC LIMIT 1) s
                WHERE mv.moved_at >= $START AND mv.moved_at < $END AND \(scope.replacingOccurrences(of: "$UNIT", with: unit))
                GROUP BY 1
                """)) { $1 }
            f.movedByUnit.merge(try await counts("""
                SELECT '\(direction) ' || \(unit), count(*) FROM case_unit_moves mv
                WHERE mv.moved_at >= $START AND mv.moved_at < $END AND \(scope.replacingOccurrences(of: "$UNIT", with: unit))
                  AND EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = mv.case_id AND e.to_stage IS NOT NULL AND e.occurred_at < mv.moved_at)
                GROUP BY 1
                """)) { $1 }
        }
        f.triage = try await numbers("""
            SELECT count(*) FILTER (WHERE e.occurred_at >= $START AND p.yes), count(*) FILTER (WHERE e.occurred_at >= $START AND p.yes IS NOT TRUE),
                   count(*) FILTER (WHERE e.occurred_at >= $FROM AND p.yes), count(*) FILTER (WHERE e.occurred_at >= $FROM AND p.yes IS NOT TRUE),
                   (SELECT count(*) FROM case_events e JOIN cases c ON c.id = e.case_id
                    WHERE e.kind = 'override' AND e.occurred_at >= $START AND e.occurred_at < $END AND \(inScope("e.occurred_at"))),
                   (SELECT count(*) FROM case_events e JOIN cases c ON c.id = e.case_id
                    WHERE e.kind = 'override' AND e.occurred_at >= $FROM AND e.occurred_at < $END AND \(inScope("e.occurred_at")))
            FROM case_events e JOIN cases c ON c.id = e.case_id LEFT JOIN (\(petitionAtEnd)) p ON p.case_id = e.case_id
            WHERE e.kind = 'intake' AND e.occurred_at < $END AND \(inScope("e.occurred_at"))
            """)
        let transitions = "FROM case_events e JOIN cases c ON c.id = e.case_id WHERE e.kind = 'transition' AND e.occurred_at < $END AND \(inScope("e.occurred_at"))"
        f.resolution = try await numbers("""
            SELECT count(*) FILTER (WHERE e.to_stage = 'resolved' AND e.occurred_at >= $START),
                   count(*) FILTER (WHERE e.to_stage = 'resolved' AND e.occurred_at >= $FROM),
                   count(*) FILTER (WHERE e.from_stage = 'triage' AND e.to_stage = 'evaluation' AND e.occurred_at >= $START),
                   count(*) FILTER (WHERE e.from_stage = 'triage' AND e.to_stage = 'evaluation' AND e.occurred_at >= $FROM),
                   count(*) FILTER (WHERE e.to_stage = 'unresolved' AND e.occurred_at >= $FROM)
            \(transitions)
            """)
        f.resolvedByKind = try await counts("""
            SELECT e.payload->>'how', count(*) \(transitions) AND e.to_stage = 'resolved' AND e.occurred_at >= $FROM GROUP BY 1
            """)
        f.replies = try await numbers("""
            SELECT count(*) FILTER (WHERE d.kind = 'procedural_reply' AND d.closed_at >= $START AND d.closed_on <= d.due_on),
                   count(*) FILTER (WHERE d.kind = 'procedural_reply' AND d.closed_at >= $START),
                   count(*) FILTER (WHERE d.kind = 'procedural_reply' AND d.closed_at >= $FROM AND d.closed_on <= d.due_on),
                   count(*) FILTER (WHERE d.kind = 'procedural_reply' AND d.closed_at >= $FROM),
                   count(*) FILTER (WHERE d.kind = 'result_reply' AND d.closed_at >= $FROM AND d.closed_on <= d.due_on),
                   count(*) FILTER (WHERE d.kind = 'result_reply' AND d.closed_at >= $FROM)
            FROM case_deadlines d JOIN cases c ON c.id = d.case_id WHERE d.closed_at < $END AND \(inScope("d.closed_at"))
            """)
        let openAtEnd = """
            SELECT c.id, c.external_ref, coalesce((SELECT h.due_on FROM deadline_due_history h WHERE h.deadline_id = d.id AND h.changed_at < $END
                                                   ORDER BY h.changed_at DESC, h.id DESC LIMIT 1), d.original_due_on) AS due
            FROM case_deadlines d JOIN cases c ON c.id = d.case_id
            WHERE d.created_at < $END AND (d.closed_at IS NULL OR d.closed_at >= $END) AND \(scopeAtEnd)
            """
        let sunday = "'\(week.sunday)'::date"
        f.deadlines = try await numbers("""
            SELECT count(*) FILTER (WHERE due <= \(sunday)), count(*) FILTER (WHERE due > \(sunday) AND due <= \(sunday) + 7) FROM (\(openAtEnd)) o
            """)
        f.overdueRefs = try await sql("SELECT external_ref FROM (\(openAtEnd)) o WHERE due <= \(sunday) ORDER BY due, id LIMIT 5")
            .map { try $0.decode(String.self, at: 0) }
        // A case counts once per level, where it was at its first 包案 by a leader of that level.
        f.lead = try await counts("""
            SELECT f.level, count(*) FROM (
                SELECT DISTINCT ON (e.case_id, u.level) e.case_id, u.level, e.occurred_at FROM case_events e
                JOIN users lu ON lu.id = e.actor_id JOIN units u ON u.code = lu.unit_code
                WHERE e.kind = 'lead' AND e.occurred_at < $END ORDER BY e.case_id, u.level, e.occurred_at, e.id) f
            JOIN cases c ON c.id = f.case_id WHERE \(inScope("f.occurred_at")) GROUP BY 1
            """)
        f.clues = try await numbers("""
            SELECT count(*) FILTER (WHERE e.occurred_at >= $FROM), count(*) FILTER (WHERE e.occurred_at >= $START)
            FROM case_events e JOIN cases c ON c.id = e.case_id WHERE e.kind = 'clue_created' AND e.occurred_at < $END AND \(inScope("e.occurred_at"))
            """)
        f.openByUnit = try await counts("""
            SELECT \(unit(at: "$END", atEnd: true)), count(*) FROM (\(stageAtEnd)) s JOIN cases c ON c.id = s.case_id WHERE s.stage <> 'closed' GROUP BY 1
            """)
        let weekIntake = """
            FROM case_events e JOIN cases c ON c.id = e.case_id LEFT JOIN (\(petitionAtEnd)) p ON p.case_id = e.case_id
            WHERE e.kind = 'intake' AND e.occurred_at >= $START AND e.occurred_at < $END AND \(inScope("e.occurred_at")) GROUP BY 1
            """
        f.acceptedByUnit = try await counts("SELECT \(unit(at: "e.occurred_at")), count(*) \(weekIntake)")
        f.petitionByUnit = try await counts("SELECT \(unit(at: "e.occurred_at")), count(*) FILTER (WHERE p.yes) \(weekIntake)")
        for offset in (0..<12).reversed() {
            let monday = week.adding(weeks: -offset).monday
            f.trend.append(try await numbers("""
                SELECT count(*) FILTER (WHERE e.kind = 'intake'), count(*) FILTER (WHERE e.kind = 'transition' AND e.to_stage = 'resolved')
                FROM case_events e JOIN cases c ON c.id = e.case_id
                WHERE e.occurred_at >= '\(monday) 00:00+08' AND e.occurred_at < '\(monday.adding(days: 7)) 00:00+08' AND \(inScope("e.occurred_at"))
                """))
        }
        return f
    }
}
