import Domain
import Foundation
import Hummingbird
import HTTPTypes
import Postgres
import Reporting
import Store

/// `/app/admin/audit`: the audit log for administrators — who did what to which thing, when and
/// from where — newest first, narrowed by person, action, thing and Beijing days. The audit
/// chain itself is checked by `huqi audit verify`; this page reads it.
struct AuditPages: Sendable {
    let database: PostgresClient
    let gate: WebGate
    static let pageSize = 50

    func register(on router: Router<HuqiRequestContext>) {
        router.get("/app/admin/audit") { request, _ in
            try await gate.page(request) { try await log(request, $0) }
        }
    }

    private func log(_ request: Request, _ user: WebUser) async throws -> Response {
        guard AccessPolicy.canAdminister(user.principal) else { throw WebError.notFound() }
        let query = request.uri.queryParameters
        func field(_ name: String) -> String {
            query[Substring(name)].map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
        }
        // The form's fields (not `before`: the page has numbered pages).
        let fields = AuditQuery.fields.filter { $0 != "before" }.reduce(into: [String: String]()) { $0[$1] = field($1) }
        let page = max(1, Int(field("page")) ?? 1)
        let read = AuditQuery(fields)
        let (filter, problems) = (read.filter, read.problems.map(\.message))
        if field("format") == "csv", problems.isEmpty {
            return Self.csv(try await AuditTrail(client: database).search(filter, for: user.principal, limit: Self.exportLimit))
        }
        let entries = problems.isEmpty
            ? try await AuditTrail(client: database).search(filter, for: user.principal, limit: Self.pageSize + 1, offset: (page - 1) * Self.pageSize)
            : []
        let rows: [Markup] = entries.prefix(Self.pageSize).map(Self.row)
        let table: Markup = rows.isEmpty
            ? "<p id=\"audit-empty\">没有符合条件的记录。</p>"
            : """
              <table id="audit"><thead><tr><th scope="col">时间（北京）</th><th scope="col">操作人</th><th scope="col">操作</th>\
              <th scope="col">对象</th><th scope="col">来源地址</th><th scope="col">详情</th></tr></thead><tbody>\(rows)</tbody></table>
              \(WebPaging.links(path: "/app/admin/audit", query: fields, page: page, hasMore: entries.count > Self.pageSize))
              <p><a id="audit-csv" href="\(Self.csvURL(fields))" download>导出 CSV（当前条件，最新的 \(Self.exportLimit) 条以内）</a></p>
              """
        return WebPage.render("审计日志", user: user, notice: problems.isEmpty ? nil : .error(problems.joined(separator: " ")),
                              status: problems.isEmpty ? .ok : .unprocessableContent, body: """
            \(Self.filterForm(fields))
            \(table)
            <p class="hint">日志只能追加、不能修改；用 huqi audit verify 校验哈希链是否完好。</p>
            """)
    }

    /// The most events one CSV export holds (newest first).
    static let exportLimit = 10_000

    private static func csvURL(_ fields: [String: String]) -> String {
        WebPaging.url("/app/admin/audit", fields.merging(["format": "csv"]) { $1 })
    }

    /// The filtered log as CSV for Excel (for an inspection, an archive): the page's columns,
    /// the action's and the details' codes beside their Chinese names.
    private static func csv(_ entries: [AuditEntry]) -> Response {
        var rows = [["编号", "时间（北京）", "操作人", "操作人代码", "操作", "操作代码", "对象", "对象编号", "来源地址", "详情", "详情（原始）"]]
        for entry in entries {
            let e = entry.event
            let items = AuditSummaryNames.items(action: e.action, summary: e.summary)
            rows.append([String(entry.id), ShanghaiTime.second(entry.occurredAt), e.actorLabel.isEmpty ? e.actor : e.actorLabel, e.actor,
                         AuditActionNames.name(e.action), e.action,
                         AuditActionNames.entities.first { $0.code == e.entity }?.name ?? e.entity, e.entityID, e.address,
                         items.map { "\($0.name)：\($0.value)" }.joined(separator: "；"), items.map(\.raw).joined(separator: "; ")])
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"huqi-audit.csv\""
        WebPage.secure(&headers)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: ExcelCSV.document(rows))))
    }

    private static func filterForm(_ fields: [String: String]) -> Markup {
        func value(_ name: String) -> String { fields[name] ?? "" }
        let actions: [Markup] = AuditActionNames.chinese.sorted { $0.key < $1.key }.map { code, name in
            "<option value=\"\(code)\"\(value("action") == code ? " selected" : "")>\(name)（\(code)）</option>"
        }
        let entities: [Markup] = AuditActionNames.entities.map { entity in
            "<option value=\"\(entity.code)\"\(value("entity") == entity.code ? " selected" : "")>\(entity.name)</option>"
        }
        return """
            <form class="card filters" method="get" action="/app/admin/audit">
            <div><label for="actor">操作人（登录名或合作单位代码）</label><input id="actor" name="actor" value="\(value("actor"))"></div>
            <div><label for="action">操作</label><select id="action" name="action"><option value="">全部</option>\(actions)</select></div>
            <div><label for="entity">对象</label><select id="entity" name="entity"><option value="">全部</option>\(entities)</select></div>
            <div><label for="entity_id">对象编号（案件号、批次号、登录名）</label><input id="entity_id" name="entity_id" value="\(value("entity_id"))"></div>
            <div><label for="from">起始日期</label><input id="from" name="from" type="date" value="\(value("from"))"></div>
            <div><label for="through">截止日期</label><input id="through" name="through" type="date" value="\(value("through"))"></div>
            <button type="submit">查询</button></form>
            """
    }

    private static func row(_ entry: AuditEntry) -> Markup {
        // Each detail in Chinese; the recorded `key=value` is its tooltip.
        let items: [Markup] = AuditSummaryNames.items(action: entry.event.action, summary: entry.event.summary).map {
            "<span title=\"\($0.raw)\">\($0.name)：\($0.value)</span>"
        }
        let summary = Markup(items, separator: "；")
        return """
            <tr><td>\(ShanghaiTime.second(entry.occurredAt))</td><td>\(entry.event.actorLabel.isEmpty ? entry.event.actor : entry.event.actorLabel)</td>\
            <td>\(AuditActionNames.name(entry.event.action))<br><code>\(entry.event.action)</code></td><td>\(thing(entry))</td>\
            <td>\(entry.event.address.isEmpty ? "—" : entry.event.address)</td><td>\(items.isEmpty ? "—" : summary)</td></tr>
            """
    }

    /// The thing acted on, linked to its page where it has one.
    private static func thing(_ entry: AuditEntry) -> Markup {
        let name = AuditActionNames.entities.first { $0.code == entry.event.entity }?.name ?? entry.event.entity
        guard !entry.event.entityID.isEmpty else { return "\(name.isEmpty ? "—" : name)" }
        switch entry.event.entity {
        case "case" where Int64(entry.event.entityID) != nil: return "<a href=\"/app/cases/\(entry.event.entityID)\">\(name) \(entry.event.entityID)</a>"
        case "batch" where Int64(entry.event.entityID) != nil: return "<a href=\"/app/batches/\(entry.event.entityID)\">\(name) \(entry.event.entityID)</a>"
        default: return "\(name) \(entry.event.entityID)"
        }
    }
}
