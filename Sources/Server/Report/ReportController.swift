import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Postgres
import Reporting
import Store

/// `GET /api/v1/reports/weekly` (issued snapshots; the office and admins) and
/// `GET /api/v1/reports/weekly/{2026-W48}?format=html|csv|json|md` — for the office the newest
/// issued snapshot of that week (`X-Huqi-Snapshot-Version`), or the live numbers when none was
/// issued; for a leader the live numbers of their unit and below. Others: 404.
/// `POST /api/v1/reports/weekly/{week}/issue` (office and admins): stores this moment's numbers
/// of a week that has ended as its next snapshot version, audited as `report.issue`.
struct ReportController: Sendable {
    let database: PostgresClient

    struct Snapshots: ResponseEncodable { let items: [WeeklySnapshots.Snapshot] }

    /// One snapshot as the answer of issuing it (the fields of the list's items).
    struct Issued: ResponseEncodable {
        let snapshot: WeeklySnapshots.Snapshot
        func encode(to encoder: any Encoder) throws { try snapshot.encode(to: encoder) }
    }

    func register(on group: RouterGroup<HuqiRequestContext>) {
        group.get("reports/weekly") { _, context -> Snapshots in
            let principal = try context.requirePrincipal()
            guard principal.has(.office) || principal.has(.admin) else {
                return Snapshots(items: [])  // snapshots are whole-programme; leaders read their scope live
            }
            return Snapshots(items: try await WeeklySnapshots.list(using: database))
        }
        group.post("reports/weekly/{week}/issue") { request, context -> Response in
            let principal = try context.requirePrincipal()
            guard principal.has(.office) || principal.has(.admin) else { throw Problem.notFound }
            let week = try Self.week(context)
            guard WeeklyIssuer.hasEnded(week) else {
                throw Problem(status: .unprocessableContent, code: "report.week_not_ended",
                              title: "\(week) 还没有结束，结束后才能签发（签发的数字不再改变）。")
            }
            let actor = AuditEvent(by: principal, action: "report.issue", address: context.clientAddress)
            guard let snapshot = try await WeeklyIssuer(database: database).issue(week, by: actor) else {
                throw Problem(status: .serviceUnavailable, code: "report.issue_failed", title: "\(week) 的周报未能签发，请稍后再试。")
            }
            var response = try Issued(snapshot: snapshot).response(from: request, context: context)
            response.status = .created
            return response
        }
        group.get("reports/weekly/{week}") { request, context -> Response in
            let principal = try context.requirePrincipal()
            guard principal.has(.office) || principal.has(.admin) || principal.has(.leader) else { throw Problem.notFound }
            let week = try Self.week(context)
            if let refusal = WeeklyIssuer.refusal(of: week) {
                throw Problem(status: .unprocessableContent, code: "report.week_future", title: refusal)
            }
            let formatText = request.uri.queryParameters["format"].map(String.init) ?? "json"
            guard let format = ReportFormat(rawValue: formatText) else {
                throw Problem(status: .unprocessableContent, code: "report.format_invalid", title: "format 应为 html、csv、json、md 或 xlsx。")
            }
            var headers: HTTPFields = [.contentType: format.contentType]
            let bytes: [UInt8]
            // The office sees the issued snapshot; a leader always gets live numbers of their scope.
            // (XLSX is not stored: it is rendered from the snapshot's numbers.)
            if principal.has(.office) || principal.has(.admin),
               let (snapshot, stored) = try await WeeklySnapshots.latest(week: week, format: format == .xlsx ? "json" : format.rawValue,
                                                                         using: database) {
                headers[HTTPField.Name("X-Huqi-Snapshot-Version")!] = String(snapshot.version)
                bytes = format == .xlsx ? try WeeklyReport.render(try WeeklyReport.decode(Data(stored)), as: .xlsx) : stored
            } else {
                bytes = try WeeklyReport.render(try await WeeklyIssuer(database: database).summary(of: week, for: principal), as: format)
            }
            if format == .csv || format == .md || format == .xlsx {
                headers[.contentDisposition] = "attachment; filename*=UTF-8''" +
                    (format.fileName(for: week).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "report")
            }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }

    /// The `{week}` of the path, or a 422.
    private static func week(_ context: HuqiRequestContext) throws -> ISOWeek {
        guard let week = ISOWeek(try context.parameters.require("week")) else {
            throw Problem(status: .unprocessableContent, code: "report.week_invalid", title: "周次应写成 2026-W48 这样的 ISO 周。")
        }
        return week
    }
}
