import Domain
import Hummingbird
import Postgres
import Store

/// `GET /api/v1/queues` (the caller's queues with counts), `POST /api/v1/queues/claim`
/// (`{"stage": "evaluation", "unit": "210102"}` → the claimed case, or 404 `queue.empty`),
/// `POST /api/v1/assignments/bulk` (a leader moves every open case of one person to another;
/// `dry_run` lists the moves without making them).
struct QueueController: Sendable {
    let database: PostgresClient
    let caches: ReadCaches

    struct ClaimBody: Decodable { let stage: String; let unit: String? }
    struct BulkBody: Decodable {
        let fromUser: Int
        let toUser: Int
        let dryRun: Bool?
        enum CodingKeys: String, CodingKey { case fromUser = "from_user", toUser = "to_user", dryRun = "dry_run" }
    }
    struct BulkAnswer: ResponseEncodable {
        let dryRun: Bool
        let moved: Int
        let skipped: Int
        let moves: [CaseAssignment.Move]
        enum CodingKeys: String, CodingKey { case dryRun = "dry_run", moved, skipped, moves }
    }

    func register(on group: RouterGroup<HuqiRequestContext>) {
        group.get("queues") { request, context in
            let principal = try context.requirePrincipal()
            return try await caches.answer(for: principal, request: request, dependency: .anyCase) {
                try IdentityController.Page(items: try await QueueOverview.counts(for: principal, using: database))
                    .response(from: request, context: context)
            }
        }
        group.post("queues/claim") { request, context -> CaseDetail in
            let principal = try context.requirePrincipal()
            let body = try await RequestBody.decode(ClaimBody.self, from: request)
            guard let stage = Stage(rawValue: body.stage) else {
                throw Problem(CaseActionError(.invalid, code: "queue.stage_invalid", message: "未知的队列阶段“\(body.stage)”。", field: "stage"))
            }
            let claimed = try await mappingCaseErrors {
                try await CaseQueue.claimNext(unit: body.unit, stage: stage, by: principal, address: context.clientAddress, using: database)
            }
            guard let id = claimed, let detail = try await CaseQueries.detail(id: id, for: principal, using: database) else {
                throw Problem(status: .notFound, code: "queue.empty", title: "该队列中暂无可领取的案件。")
            }
            return detail
        }
        group.post("assignments/bulk") { request, context -> BulkAnswer in
            let principal = try context.requirePrincipal()
            let body = try await RequestBody.decode(BulkBody.self, from: request)
            let dryRun = body.dryRun ?? false
            let moves = try await mappingCaseErrors {
                try await CaseAssignment.bulkReassign(from: body.fromUser, to: body.toUser, dryRun: dryRun, by: principal,
                                                      address: context.clientAddress, using: database)
            }
            let moved = moves.filter { $0.skippedBecause == nil }.count
            return BulkAnswer(dryRun: dryRun, moved: moved, skipped: moves.count - moved, moves: moves)
        }
    }
}
