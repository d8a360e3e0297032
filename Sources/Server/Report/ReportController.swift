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
struct ReportController: Sendable {
    let database: PostgresClient

    struct Snapshots: ResponseEncodable { let items: [WeeklySnapshots.Snapshot] }

    func register(on group: RouterGroup<HuqiRequestContext>) {
        group.get("reports/weekly") { _, context -> Snapshots in
            let principal = try context.requirePrincipal()
            guard principal.has(.office) || principal.has(.admin) else {
                return Snapshots(items: [])  // snapshots are whole-programme; leaders read their scope live
            }
            return Snapshots(items: try await WeeklySnapshots.list(using: database))
        }
        group.get("reports/weekly/{week}") { request, context -> Response in
            let principal = try context.requirePrincipal()
            guard principal.has(.office) || principal.has(.admin) || principal.has(.leader) else { throw Problem.notFound }
            let text = try context.parameters.require("week")
            guard let week = ISOWeek(text) else {
                throw Problem(status: .unprocessableContent, code: "report.week_invalid", title: "周次应写成 2026-W48 这样的 ISO 周。")
            }
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
}
