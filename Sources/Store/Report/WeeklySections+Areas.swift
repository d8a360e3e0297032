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
        func touch(_ unit: String) { if perUnit[unit] == nil { perUnit[unit] = .init(code: unit, name: names[unit]?.name ?? unit) } }
        for row in try await connection.query("""
            SELECT c.unit_code, count(*) FILTER (WHERE e.kind = 'intake'),
                   count(*) FILTER (WHERE e.kind = 'intake' AND p.petition_related),
                   count(*) FILTER (WHERE e.kind = 'transition' AND e.to_stage = 'resolved')
            FROM case_events e JOIN cases c ON c.id = e.case_id LEFT JOIN petition_at_end p ON p.case_id = e.case_id
            WHERE (e.kind = 'intake' OR (e.kind = 'transition' AND e.to_stage = 'resolved'))
              AND \(window.inWeek("e.occurred_at")) AND \(window.scope)
            GROUP BY c.unit_code
            """) {
            let (unit, accepted, petition, resolved) = try row.decode((String, Int, Int, Int).self)
            touch(unit)
            perUnit[unit]?.accepted = accepted
            perUnit[unit]?.petitionRelated = petition
            perUnit[unit]?.resolved = resolved
        }
        for row in try await connection.query("""
            SELECT c.unit_code, count(*) FROM stage_at_end s JOIN cases c ON c.id = s.case_id
            WHERE s.stage <> 'closed' GROUP BY c.unit_code
            """) {
            let (unit, open) = try row.decode((String, Int).self)
            touch(unit)
            perUnit[unit]?.openAtEnd = open
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
        }
        return (cities, perUnit.values.sorted { $0.code < $1.code })
    }

    /// The five open deadlines overdue longest at week end.
    func overdueLongest() async throws -> [WeeklySummary.OverdueCase] {
        let sunday = window.week.sunday
        return try await connection.query("""
            SELECT id, external_ref, enterprise_name, unit_name, kind, due, \(sunday.adding(days: 1))::date - due
            FROM (SELECT c.id, c.external_ref, c.enterprise_name, un.name AS unit_name, d.kind, \(window.dueAtEnd) AS due
                  FROM case_deadlines d JOIN cases c ON c.id = d.case_id JOIN units un ON un.code = c.unit_code
                  WHERE \(window.openAtEnd) AND \(window.scope)) open
            WHERE due <= \(sunday)
            ORDER BY due, id LIMIT 5
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
    func trend() async throws -> [WeeklySummary.TrendPoint] {
        let first = window.week.adding(weeks: -11)
        var points = (0..<12).map { WeeklySummary.TrendPoint(week: first.adding(weeks: $0), accepted: 0, resolved: 0) }
        for row in try await connection.query("""
            SELECT date_trunc('week', e.occurred_at AT TIME ZONE 'Asia/Shanghai')::date,
                   count(*) FILTER (WHERE e.kind = 'intake'), count(*) FILTER (WHERE e.kind = 'transition' AND e.to_stage = 'resolved')
            FROM case_events e JOIN cases c ON c.id = e.case_id
            WHERE (e.kind = 'intake' OR (e.kind = 'transition' AND e.to_stage = 'resolved'))
              AND e.occurred_at >= \(WeeklyWindow.midnight(first.monday)) AND e.occurred_at < \(window.end) AND \(window.scope)
            GROUP BY 1
            """) {
            let (monday, accepted, resolved) = try row.decode((CalendarDate, Int, Int).self)
            if let index = points.firstIndex(where: { $0.week == ISOWeek(containing: monday) }) {
                points[index].accepted = accepted
                points[index].resolved = resolved
            }
        }
        return points
    }
}
