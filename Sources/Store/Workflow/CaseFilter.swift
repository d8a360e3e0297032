import Domain
import Postgres

/// The filters and order of the case list (`GET /api/v1/cases`, queues, `huqi queue list`).
public struct CaseFilter: Sendable, Equatable {
    /// How the list is ordered.
    public enum Sort: String, Sendable, CaseIterable {
        /// Earliest open deadline first (the queue order).
        case due
        /// Newest case first.
        case newest
        /// By case id.
        case id
    }

    public var unit: String?
    /// Also include the units below `unit`.
    public var includeSubunits = false
    public var stage: Stage?
    /// Only open cases (not closed).
    public var openOnly = false
    public var overdue: Bool?
    /// 临期: open, not paused, and its next deadline within the near-due window (today through
    /// `WorkflowClock.nearDueUntil`, the badge's rule); false: every other case.
    public var nearDue: Bool?
    public var petitionRelated: Bool?
    /// A partner's code.
    public var partner: String?
    public var batchID: Int64?
    public var assigneeID: Int?
    /// Only cases nobody holds.
    public var unassigned = false
    public var typical: Bool?
    /// Only cases intake flagged as possible duplicates that nobody has checked yet (核对疑似重复).
    public var duplicateUnchecked = false
    /// What a person types to find a case: part of the enterprise's name, of the respondent or
    /// of the 案件编号, or a whole credit code (any letter case; full-width and half-width
    /// brackets match each other). Set it through `CaseFilter.searchTerm(_:)`.
    public var search: String?
    public var sort: Sort = .due
    public var limit = 50
    public var offset = 0

    public init() {}

    /// The `WHERE` conditions (besides scope) over `cases c`: `today` for overdue, and the last
    /// day of the near-due window.
    func conditions(today: CalendarDate, nearDueUntil: CalendarDate) -> PostgresQuery {
        var parts: [PostgresQuery] = []
        if let unit {
            parts.append(includeSubunits
                ? "c.unit_code IN (SELECT code FROM units WHERE path LIKE (SELECT path FROM units WHERE code = \(unit)) || '%')"
                : "c.unit_code = \(unit)")
        }
        if let stage { parts.append("c.stage = \(stage.rawValue)") }
        if openOnly { parts.append("c.stage <> 'closed'") }
        if let overdue {
            let condition: PostgresQuery = "(c.stage <> 'closed' AND c.on_hold_since IS NULL AND c.next_due_on < \(today))"
            parts.append(overdue ? condition : "NOT coalesce(" + condition + ", false)")  // no deadline: not overdue
        }
        if let nearDue {
            let condition: PostgresQuery = """
                (c.stage <> 'closed' AND c.on_hold_since IS NULL AND c.next_due_on BETWEEN \(today) AND \(nearDueUntil))
                """
            parts.append(nearDue ? condition : "NOT coalesce(" + condition + ", false)")
        }
        if let petitionRelated { parts.append("c.petition_related IS \(unescaped: petitionRelated ? "TRUE" : "FALSE")") }
        if let partner { parts.append("lower(p.code) = lower(\(partner))") }
        if let batchID {
            // Last written by the batch, or created by it (its accepted and duplicate rows): both
            // through indexes — `c.first_batch_id = …` (no index) scanned every case.
            parts.append("""
                c.id IN (SELECT id FROM cases WHERE batch_id = \(batchID)
                         UNION ALL SELECT case_id FROM batch_rows WHERE batch_id = \(batchID) AND outcome IN ('accepted', 'duplicate'))
                """)
        }
        if let assigneeID { parts.append("c.assignee_id = \(assigneeID)::bigint") }
        if unassigned { parts.append("c.assignee_id IS NULL") }
        if let typical { parts.append(typical ? "c.typical_summary IS NOT NULL" : "c.typical_summary IS NULL") }
        if duplicateUnchecked { parts.append("c.possible_duplicate_of IS NOT NULL AND c.duplicate_review IS NULL") }
        if let search {
            // strpos, not LIKE: a typed % or _ is a character, not a pattern.
            parts.append("""
                (strpos(translate(lower(c.enterprise_name), '（）', '()'), \(search)) > 0
                 OR strpos(translate(lower(coalesce(c.respondent, '')), '（）', '()'), \(search)) > 0
                 OR strpos(lower(c.external_ref), \(search)) > 0 OR c.credit_code = upper(\(search)))
                """)
        }
        return parts.isEmpty ? "TRUE" : PostgresQuery.joined(parts, separator: " AND ")
    }

    /// The longest search accepted.
    public static let searchLimit = 100

    /// A typed search as the filter compares it (full-width folded, blanks collapsed, lower
    /// case); nil when blank. Callers refuse (API) or cut (pages) one longer than `searchLimit`.
    public static func searchTerm(_ text: String?) -> String? {
        guard let text else { return nil }
        let term = TextNormalizer.normalize(text).lowercased()
        return term.isEmpty ? nil : term
    }

    var orderBy: String {
        switch sort {
        case .due: "c.next_due_on NULLS LAST, c.id"
        case .newest: "c.id DESC"
        case .id: "c.id"
        }
    }
}
