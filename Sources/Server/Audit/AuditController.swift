import Domain
import Foundation
import Hummingbird
import Postgres
import Store

/// The audit log through the API, as the 审计日志 page and `huqi audit` have it, for
/// administrators only (it names every person's actions and addresses):
/// `GET /api/v1/audit` — the events, newest first, narrowed as on the page (`AuditQuery`) and
/// paged by `limit`/`offset` or, stable while events keep arriving, by `before` = the
/// `next_before` of the previous answer;
/// `GET /api/v1/audit/verify` — the hash chain walked as `huqi audit verify` walks it.
struct AuditController: Sendable {
    let database: PostgresClient

    /// One event: as written (codes), with the Chinese names the page shows beside them.
    struct Entry: Encodable {
        let id: Int64
        let occurredAt: Date
        /// `address` is empty when the event came from the command line.
        let actor, actorLabel, action, actionName, entity, entityName, entityID, address: String
        let summary: [String: String]
        let details: [Detail]
        enum CodingKeys: String, CodingKey {
            case id, occurredAt = "occurred_at", actor, actorLabel = "actor_label", action, actionName = "action_name", entity,
                 entityName = "entity_name", entityID = "entity_id", address, summary, details
        }

        init(_ entry: AuditEntry) {
            let event = entry.event
            (id, occurredAt, actor, actorLabel, action, entity, entityID, address) =
                (entry.id, entry.occurredAt, event.actor, event.actorLabel, event.action, event.entity, event.entityID, event.address)
            actionName = AuditActionNames.name(event.action)
            entityName = AuditActionNames.entities.first { $0.code == event.entity }?.name ?? event.entity
            summary = event.summary
            details = AuditSummaryNames.items(action: event.action, summary: event.summary).map { Detail(name: $0.name, value: $0.value) }
        }
    }

    /// A summary item in Chinese (`结果：新增`).
    struct Detail: Encodable { let name, value: String }

    /// A page of events; `nextBefore` is the number to pass as `before` for the next page
    /// (null when this page was the last).
    struct Events: ResponseEncodable {
        let items: [Entry]
        let nextBefore: Int64?
        enum CodingKeys: String, CodingKey { case items, nextBefore = "next_before" }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(items, forKey: .items)
            try container.encode(nextBefore, forKey: .nextBefore)  // null on the last page
        }
    }

    /// The outcome of walking the chain: intact with its number of events, or the first broken link.
    struct Verification: ResponseEncodable {
        let intact: Bool
        let events: Int?
        let brokenEventID: Int64?
        let reason: String?
        enum CodingKeys: String, CodingKey { case intact, events, brokenEventID = "broken_event_id", reason }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(intact, forKey: .intact)
            try container.encode(events, forKey: .events)
            try container.encode(brokenEventID, forKey: .brokenEventID)
            try container.encode(reason, forKey: .reason)
        }
    }

    func register(on group: RouterGroup<HuqiRequestContext>) {
        group.get("audit") { request, context -> Events in
            let principal = try Self.requireAdministrator(context)
            let (limit, offset) = try Paging.read(request)
            let query = request.uri.queryParameters
            let read = AuditQuery(AuditQuery.fields.reduce(into: [String: String]()) { fields, name in
                fields[name] = query[Substring(name)].map(String.init)
            })
            if let first = read.problems.first {
                var problem = Problem(status: .unprocessableContent, code: "audit.filter_invalid", title: first.message)
                problem.field = first.field
                throw problem
            }
            let entries = try await AuditTrail(client: database).search(read.filter, for: principal, limit: limit, offset: offset)
            return Events(items: entries.map(Entry.init), nextBefore: entries.count == limit ? entries.last?.id : nil)
        }
        group.get("audit/verify") { _, context -> Verification in
            _ = try Self.requireAdministrator(context)
            switch try await AuditLog.verify(using: database) {
            case .intact(let events): return Verification(intact: true, events: events, brokenEventID: nil, reason: nil)
            case .broken(let id, let reason): return Verification(intact: false, events: nil, brokenEventID: id, reason: reason)
            }
        }
    }

    private static func requireAdministrator(_ context: HuqiRequestContext) throws -> Principal {
        try AdministratorAPI.caller(context, refusal: "只有系统管理员可以查看审计日志。")
    }
}
