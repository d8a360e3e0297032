import Domain
import Foundation
import Hummingbird
import Intake
import Postgres
import Store

/// The holiday calendar through the API, as the 节假日日历 page and `huqi calendar load` have it:
/// `GET /api/v1/calendar` (the loaded years, the missing ones, how many open deadlines are
/// provisional; users), `GET /api/v1/calendar/{year}` (its days; users) and
/// `POST /api/v1/calendar` (admin: a calendar CSV, UTF-8 or GB18030; `dry_run=true` answers
/// what it would do and stores nothing; otherwise its years are replaced, open deadlines
/// recomputed and `calendar.load` audited).
struct CalendarController: Sendable {
    let database: PostgresClient

    /// The largest calendar file accepted (a century of days is about 1 MiB).
    static let bodyLimit = 2 * 1024 * 1024
    /// The moved due dates an answer lists (each is also an event on its case).
    static let movesListed = 100

    struct Year: Encodable {
        let year, holidays, workdays: Int
        let source: String
        let loadedAt: Date
        enum CodingKeys: String, CodingKey { case year, holidays, workdays, source, loadedAt = "loaded_at" }
    }
    struct Overview: ResponseEncodable {
        let items: [Year]
        let missingYears: [Int]
        let provisionalOpenDeadlines: Int
        enum CodingKeys: String, CodingKey { case items, missingYears = "missing_years", provisionalOpenDeadlines = "provisional_open_deadlines" }
    }
    struct Day: Encodable { let date: CalendarDate, kind: String, name: String }
    struct Days: ResponseEncodable { let year: Int, items: [Day] }
    struct Move: Encodable {
        let caseID: Int64, externalRef: String, deadlineID: Int64, kind: String, from: CalendarDate, to: CalendarDate
        enum CodingKeys: String, CodingKey { case caseID = "case_id", externalRef = "external_ref", deadlineID = "deadline_id", kind, from, to }
    }
    struct Deadlines: Encodable { let checked, moved, settled, skipped: Int }
    struct Loaded: ResponseEncodable {
        let dryRun: Bool
        let years: [Int]
        let dates, replaced: Int
        let deadlines: Deadlines
        let moves: [Move]
        enum CodingKeys: String, CodingKey { case dryRun = "dry_run", years, dates, replaced, deadlines, moves }
    }

    func register(on group: RouterGroup<HuqiRequestContext>) {
        group.get("calendar") { _, context -> Overview in
            try requireUser(context)
            let years = try await CalendarStore.years(using: database)
            return Overview(items: years.map { Year(year: $0.year, holidays: $0.holidays, workdays: $0.workdays, source: $0.source,
                                                    loadedAt: $0.loadedAt) },
                            missingYears: CalendarStore.missingYears(years),
                            provisionalOpenDeadlines: try await CalendarStore.provisionalOpenDeadlines(using: database))
        }
        group.get("calendar/{year}") { _, context -> Days in
            try requireUser(context)
            guard let year = context.parameters.get("year", as: Int.self), CalendarStore.acceptedYears.contains(year),
                  try await CalendarStore.years(using: database).contains(where: { $0.year == year }) else {
                throw Problem(status: .notFound, code: "calendar.year_not_loaded", title: "该年份的节假日安排尚未载入。")
            }
            let days = try await CalendarStore.days(of: year, using: database)
            return Days(year: year, items: days.map { Day(date: $0.date, kind: $0.isHoliday ? "holiday" : "workday", name: $0.name) })
        }
        group.post("calendar") { request, context -> Response in
            let principal = try AdministratorAPI.caller(context, refusal: "只有系统管理员可以载入节假日日历。")
            let dryRun = try DryRunParameter.value(of: request)
            let entries = try await Self.entries(request)
            let loaded: Loaded
            if dryRun {
                let (years, replaced, outcome) = try await CalendarStore.preview(entries, using: database)
                loaded = Self.answer(dryRun: true, years: years, dates: entries.count, replaced: replaced, outcome: outcome)
            } else {
                let (years, replaced, outcome) = try await CalendarStore.load(
                    entries, source: Self.source(request),
                    by: AuditEvent(by: principal, action: "calendar.load", address: context.clientAddress), using: database)
                loaded = Self.answer(dryRun: false, years: years, dates: entries.count, replaced: replaced, outcome: outcome)
            }
            var response = try loaded.response(from: request, context: context)
            response.status = dryRun ? .ok : .created
            return response
        }
    }

    /// Signed-in people only: a partner's API key has no business with the calendar.
    private func requireUser(_ context: HuqiRequestContext) throws {
        guard case .user = try context.requirePrincipal().kind else { throw Problem.notFound }
    }

    /// The file name the load is recorded under: `source` in the query, else 接口上传.
    private static func source(_ request: Request) -> String {
        let given = request.uri.queryParameters["source"].map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
        return given.isEmpty || given.utf8.contains(0) ? "接口上传" : String(given.prefix(200))
    }

    /// The body read as a calendar file, or the problem with it (413, 422 with its code).
    private static func entries(_ request: Request) async throws -> [CalendarStore.Entry] {
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: bodyLimit) } catch {
            throw Problem(status: .contentTooLarge, code: "request.too_large", title: "日历文件太大（上限 2 MiB）。")
        }
        let text: String
        do { text = try TextDecoding.string(Array(buffer.readableBytesView)).text } catch {
            throw Problem(status: .unprocessableContent, code: "calendar.encoding",
                          title: "无法读取日历文件：应为 UTF-8 或 GB18030 编码的 CSV 文本（Excel 另存为“CSV”）。")
        }
        switch Result(catching: { () throws(WorkflowProblem) in try CalendarStore.parse(text) }) {
        case .success(let entries): return entries
        case .failure(let problem): throw Problem(status: .unprocessableContent, code: problem.code, title: problem.message)
        }
    }

    private static func answer(dryRun: Bool, years: [Int], dates: Int, replaced: Int, outcome: DeadlineRecompute.Outcome) -> Loaded {
        Loaded(dryRun: dryRun, years: years, dates: dates, replaced: replaced,
               deadlines: Deadlines(checked: outcome.checked, moved: outcome.moved.count, settled: outcome.settled, skipped: outcome.skipped),
               moves: outcome.moved.prefix(movesListed).map {
                   Move(caseID: $0.caseID, externalRef: $0.externalRef, deadlineID: $0.deadlineID, kind: $0.kind, from: $0.from, to: $0.to)
               })
    }
}
