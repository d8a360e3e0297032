import Domain
import Postgres

/// One work queue (a unit's stage) with its counts, as the queue page and `GET /api/v1/queues` show it.
public struct QueueCount: Sendable, Codable, Equatable {
    public var unit: String
    public var unitName: String
    public var stage: Stage
    public var stageName: String
    /// Open cases in the queue.
    public var total: Int
    /// Cases nobody holds (what "claim next" can take).
    public var waiting: Int
    /// Cases the viewer holds.
    public var mine: Int
    public var nearDue: Int
    public var overdue: Int

    enum CodingKeys: String, CodingKey {
        case unit, unitName = "unit_name", stage, stageName = "stage_name", total, waiting, mine, nearDue = "near_due", overdue
    }
}

/// The queues a principal may see, with counts.
public enum QueueOverview {
    /// Every non-empty queue in the principal's scope, by unit then pipeline order.
    public static func counts(for principal: Principal, using client: PostgresClient) async throws -> [QueueCount] {
        try await client.withConnection { connection in
            let clock = try await WorkflowClock.read(on: connection)
            let rows = try await connection.query("""
                SELECT c.unit_code, un.name, c.stage, count(*),
                       count(*) FILTER (WHERE c.assignee_id IS NULL AND c.on_hold_since IS NULL),
                       count(*) FILTER (WHERE c.assignee_id = \(principal.userID ?? -1)),
                       count(*) FILTER (WHERE c.on_hold_since IS NULL AND c.next_due_on BETWEEN \(clock.today) AND \(clock.nearDueUntil)),
                       count(*) FILTER (WHERE c.on_hold_since IS NULL AND c.next_due_on < \(clock.today))
                FROM cases c JOIN units un ON un.code = c.unit_code
                WHERE c.stage <> 'closed' AND \(CaseQueries.scope(principal))
                GROUP BY c.unit_code, un.name, c.stage
                """)
            let order = Dictionary(uniqueKeysWithValues: Stage.allCases.enumerated().map { ($1, $0) })
            return try rows.map { row in
                let (unit, name, stageText, total, waiting, mine, nearDue, overdue) =
                    try row.decode((String, String, String, Int, Int, Int, Int, Int).self)
                let stage = Stage(rawValue: stageText) ?? .closed
                return QueueCount(unit: unit, unitName: name, stage: stage, stageName: stage.chineseName, total: total,
                                  waiting: waiting, mine: mine, nearDue: nearDue, overdue: overdue)
            }.sorted { ($0.unit, order[$0.stage] ?? 0) < ($1.unit, order[$1.stage] ?? 0) }
        }
    }
}
