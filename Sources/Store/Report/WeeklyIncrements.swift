import Domain
import Postgres

/// The weekly summary's increment cache (`sql/0009_weekly_increments.sql`): per week, unit and
/// partner, what changed in that week. A summary adds these rows up instead of reading the whole
/// history; this type decides which weeks come from the cache and which are computed live.
///
/// A week is cached once it can no longer change: every row of history carries its transaction's
/// start time (`now()`), so a week that ended before every transaction still open began is final.
struct WeeklyIncrements {
    /// The last week (its Monday) whose increments come from the cache; later weeks up to the
    /// summary's are computed live from the events.
    let lastCached: CalendarDate
    let window: WeeklyWindow

    /// Makes sure every final week up to `window.week` is cached, filling the missing ones (in
    /// one pass over their history, under a lock so that concurrent summaries fill each week once).
    static func prepare(_ window: WeeklyWindow, on connection: PostgresConnection) async throws -> WeeklyIncrements {
        let row = try await connection.query("""
            SELECT shanghai_monday(least((SELECT min(occurred_at) FROM case_events), (SELECT min(created_at) FROM case_deadlines),
                                         (SELECT min(received_at) FROM batches))),
                   shanghai_monday(least(now(), (SELECT min(xact_start) FROM pg_stat_activity WHERE datname = current_database()))) - 7
            """)[0]
        let (first, lastFinal) = try row.decode((CalendarDate?, CalendarDate).self)
        let lastCached = min(lastFinal, window.week.monday)
        if let first, first <= lastCached {
            try await fill(from: first, through: lastCached, on: connection)
        }
        return WeeklyIncrements(lastCached: lastCached, window: window)
    }

    private static func missingWeeks(from first: CalendarDate, through last: CalendarDate,
                                     on connection: PostgresConnection) async throws -> [CalendarDate] {
        try await connection.query("""
            SELECT w::date FROM generate_series(\(first)::date, \(last)::date, interval '7 days') w
            WHERE NOT EXISTS (SELECT 1 FROM weekly_cache_weeks c WHERE c.week = w::date) ORDER BY 1
            """).map { try $0.decode(CalendarDate.self, at: 0) }
    }

    private static func fill(from first: CalendarDate, through last: CalendarDate, on connection: PostgresConnection) async throws {
        guard try await !missingWeeks(from: first, through: last, on: connection).isEmpty else { return }
        // The first fill reads all history (23 s at 1 000 000 cases): a statement_timeout would
        // cancel it on every summary, and the cache would never fill (`LongStatements`).
        try await LongStatements.withoutTimeout(on: connection) {
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext('huqi.weekly_increments'))")
            let missing = try await missingWeeks(from: first, through: last, on: connection)  // another summary may have filled them
            guard let earliest = missing.first, let latest = missing.last else { return }
            try await connection.query("INSERT INTO weekly_cache_weeks (week) SELECT unnest(\(missing.map(\.description))::date[])")
            try await connection.query("""
                INSERT INTO weekly_increments
                SELECT f.week, f.unit_code, f.partner_id, f.metric, f.key, sum(f.n)
                FROM weekly_increments(\(WeeklyWindow.midnight(earliest)), \(WeeklyWindow.midnight(latest.adding(days: 7)))) f
                WHERE f.week = ANY (\(missing.map(\.description))::date[])
                GROUP BY 1, 2, 3, 4, 5
                """)
        }
    }

    /// The increment rows a summary adds up, limited to the principal's scope: every week up to
    /// the summary's (cached or live), and — when the programme started on another day than a
    /// Monday — that first week's increments from the start day on, flagged `partial`, for the
    /// cumulative figures. Columns: week, unit_code, partner_id, metric, key, n, partial.
    var rows: PostgresQuery {
        var query: PostgresQuery = """
            SELECT i.week, i.unit_code, i.partner_id, i.metric, i.key, i.n, false AS partial
            FROM weekly_increments i WHERE i.week <= \(lastCached) AND \(window.scope(unit: "i.unit_code", partner: "i.partner_id"))
            """
        if lastCached < window.week.monday {
            query.append("""

                UNION ALL
                SELECT i.week, i.unit_code, i.partner_id, i.metric, i.key, i.n, false
                FROM weekly_increments(\(WeeklyWindow.midnight(lastCached.adding(days: 7))), \(window.end)) i
                WHERE \(window.scope(unit: "i.unit_code", partner: "i.partner_id"))
                """)
        }
        if let partialWeek = window.partialFirstWeek {
            query.append("""

                UNION ALL
                SELECT i.week, i.unit_code, i.partner_id, i.metric, i.key, i.n, true
                FROM weekly_increments(\(window.cumulativeStart), \(WeeklyWindow.midnight(partialWeek.adding(days: 7)))) i
                WHERE \(window.scope(unit: "i.unit_code", partner: "i.partner_id"))
                """)
        }
        return query
    }
}
