import Domain
import Postgres

/// Open deadlines computed again after the holiday calendar changed (`huqi calendar load`).
///
/// A due date over a year without holiday data is computed with weekends alone and marked
/// provisional (DESIGN.md §8); when the year's data arrives — or a loaded year is corrected —
/// every open deadline that is provisional or spans a loaded year is replayed on the new
/// calendar: its period from its start, then its holds and its extension in the order they
/// happened (`WorkCalendar.replayedDueDate`). Answered deadlines keep the date they were judged by.
public enum DeadlineRecompute {
    /// One deadline whose due date moved.
    public struct Move: Sendable, Equatable {
        public var caseID: Int64
        /// The case's 案件编号, what people know it by.
        public var externalRef: String
        public var deadlineID: Int64
        /// The deadline's kind (`result_reply`, …).
        public var kind: String
        public var from: CalendarDate
        public var to: CalendarDate
    }

    /// What a recomputation did.
    public struct Outcome: Sendable, Equatable {
        /// Open deadlines looked at.
        public var checked = 0
        /// Those whose due date changed, each also an event on its case's timeline.
        public var moved: [Move] = []
        /// Those no longer provisional (their years now all have data).
        public var settled = 0
        /// Those left as they were because a hold's or extension's record could not be read.
        public var skipped = 0
    }

    /// Recomputes inside the caller's transaction, after the calendar rows were replaced.
    /// `actor` names who loaded the calendar on the cases' timelines.
    public static func run(years: [Int], actor: String, on connection: PostgresConnection) async throws -> Outcome {
        let calendar = try await CalendarStore.load(on: connection)
        let rows = try await connection.query("""
            SELECT d.id, d.case_id, c.external_ref, d.kind, d.starts_on, d.day_mode, d.due_on, d.provisional,
                   coalesce((SELECT array_agg(CASE e.kind
                                 WHEN 'resume' THEN 'hold ' || (e.payload ->> 'since') || ' '
                                                    || ((e.occurred_at AT TIME ZONE 'Asia/Shanghai')::date)::text
                                 ELSE 'extended ' || d.extended_days::text END ORDER BY e.id)
                             FROM case_events e
                             WHERE e.case_id = d.case_id AND e.occurred_at >= d.created_at
                               AND (e.kind = 'resume' OR (e.kind = 'extension' AND e.deadline_id = d.id))), '{}') AS adjustments
            FROM case_deadlines d JOIN cases c ON c.id = d.case_id
            WHERE d.closed_on IS NULL
              AND (d.provisional OR EXISTS (SELECT 1 FROM unnest(\(years.map(Int32.init))::int4[]) AS y
                                            WHERE d.starts_on < make_date(y + 1, 1, 1) AND d.due_on >= make_date(y, 1, 1)))
            ORDER BY d.id
            FOR UPDATE OF d
            """)
        var outcome = Outcome()
        var changed: (ids: [Int64], dues: [CalendarDate], provisional: [Bool]) = ([], [], [])
        for row in rows {
            let (id, caseID, reference, kindName, start, modeName, due, provisional, adjustments) =
                try row.decode((Int64, Int64, String, String, CalendarDate, String, CalendarDate, Bool, [String]).self)
            guard let kind = DeadlineKind(rawValue: kindName), let mode = DayMode(rawValue: modeName) else { continue }
            outcome.checked += 1
            let parsed = adjustments.map(adjustment)
            guard !parsed.contains(nil) else {
                outcome.skipped += 1  // never a guess: a history we cannot replay keeps its date
                continue
            }
            let replayed = calendar.replayedDueDate(startingAfter: start, period: kind.period, mode: mode,
                                                    adjustments: parsed.compactMap { $0 })
            guard replayed.date != due || replayed.provisional != provisional else { continue }
            changed.ids.append(id)
            changed.dues.append(replayed.date)
            changed.provisional.append(replayed.provisional)
            if provisional && !replayed.provisional { outcome.settled += 1 }
            if replayed.date != due {
                outcome.moved.append(Move(caseID: caseID, externalRef: reference, deadlineID: id, kind: kindName, from: due, to: replayed.date))
            }
        }
        guard !changed.ids.isEmpty else { return outcome }
        // Set-based writes: a year's load may touch every open deadline, and holds their locks.
        try await connection.query("""
            UPDATE case_deadlines d SET due_on = c.due, provisional = c.provisional
            FROM unnest(\(changed.ids)::bigint[], \(changed.dues)::date[], \(changed.provisional)::boolean[]) AS c (id, due, provisional)
            WHERE d.id = c.id
            """)
        if !outcome.moved.isEmpty {
            let yearList = years.map(String.init).joined(separator: ",")
            try await connection.query("""
                INSERT INTO case_events (case_id, kind, actor, note, payload, deadline_id)
                SELECT m.case_id, 'recomputed', \(actor), '节假日日历更新后重算：' || to_char(m.old_due, 'YYYY-MM-DD') || ' → ' || to_char(m.new_due, 'YYYY-MM-DD'),
                       jsonb_build_object('kind', m.kind, 'from', to_char(m.old_due, 'YYYY-MM-DD'), 'to', to_char(m.new_due, 'YYYY-MM-DD'), 'years', \(yearList)::text), m.id
                FROM unnest(\(outcome.moved.map(\.caseID))::bigint[], \(outcome.moved.map(\.deadlineID))::bigint[],
                            \(outcome.moved.map(\.from))::date[], \(outcome.moved.map(\.to))::date[], \(outcome.moved.map(\.kind))::text[])
                     AS m (case_id, id, old_due, new_due, kind)
                ORDER BY m.id
                """)
            let cases = Array(Set(outcome.moved.map(\.caseID))).sorted()
            try await connection.query("SELECT refresh_next_due(\(cases)::bigint[])")
        }
        return outcome
    }

    /// `hold FROM UNTIL` or `extended DAYS`, as the query above spells them.
    private static func adjustment(_ text: String) -> DeadlineAdjustment? {
        let parts = text.split(separator: " ")
        switch parts.first {
        case "hold" where parts.count == 3:
            guard let from = CalendarDate(iso: parts[1]), let until = CalendarDate(iso: parts[2]) else { return nil }
            return .hold(from: from, until: until)
        case "extended" where parts.count == 2:
            return Int(parts[1]).map { .extended(days: $0) }
        default:
            return nil
        }
    }
}
