import Domain
import Postgres

/// The time bounds of one weekly summary, as SQL expressions over Asia/Shanghai midnights:
/// the week is [Monday 00:00, next Monday 00:00) Shanghai time; cumulative is
/// [programme start 00:00, next Monday 00:00).
struct WeeklyWindow: Sendable {
    let week: ISOWeek
    let programmeStart: CalendarDate
    /// The rows the principal may see, as a condition over `cases c`.
    let scope: PostgresQuery

    /// Shanghai midnight at the start of `date`, as a timestamptz expression.
    static func midnight(_ date: CalendarDate) -> PostgresQuery {
        "(\(date)::date::timestamp AT TIME ZONE 'Asia/Shanghai')"
    }

    var start: PostgresQuery { Self.midnight(week.monday) }
    var end: PostgresQuery { Self.midnight(week.monday.adding(days: 7)) }
    var cumulativeStart: PostgresQuery { Self.midnight(programmeStart) }

    /// `column` within the week.
    func inWeek(_ column: String) -> PostgresQuery {
        "\(unescaped: column) >= \(start) AND \(unescaped: column) < \(end)"
    }

    /// `column` since the programme start, up to the week's end.
    func cumulative(_ column: String) -> PostgresQuery {
        "\(unescaped: column) >= \(cumulativeStart) AND \(unescaped: column) < \(end)"
    }

    /// `column` in the week (`weekly` true) or cumulatively.
    func period(_ column: String, weekly: Bool) -> PostgresQuery {
        weekly ? inWeek(column) : cumulative(column)
    }

    /// A deadline `d`'s due date at the week's end: its latest change before then, else the
    /// first computation.
    var dueAtEnd: PostgresQuery {
        """
        coalesce((SELECT h.due_on FROM deadline_due_history h WHERE h.deadline_id = d.id AND h.changed_at < \(end)
                  ORDER BY h.changed_at DESC, h.id DESC LIMIT 1), d.original_due_on)
        """
    }

    /// Deadline `d` existed and was still open at the week's end.
    var openAtEnd: PostgresQuery {
        "d.created_at < \(end) AND (d.closed_at IS NULL OR d.closed_at >= \(end))"
    }

    /// Each case's stage at the week's end, from its last stage-changing event before it.
    var stageAtEnd: PostgresQuery {
        """
        SELECT DISTINCT ON (e.case_id) e.case_id, e.to_stage AS stage
        FROM case_events e JOIN cases c ON c.id = e.case_id
        WHERE e.to_stage IS NOT NULL AND e.occurred_at < \(end) AND \(scope)
        ORDER BY e.case_id, e.id DESC
        """
    }

    /// Each case's triage decision at the week's end, from its last event that carried one.
    var petitionAtEnd: PostgresQuery {
        """
        SELECT DISTINCT ON (e.case_id) e.case_id, (e.payload->>'petition_related')::boolean AS petition_related
        FROM case_events e JOIN cases c ON c.id = e.case_id
        WHERE e.payload ? 'petition_related' AND e.occurred_at < \(end) AND \(scope)
        ORDER BY e.case_id, e.id DESC
        """
    }
}
