import Domain
import Postgres

/// The increments of one summary added up (one query over `WeeklyIncrements.rows`), grouped the
/// way the sections read them: per metric and key, in the week, since the programme start and
/// since the beginning of history (for stocks: stage at week end, open deadlines).
struct WeeklyTotals {
    /// Which sum of a metric.
    enum Period {
        /// The summary's week.
        case week
        /// From the programme start to the week's end.
        case cumulative
        /// Everything up to the week's end (stocks are Σ of their increments since ever).
        case ever
    }

    struct Row {
        let metric: String
        /// Set for the metrics counted per unit (areas): entered, left, moved_in, moved_out, intake,
        /// new_petition, resolved.
        let unit: String?
        /// Set for the batch-row metrics (`rows_…`).
        let partner: Int?
        /// The metric's key; for `open_due` the bucket (overdue / near / later), for `petition`
        /// whether the case came in since the programme start (since_start / before_start).
        let key: String
        /// Set for intake and resolved in the 12 weeks of the trend.
        let trendWeek: CalendarDate?
        let week: Int, cumulative: Int, ever: Int

        func value(_ period: Period) -> Int {
            switch period {
            case .week: week
            case .cumulative: cumulative
            case .ever: ever
            }
        }
    }

    let rows: [Row]

    static func load(_ increments: WeeklyIncrements, on connection: PostgresConnection) async throws -> WeeklyTotals {
        let window = increments.window
        let monday = window.week.monday, sunday = window.week.sunday
        let startMonday = ISOWeek(containing: window.programmeStart).monday
        let cumulative: PostgresQuery = window.partialFirstWeek == nil
            ? "NOT partial AND week >= \(startMonday)"
            : "partial OR week > \(startMonday)"
        let rows = try await connection.query("""
            WITH inc AS (\(increments.rows))
            SELECT metric,
                   CASE WHEN metric IN ('entered', 'left', 'moved_in', 'moved_out', 'intake', 'new_petition', 'resolved') THEN unit_code END,
                   CASE WHEN metric IN ('rows_accepted', 'rows_updated', 'rows_duplicate') THEN partner_id END,
                   CASE metric
                     WHEN 'open_due' THEN CASE WHEN key::date <= \(sunday) THEN 'overdue'
                                               WHEN key::date <= \(sunday.adding(days: 7)) THEN 'near' ELSE 'later' END
                     WHEN 'petition' THEN CASE WHEN key::date >= \(window.programmeStart) THEN 'since_start' ELSE 'before_start' END
                     ELSE key END,
                   CASE WHEN metric IN ('intake', 'resolved') AND NOT partial AND week > \(monday.adding(days: -84)) THEN week END,
                   coalesce(sum(n) FILTER (WHERE week = \(monday) AND NOT partial), 0)::bigint,
                   coalesce(sum(n) FILTER (WHERE \(cumulative)), 0)::bigint,
                   coalesce(sum(n) FILTER (WHERE NOT partial), 0)::bigint
            FROM inc GROUP BY 1, 2, 3, 4, 5
            """)
        return WeeklyTotals(rows: try rows.map { row in
            let (metric, unit, partner, key, trendWeek, week, cumulative, ever) =
                try row.decode((String, String?, Int?, String, CalendarDate?, Int, Int, Int).self)
            return Row(metric: metric, unit: unit, partner: partner, key: key, trendWeek: trendWeek, week: week, cumulative: cumulative, ever: ever)
        })
    }

    /// The sum of `metric` (with `key` when given) over `period`.
    func sum(_ metric: String, key: String? = nil, _ period: Period) -> Int {
        rows.reduce(0) { total, row in
            row.metric == metric && (key == nil || row.key == key) ? total + row.value(period) : total
        }
    }

    /// The sums of `metric` over `period` per key (zeros left out).
    func byKey(_ metric: String, _ period: Period) -> [String: Int] {
        var result: [String: Int] = [:]
        for row in rows where row.metric == metric { result[row.key, default: 0] += row.value(period) }
        return result.filter { $0.value != 0 }
    }

    /// The sums of `metric` over `period` per unit.
    func byUnit(_ metric: String, _ period: Period, where include: (Row) -> Bool = { _ in true }) -> [String: Int] {
        var result: [String: Int] = [:]
        for row in rows where row.metric == metric && include(row) {
            if let unit = row.unit { result[unit, default: 0] += row.value(period) }
        }
        return result
    }
}
