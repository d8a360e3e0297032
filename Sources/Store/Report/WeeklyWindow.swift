import Domain
import Postgres

/// The time bounds of one weekly summary, as SQL expressions over Asia/Shanghai midnights:
/// the week is [Monday 00:00, next Monday 00:00) Shanghai time; cumulative is
/// [programme start 00:00, next Monday 00:00).
struct WeeklyWindow: Sendable {
    let week: ISOWeek
    let programmeStart: CalendarDate
    /// What the principal may see.
    let access: AccessPolicy.Scope

    /// The cases the principal may see at `moment` (a timestamptz column or expression), as a
    /// condition over `cases c`: by the unit the case had then (`sql/0024_case_unit_moves.sql`),
    /// so a case moved to another unit later still counts where it was.
    func scope(at moment: String) -> PostgresQuery {
        scope(unit: Self.unit(at: moment), partner: "c.partner_id")
    }

    /// The cases the principal may see as they stood at the week's end.
    var scopeAtEnd: PostgresQuery { scope(at: endMoment) }

    /// The unit case `c` had at `moment` (trusted SQL text).
    static func unit(at moment: String) -> String {
        "coalesce(case_unit_then(c.id, \(moment)), c.unit_code)"
    }

    /// The last moment of the week, as SQL text: a move at the next Monday's midnight is the next week's.
    var endMoment: String {
        "(('\(week.monday.adding(days: 7))'::date::timestamp AT TIME ZONE 'Asia/Shanghai') - interval '1 microsecond')"
    }

    /// The rows the principal may see, as a condition over the given unit and partner columns.
    func scope(unit: String, partner: String) -> PostgresQuery {
        access.condition(unitColumn: unit, partnerColumn: partner)
    }

    /// The Monday of the programme's first week when the programme started on another day: its
    /// days before the start are not part of the cumulative figures. Nil when the start is a
    /// Monday or after this week.
    var partialFirstWeek: CalendarDate? {
        let monday = ISOWeek(containing: programmeStart).monday
        return monday != programmeStart && monday <= week.monday ? monday : nil
    }

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
}
