import Domain
import Foundation
import Hummingbird
import HTTPTypes
import Postgres
import Store

/// `POST /api/v1/batches` (a partner uploads CSV or JSON; `batch_no`, `dry_run` in the query,
/// `Idempotency-Key` header), `GET /api/v1/batches`, `GET /api/v1/batches/{id}` and
/// `GET /api/v1/batches/{id}/errors` (JSON, or CSV with a BOM for Excel via `?format=csv`),
/// `GET /api/v1/batches/{id}/rejected` (the rejected rows as they came, in XLSX, to fix), and
/// `GET /api/v1/batches/template` (the blank handover form, `?format=xlsx|csv`).
struct BatchController: Sendable {
    let database: PostgresClient
    let maximumUploadBytes: Int

    struct Created: ResponseEncodable {
        let summary: BatchSummary
        let errorsURL: String?

        func encode(to encoder: any Encoder) throws {
            try summary.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encodeIfPresent(errorsURL, forKey: .errorsURL)
        }

        enum Key: String, CodingKey { case errorsURL = "errors_url" }
    }

    func register(on group: RouterGroup<HuqiRequestContext>) {
        group.post("batches") { request, context in try await upload(request, context) }
        group.get("batches") { request, context in
            let (limit, offset) = try Paging.read(request)
            let items = try await BatchQueries.list(for: try context.requirePrincipal(), limit: limit, offset: offset, using: database)
            return IdentityController.Page(items: items)
        }
        group.get("batches/template") { request, context in
            _ = try context.requirePrincipal()
            return try SpreadsheetExports.handoverTemplate(format: request.uri.queryParameters["format"].map(String.init) ?? "xlsx")
        }
        group.get("batches/{id}") { _, context in
            let principal = try context.requirePrincipal()
            guard let id = context.parameters.get("id", as: Int64.self),
                  let summary = try await BatchQueries.find(id: id, for: principal, using: database) else { throw Problem.notFound }
            return Created(summary: summary, errorsURL: "/api/v1/batches/\(id)/errors")
        }
        group.get("batches/{id}/rejected") { _, context in
            let principal = try context.requirePrincipal()
            guard let id = context.parameters.get("id", as: Int64.self),
                  let rows = try await BatchQueries.rejectedRows(batchID: id, for: principal, using: database) else { throw Problem.notFound }
            return try SpreadsheetExports.rejectedRows(rows, batchID: id)
        }
        group.get("batches/{id}/errors") { request, context in
            let principal = try context.requirePrincipal()
            guard let id = context.parameters.get("id", as: Int64.self),
                  let problems = try await BatchQueries.problems(batchID: id, for: principal, using: database) else { throw Problem.notFound }
            if request.uri.queryParameters["format"] == "csv" {
                return ErrorListCSV.response(problems, batchID: id)
            }
            if request.uri.queryParameters["format"] == "xlsx" {
                return try SpreadsheetExports.errorList(problems, batchID: id)
            }
            return try IdentityController.Page(items: problems).response(from: request, context: context)
        }
    }

    private func upload(_ request: Request, _ context: HuqiRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        guard let partnerID = principal.partnerID else {
            throw Problem(status: .forbidden, code: "auth.forbidden", title: "只有合作单位（API 密钥或上传员账号）可以上传批次。")
        }
        let query = request.uri.queryParameters
        var batchNumber: Int?
        if let text = query["batch_no"] {
            guard let value = Int(String(text)), BatchNumber.isValid(value) else {
                throw Problem(status: .unprocessableContent, code: "batch_no.invalid", title: BatchNumber.message)
            }
            batchNumber = value
        }
        let dryRun = try DryRunParameter.value(of: request)
        let key = request.headers[HeaderNames.idempotencyKey]
        if let key, key.isEmpty || key.count > 255 {
            throw Problem(status: .unprocessableContent, code: "idempotency.key_invalid", title: "Idempotency-Key 的长度应为 1–255 个字符。")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maximumUploadBytes)
        } catch {
            throw Problem(status: .contentTooLarge, code: "upload.too_large",
                          title: "文件太大：上限为 \(maximumUploadBytes / 1_048_576) MiB，请拆分后上传。")
        }
        let submission = BatchSubmission(
            partnerID: partnerID, batchNumber: batchNumber,
            uploader: AuditEvent(by: principal, action: "batch.upload", address: context.clientAddress),
            payload: PayloadBytes(body.readableBytesView), idempotencyKey: key, dryRun: dryRun, sheet: query["sheet"].map(String.init))
        let summary: BatchSummary
        do {
            summary = try await BatchIntake(client: database).submit(submission)
        } catch let error as BatchError {
            throw Problem(status: error.isConflict ? .conflict : .unprocessableContent, code: error.code, title: error.message)
        }
        if summary.status == "rejected" {
            var problem = Problem(status: .unprocessableContent, code: summary.errorCode ?? "batch.unreadable", title: summary.errorMessage ?? "文件无法读取。")
            problem.batchID = summary.batchID
            throw problem
        }
        var response = try Created(summary: summary, errorsURL: summary.batchID.map { "/api/v1/batches/\($0)/errors" })
            .response(from: request, context: context)
        // A replay answers as the first upload did (201, the same batch), with `replayed: true`,
        // so a client retrying after a lost answer sees the answer it missed.
        guard let id = summary.batchID else { return response }  // a dry run: nothing was created
        response.status = .created
        response.headers[.location] = "/api/v1/batches/\(id)"
        return response
    }
}
