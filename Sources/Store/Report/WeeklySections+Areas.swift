import Domain
import Postgres

extension WeeklySections {
    /// All 14 cities (always, zeros included) and every unit with new, resolved or open cases.
    func areas() async throws -> (cities: [WeeklySummary.AreaRow], units: [WeeklySummary.AreaRow]) {
        var perUnit: [String: WeeklySummary.AreaRow] = [:]
        var names: [String: (name: String, level: String, parent: String?)] = [:]
        for row in try await connection.query("SELECT code, name, level, parent_code FROM units") {
            let (code, name, level, parent) = try row.decode((String, String, String, String?).self)
            names[code] = (name, level, parent)
        }
        let accepted = totals.byUnit("intake", .week), petition = totals.byUnit("new_petition", .week)
        let resolved = totals.byUnit("resolved", .week)
        // Open at week end: what entered an open stage there or was moved there with it, less what left.
        let entered = totals.byUnit("entered", .ever) { $0.key != Stage.closed.rawValue }
        let left = totals.byUnit("left", .ever) { $0.key != Stage.closed.rawValue }
        let movedIn = totals.byUnit("moved_in", .ever) { $0.key != Stage.closed.rawValue }
        let movedOut = totals.byUnit("moved_out", .ever) { $0.key != Stage.closed.rawValue }
        let weekIn = totals.byUnit("moved_in", .week), weekOut = totals.byUnit("moved_out", .week)
        for unit in Set(accepted.keys).union(resolved.keys).union(entered.keys).union(movedIn.keys).union(weekOut.keys) {
            var row = WeeklySummary.AreaRow(code: unit, name: names[unit]?.name ?? unit)
            (row.accepted, row.petitionRelated, row.resolved) = (accepted[unit] ?? 0, petition[unit] ?? 0, resolved[unit] ?? 0)
            row.openAtEnd = (entered[unit] ?? 0) - (left[unit] ?? 0) + (movedIn[unit] ?? 0) - (movedOut[unit] ?? 0)
            (row.movedIn, row.movedOut) = (weekIn[unit] ?? 0, weekOut[unit] ?? 0)
            if row.accepted != 0 || row.resolved != 0 || row.openAtEnd != 0 || row.movedIn != 0 || row.movedOut != 0 { perUnit[unit] = row }
        }
        // A unit's city: itself when a city, else its parent city.
        func city(of unit: String) -> String? {
            guard let entry = names[unit] else { return nil }
            if entry.level == "city" { return unit }
            if entry.level == "county", let parent = entry.parent { return parent }
            return nil
        }
        var cities = names.filter { $0.value.level == "city" }.keys.sorted().map { WeeklySummary.AreaRow(code: $0, name: names[$0]!.name) }
        for row in perUnit.values {
            guard let cityCode = city(of: row.code), let index = cities.firstIndex(where: { $0.code == cityCode }) else { continue }
            cities[index].accepted += row.accepted
            cities[index].petitionRelated += row.petitionRelated
            cities[index].resolved += row.resolved
            cities[index].openAtEnd += row.openAtEnd
            cities[index].movedIn += row.movedIn
            cities[index].movedOut += row.movedOut
        }
        return (cities, perUnit.values.sorted { $0.code < $1.code })
    }

    /// The five open deadlines overdue longest at week end, with the unit that had the case then.
    /// Due dates only move later, so the candidates are the first five by their first due date
    /// among deadlines never moved before the week's end, and every deadline moved by then.
    func overdueLongest() async throws -> [WeeklySummary.OverdueCase] {
        let sunday = window.week.sunday
        let moved: PostgresQuery = "EXISTS (SELECT 1 FROM deadline_due_history h WHERE h.deadline_id = d.id AND h.changed_at < \(window.end))"
        return try await connection.query("""
            SELECT c.id, c.external_ref, c.enterprise_name, un.name, o.kind, o.due, \(sunday.adding(days: 1))::date - o.due
            FROM ((SELECT d.id, d.case_id, d.kind, d.original_due_on AS due FROM case_deadlines d JOIN cases c ON c.id = d.case_id
                   WHERE \(window.openAtEnd) AND \(window.scopeAtEnd) AND NOT \(moved)
                   ORDER BY d.original_due_on, d.id LIMIT 5)
                  UNION ALL
                  SELECT d.id, d.case_id, d.kind, \(window.dueAtEnd) FROM case_deadlines d JOIN cases c ON c.id = d.case_id
                  WHERE d.id IN (SELECT h.deadline_id FROM deadline_due_history h WHERE h.changed_at < \(window.end))
                    AND \(window.openAtEnd) AND \(window.scopeAtEnd)) o
            JOIN cases c ON c.id = o.case_id JOIN units un ON un.code = \(unescaped: WeeklyWindow.unit(at: window.endMoment))
            WHERE o.due <= \(sunday)
            ORDER BY o.due, c.id LIMIT 5
            """).map { row in
            let (id, ref, name, unit, kind, due, days) = try row.decode((Int64, String, String, String, String, CalendarDate, Int).self)
            return WeeklySummary.OverdueCase(caseID: id, externalRef: ref, enterpriseName: name, unitName: unit,
                                             deadline: DeadlineKind(rawValue: kind)?.chineseName ?? kind, dueOn: due, daysOverdue: days)
        }
    }

    /// The five batches of the week with the most rejected rows (the whole programme only:
    /// rejected rows belong to no unit).
    func mostRejectedBatches() async throws -> [WeeklySummary.RejectedBatch] {
        guard wholeProgramme else { return [] }
        return try await connection.query("""
            SELECT b.id, p.code, b.batch_no, b.rejected, b.total FROM batches b JOIN partners p ON p.id = b.partner_id
            WHERE \(window.inWeek("b.received_at")) AND b.rejected > 0 ORDER BY b.rejected DESC, b.id LIMIT 5
            """).map { row in
            let (id, partner, number, rejected, total) = try row.decode((Int64, String, Int?, Int, Int).self)
            return WeeklySummary.RejectedBatch(batchID: id, partner: partner, batchNumber: number, rejected: rejected, total: total)
        }
    }

    /// New and resolved cases in each of the 12 weeks ending with this one.
    func trend() -> [WeeklySummary.TrendPoint] {
        let first = window.week.adding(weeks: -11)
        var points = (0..<12).map { WeeklySummary.TrendPoint(week: first.adding(weeks: $0), accepted: 0, resolved: 0) }
        for row in totals.rows {
            guard let monday = row.trendWeek, let index = points.firstIndex(where: { $0.week.monday == monday }) else { continue }
            if row.metric == "intake" { points[index].accepted += row.ever } else { points[index].resolved += row.ever }
        }
        return points
    }
}
