import Domain
import Store

/// The audit log's filter as the 审计日志 page and `GET /api/v1/audit` read it from a query
/// string: `actor`, `action`, `entity`, `entity_id`, `from`, `through` (Beijing days) and
/// `before` (an event number). Blank fields narrow nothing; each wrong one is named with a
/// Chinese sentence, so the page shows it beside the form and the API answers it as a coded 422.
struct AuditQuery {
    /// The query fields the filter reads, in the order the page's form has them.
    static let fields = ["actor", "action", "entity", "entity_id", "from", "through", "before"]

    /// A field whose value cannot be used, with the sentence that says why.
    struct Problem: Equatable {
        let field: String
        let message: String
    }

    /// The filter, when every field could be read.
    let filter: AuditFilter
    /// The fields that could not; the filter leaves them out.
    let problems: [Problem]

    /// Reads `values` (field name → text as given; surrounding spaces are ignored).
    init(_ values: [String: String]) {
        func value(_ name: String) -> String? {
            let text = values[name]?.trimmingCharacters(in: .whitespaces) ?? ""
            return text.isEmpty ? nil : text
        }
        var problems: [Problem] = []
        func day(_ name: String, _ label: String) -> CalendarDate? {
            guard let text = value(name) else { return nil }
            guard let day = CalendarDate(iso: text) else {
                problems.append(Problem(field: name, message: "\(label)应为 2026-11-28 这样的日期，这里是“\(text)”。"))
                return nil
            }
            return day
        }
        var filter = AuditFilter(actorLabel: value("actor"), action: value("action"), entity: value("entity"), entityID: value("entity_id"),
                                 from: day("from", "起始日期"), through: day("through", "截止日期"))
        if let from = filter.from, let through = filter.through, from > through {
            problems.append(Problem(field: "through", message: "截止日期 \(through) 早于起始日期 \(from)。"))
        }
        if let text = value("before") {
            if let number = Int64(text), number > 0 {
                filter.before = number
            } else {
                problems.append(Problem(field: "before", message: "before 应为审计记录编号（正整数），这里是“\(text)”。"))
            }
        }
        (self.filter, self.problems) = (filter, problems)
    }
}
