import Domain
import Postgres
import Store

/// 期限提醒, above the work queues: how many of the person's own cases are overdue or near-due,
/// and for a leader how many open cases of their procuratorate and those below are overdue,
/// near-due or held by nobody. Each number opens exactly those cases on the case list (the
/// same filters, so the list's 共 N 件 is the number shown here).
enum DeadlineAlerts {
    /// One number of the card.
    struct Count: Sendable, Equatable {
        let label: String
        let count: Int
        /// The case list showing them.
        let link: String
        /// A number to act on (shown in the alert colour when not zero).
        let urgent: Bool
    }

    /// The most a count counts before it says 超过.
    static let countLimit = 10_000

    /// The numbers for `principal`: their own cases (everyone who works cases), then their
    /// scope's (leaders).
    static func counts(for principal: Principal, using client: PostgresClient) async throws -> (own: [Count], scope: [Count]) {
        var asked: [(label: String, link: String, urgent: Bool, mine: Bool, filter: CaseFilter)] = []
        func ask(_ label: String, _ link: String, urgent: Bool = true, mine: Bool, _ change: (inout CaseFilter) -> Void) {
            var filter = CaseFilter()
            change(&filter)
            asked.append((label, link, urgent, mine, filter))
        }
        if let userID = principal.userID {
            ask("逾期", "/app/cases?holder=mine&due=overdue", mine: true) { $0.assigneeID = userID; $0.overdue = true }
            ask("临期", "/app/cases?holder=mine&due=near", mine: true) { $0.assigneeID = userID; $0.nearDue = true }
        }
        if AccessPolicy.canLeadCases(principal) {
            ask("逾期", "/app/cases?due=overdue", mine: false) { $0.overdue = true }
            ask("临期", "/app/cases?due=near", mine: false) { $0.nearDue = true }
            ask("无人承办", "/app/cases?holder=none&stage=open", urgent: false, mine: false) { $0.unassigned = true; $0.openOnly = true }
        }
        let numbers = try await CaseQueries.counts(asked.map(\.filter), for: principal, upTo: countLimit, using: client)
        let counts = zip(asked, numbers).map { a, n in (a.mine, Count(label: a.label, count: n, link: a.link, urgent: a.urgent)) }
        return (counts.filter(\.0).map(\.1), counts.filter { !$0.0 }.map(\.1))
    }

    /// The card: one line for the person's own cases, one for a leader's scope.
    static func card(own: [Count], scope: [Count]) -> Markup {
        func numbers(_ counts: [Count]) -> Markup {
            Markup(counts.map { c -> Markup in
                let text = c.count > countLimit ? "超过 \(countLimit) 件" : "\(c.count) 件"
                let style: Markup = c.urgent && c.count > 0 ? " class=\"badge overdue\"" : .empty
                return "<a\(style) href=\"\(c.link)\">\(c.label) \(text)</a>"
            }, separator: " · ")
        }
        var lines: [Markup] = []
        if !own.isEmpty { lines.append("<p id=\"alerts-own\">我手上的案件：\(numbers(own))</p>") }
        if !scope.isEmpty { lines.append("<p id=\"alerts-scope\">本院及下级院在办案件：\(numbers(scope))</p>") }
        guard !lines.isEmpty else { return .empty }
        return "<div class=\"card\" id=\"deadline-alerts\"><h2>期限提醒</h2>\(lines)</div>"
    }
}
