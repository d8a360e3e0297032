import Domain
import Foundation
import Postgres

/// One audit event as the audit log page, `GET /api/v1/audit` and `huqi audit list` show it: the event as it was
/// written, with its number in the chain and its moment.
public struct AuditEntry: Sendable, Equatable {
    /// The event's number in the chain.
    public var id: Int64
    /// When it happened.
    public var occurredAt: Date
    /// Who did what to which thing, from where, and its summary.
    public var event: AuditEvent
}

/// What to look for in the audit log; every field narrows, none is required.
public struct AuditFilter: Sendable, Equatable {
    /// Who acted: a login or partner code, exactly (case ignored).
    public var actorLabel: String?
    /// An action code (`case.transfer`), or an area ending in a dot (`case.`) for all of its actions.
    public var action: String?
    /// The kind of thing acted on (`case`, `user`, `batch`, …) and, optionally, which one.
    public var entity: String?
    public var entityID: String?
    /// Beijing days, both included.
    public var from: CalendarDate?
    public var through: CalendarDate?
    /// Only events numbered below this one: the next page of a reader that pages by the last
    /// number it saw, so events written meanwhile do not shift what it reads.
    public var before: Int64?

    /// A filter with nothing set: every event.
    public init(actorLabel: String? = nil, action: String? = nil, entity: String? = nil, entityID: String? = nil,
                from: CalendarDate? = nil, through: CalendarDate? = nil, before: Int64? = nil) {
        (self.actorLabel, self.action, self.entity, self.entityID) = (actorLabel, action, entity, entityID)
        (self.from, self.through, self.before) = (from, through, before)
    }
}

/// Reads the audit log, newest first. Only administrators may: the log names every person's
/// actions and addresses.
public struct AuditTrail: Sendable {
    let client: PostgresClient

    /// Creates a reader on a pool.
    public init(client: PostgresClient) { self.client = client }

    /// At most `limit` events matching `filter`, newest first, after skipping `offset`.
    /// `principal` nil: an operator at the command line. Anyone else but an administrator is
    /// refused with `auth.forbidden`.
    public func search(_ filter: AuditFilter, for principal: Principal?, limit: Int = 50, offset: Int = 0) async throws -> [AuditEntry] {
        if let principal, !AccessPolicy.canAdminister(principal) { throw AuthError.forbidden }
        var conditions: [PostgresQuery] = []
        if let actor = filter.actorLabel { conditions.append("lower(actor_label) = lower(\(actor))") }
        if let action = filter.action {
            conditions.append(action.hasSuffix(".") ? "starts_with(action, \(action))" : "action = \(action)")
        }
        if let entity = filter.entity { conditions.append("entity = \(entity)") }
        if let id = filter.entityID { conditions.append("entity_id = \(id)") }
        if let from = filter.from { conditions.append("occurred_at >= (\(from.description)::date::timestamp AT TIME ZONE 'Asia/Shanghai')") }
        if let through = filter.through {
            conditions.append("occurred_at < ((\(through.description)::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')")
        }
        if let before = filter.before { conditions.append("id < \(before)") }
        let matching: PostgresQuery = conditions.isEmpty ? "TRUE" : PostgresQuery.joined(conditions, separator: " AND ")
        return try await client.query("""
            SELECT id, occurred_at, actor, actor_label, action, entity, entity_id, address, summary::text FROM audit_events
            WHERE \(matching) ORDER BY id DESC LIMIT \(limit) OFFSET \(offset)
            """).map { row in
            let (id, at, actor, label, action, entity, entityID, address, summary) =
                try row.decode((Int64, Date, String, String, String, String, String, String, String).self)
            return AuditEntry(id: id, occurredAt: at, event: AuditEvent(actor: actor, actorLabel: label, action: action, entity: entity,
                                                                        entityID: entityID, address: address, summary: Self.flatten(summary)))
        }
    }

    /// A summary's JSON object as text values (numbers and booleans as written).
    static func flatten(_ json: String) -> [String: String] {
        (try? JSONDecoder().decode([String: SummaryValue].self, from: Data(json.utf8)))?.mapValues(\.text) ?? [:]
    }

    /// One value of a summary, whatever JSON type the writer gave it.
    struct SummaryValue: Decodable {
        let text: String

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() { text = "" }
            else if let value = try? container.decode(Bool.self) { text = value ? "true" : "false" }
            else if let value = try? container.decode(Int64.self) { text = String(value) }
            else if let value = try? container.decode(Double.self) { text = String(value) }
            else if let value = try? container.decode(String.self) { text = value }
            else { text = "…" }
        }
    }
}
