import Domain
import Foundation
import Hummingbird
import Postgres
import Store

/// Partner staff: upload a batch (file, batch number, dry run), see its counts and rejected rows,
/// download the error list, list their batches. Administrators: every partner's batches.
struct BatchPages: Sendable {
    let database: PostgresClient
    let gate: WebGate
    let maximumUploadBytes: Int
    static let pageSize = 20

    func register(on router: Router<HuqiRequestContext>) {
        router.get("/app/batches") { request, _ in try await gate.page(request) { try await list(request, $0) } }
        router.post("/app/batches") { request, context in try await gate.page(request) { try await upload(request, context, $0) } }
        router.get("/app/batches/{id}") { request, context in
            try await gate.page(request) { user in
                guard let id = context.parameters.get("id", as: Int64.self),
                      let summary = try await BatchQueries.find(id: id, for: user.principal, using: database) else { throw WebError.notFound() }
                return try await result(summary, user: user, notice: WebPage.Notice.from(request))
            }
        }
    }

    private func partnerID(_ user: WebUser) throws -> Int {
        guard let id = user.principal.partnerID else { throw WebError.forbidden("只有合作单位的上传员可以上传批次。") }
        return id
    }

    private func list(_ request: Request, _ user: WebUser) async throws -> Response {
        // Partner staff upload and see their own batches; an administrator sees every partner's
        // (the access policy's batch row), without an upload form.
        let isPartner = user.principal.partnerID != nil
        guard isPartner || user.principal.has(.admin) else { throw WebError.forbidden("只有合作单位的上传员和管理员可以查看批次。") }
        let page = max(1, Int(request.uri.queryParameters["page"].map(String.init) ?? "") ?? 1)
        let sort = request.uri.queryParameters["sort"].flatMap { BatchQueries.Sort(rawValue: String($0)) } ?? .newest
        let batches = try await BatchQueries.list(for: user.principal, limit: Self.pageSize + 1, offset: (page - 1) * Self.pageSize,
                                                  sort: sort, using: database)
        let sortLinks: [Markup] = [(BatchQueries.Sort.newest, "最新"), (.oldest, "最早"), (.rejected, "拒绝行最多")].map { option, label in
            option == sort ? "<strong>\(label)</strong>" : "<a href=\"/app/batches?sort=\(option.rawValue)\">\(label)</a>"
        }
        let rows: [Markup] = batches.prefix(Self.pageSize).map { batch in
            """
            <tr><td><a href="/app/batches/\(batch.batchID ?? 0)">\(batch.batchID ?? 0)</a></td>\(isPartner ? Markup.empty : "<td>\(batch.partnerName ?? "—")</td>")\
            <td>\(batch.batchNumber.map(String.init) ?? "—")</td>
            <td>\(batch.receivedAt.map(ShanghaiTime.minute) ?? "—")</td><td>\(batch.uploaderName ?? batch.uploadedBy ?? "—")</td>
            <td>\(Self.statusName(batch.status))</td><td>\(batch.format.uppercased())</td><td class="num">\(batch.counts.total)</td>
            <td class="num">\(batch.counts.accepted)</td><td class="num">\(batch.counts.updated)</td><td class="num">\(batch.counts.duplicate)</td>
            <td class="num">\(batch.counts.rejected)</td></tr>
            """
        }
        return WebPage.render(isPartner ? "批次上传" : "全部批次", user: user, notice: WebPage.Notice.from(request), body: """
            \(isPartner ? uploadForm(user, batchNumber: "", dryRun: false, error: nil) : .empty)
            <h2>\(isPartner ? "本单位的批次" : "各合作单位的批次")</h2>
            <p>排序：\(Markup(sortLinks, separator: " · "))</p>
            <table>
            <thead><tr><th scope="col">批次</th>\(isPartner ? Markup.empty : "<th scope=\"col\">合作单位</th>")<th scope="col">第几批</th><th scope="col">上传时间</th><th scope="col">上传人</th>
            <th scope="col">状态</th><th scope="col">格式</th><th scope="col">总行数</th>
            <th scope="col">新增</th><th scope="col">更正</th><th scope="col">疑似重复</th><th scope="col">拒绝</th></tr></thead>
            <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"\(isPartner ? 11 : 12)\">还没有上传过批次。</td></tr>"] : rows)</tbody></table>
            \(WebPaging.links(path: "/app/batches", query: ["sort": sort.rawValue], page: page, hasMore: batches.count > Self.pageSize))
            """)
    }

    private func uploadForm(_ user: WebUser, batchNumber: String, dryRun: Bool, error: String?, sheet: String = "") -> Markup {
        """
        <form class="card" method="post" action="/app/batches" enctype="multipart/form-data">
        \(user.csrfField)
        <label for="file">批次文件（Excel .xlsx、CSV 或 JSON）</label>
        <input id="file" name="file" type="file" required accept=".xlsx,.csv,.json,.txt">
        <label for="sheet">工作表名称（Excel 文件，可不填：默认第一个）</label>
        <input id="sheet" name="sheet" value="\(sheet)">
        <label for="batch_no">第几批（可不填）</label>
        <input id="batch_no" name="batch_no" inputmode="numeric" value="\(batchNumber)"\(error == nil ? "" : " aria-invalid=\"true\"")>
        \(error.map { Markup("<p class=\"field-error\" id=\"batch_no-error\">\($0)</p>") } ?? .empty)
        <label class="check"><input id="dry_run" name="dry_run" type="checkbox" value="1"\(dryRun ? " checked" : "")> 仅校验，不保存（试运行）</label>
        <button type="submit">上传</button>
        <p class="hint" id="template">还没有表格？下载移交表模板：<a href="/api/v1/batches/template?format=xlsx" download>Excel（含填写说明和下拉选项）</a> · \
        <a href="/api/v1/batches/template?format=csv" download>CSV</a></p>
        </form>
        """
    }

    private func upload(_ request: Request, _ context: HuqiRequestContext, _ user: WebUser) async throws -> Response {
        let partnerID = try partnerID(user)
        let form = try await WebForm.read(request, user: user, limit: maximumUploadBytes + 65_536)
        let dryRun = form["dry_run"] != nil
        var batchNumber: Int?
        if let text = form["batch_no"] {
            guard let number = Int(text), BatchNumber.isValid(number) else {
                return try await rerender(user, batchNumber: text, dryRun: dryRun, error: BatchNumber.message, sheet: form["sheet"])
            }
            batchNumber = number
        }
        guard let file = form.files["file"], !file.bytes.isEmpty else {
            return try await rerender(user, batchNumber: form["batch_no"] ?? "", dryRun: dryRun, error: "请选择要上传的文件（文件不能为空）。",
                                      sheet: form["sheet"])
        }
        let submission = BatchSubmission(partnerID: partnerID, batchNumber: batchNumber,
                                         uploader: AuditEvent(by: user.principal, action: "batch.upload", address: context.clientAddress),
                                         payload: file.bytes, idempotencyKey: nil, dryRun: dryRun, sheet: form["sheet"])
        let summary: BatchSummary
        do {
            summary = try await BatchIntake(client: database).submit(submission)
        } catch let error as BatchError {
            return try await rerender(user, batchNumber: form["batch_no"] ?? "", dryRun: dryRun, error: error.message, sheet: form["sheet"])
        }
        guard let id = summary.batchID else {
            let notice: WebPage.Notice = summary.status == "rejected"
                ? .error((summary.errorMessage ?? "文件无法读取。") + "（试运行，未保存）")
                : .success("试运行完成：以下为校验结果，没有保存任何案件。")
            return try await result(summary, user: user, notice: notice)
        }
        let notice: WebPage.Notice = summary.status == "rejected" ? .error(summary.errorMessage ?? "文件无法读取。")
            : .success(summary.replayed ? "这个文件之前已上传过，以下是当时的结果。" : "批次已保存。")
        return WebPage.redirect(to: "/app/batches/\(id)", notice: notice)
    }

    private func rerender(_ user: WebUser, batchNumber: String, dryRun: Bool, error: String, sheet: String? = nil) async throws -> Response {
        WebPage.render("批次上传", user: user, notice: .error(error), status: .unprocessableContent,
                       body: uploadForm(user, batchNumber: batchNumber, dryRun: dryRun, error: error, sheet: sheet ?? ""))
    }

    private func result(_ summary: BatchSummary, user: WebUser, notice: WebPage.Notice?) async throws -> Response {
        let (problems, total) = try await BatchQueries.firstProblems(of: summary, limit: 500, for: user.principal, using: database)
        let c = summary.counts
        let rows: [Markup] = problems.map { p in
            "<tr><td class=\"num\">\(p.row)</td><td>\(p.column)</td><td><code>\(p.code)</code></td><td>\(p.message)</td><td>\(p.outcome == "rejected" ? "拒绝" : "警告")</td></tr>"
        }
        let cut: Markup = total > rows.count
            ? "<p id=\"problems-cut\">共 \(total) 条问题，此处列出前 \(rows.count) 条\(summary.batchID == nil ? "；正式上传后可下载完整清单" : "")。</p>" : .empty
        let title = summary.batchID.map { "批次 \($0)" } ?? "试运行结果"
        return WebPage.render(title, user: user, notice: notice, body: """
            <dl class="counts">
            <div><dt>状态</dt><dd>\(Self.statusName(summary.status))</dd></div><div><dt>编码</dt><dd>\(summary.encoding ?? "—")</dd></div>
            <div><dt>总行数</dt><dd id="count-total">\(c.total)</dd></div><div><dt>新增</dt><dd id="count-accepted">\(c.accepted)</dd></div>
            <div><dt>更正</dt><dd>\(c.updated)</dd></div><div><dt>未变</dt><dd>\(c.unchanged)</dd></div>
            <div><dt>疑似重复</dt><dd>\(c.duplicate)</dd></div><div><dt>拒绝</dt><dd id="count-rejected">\(c.rejected)</dd></div>
            <div><dt>含警告</dt><dd>\(c.warnings)</dd></div>
            </dl>
            \(Self.casesLink(summary, user: user))
            \(Self.fileFacts(summary))
            \(summary.errorMessage.map { Markup("<p class=\"notice error\">\($0)</p>") } ?? .empty)
            <h2>问题行</h2>
            \(summary.batchID.map { Markup("<p>下载问题清单：<a href=\"/api/v1/batches/\($0)/errors?format=xlsx\" download>Excel</a> · <a href=\"/api/v1/batches/\($0)/errors?format=csv\" download>CSV</a></p>") } ?? .empty)
            \(summary.batchID.flatMap { id in c.rejected == 0 ? nil : Markup("""
                <p id="rejected-rows">下载被拒绝的 \(c.rejected) 行：<a href="/api/v1/batches/\(id)/rejected" download>Excel</a>（原样填在移交表中，\
                末列写明问题；改正后可直接作为新批次上传）</p>
                """) } ?? .empty)
            <table><thead><tr><th scope="col">行号</th><th scope="col">列</th><th scope="col">代码</th><th scope="col">说明</th><th scope="col">结果</th></tr></thead>
            <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"5\">没有问题行。</td></tr>"] : rows)</tbody></table>
            \(cut)
            <p><a href="/app/batches">返回批次列表</a></p>
            """)
    }

    /// The cases the batch created or last corrected, for those with a case list (the partner's
    /// own people, administrators); the list shows only what each may see.
    static func casesLink(_ summary: BatchSummary, user: WebUser) -> Markup {
        let c = summary.counts
        let principal = user.principal
        guard let id = summary.batchID, c.accepted + c.updated + c.duplicate > 0,
              principal.partnerID != nil || principal.has(.office) || principal.has(.admin) || principal.has(.leader) else { return .empty }
        return "<p id=\"batch-cases\"><a href=\"/app/cases?batch=\(id)\">查看本批案件</a>（新增、更正和疑似重复的案件）</p>"
    }

    /// When, from whom and what file: the facts a partner checks before asking "did it arrive?".
    static func fileFacts(_ summary: BatchSummary) -> Markup {
        guard let receivedAt = summary.receivedAt else { return .empty }
        return """
            <section class="card" aria-labelledby="file"><h2 id="file">文件</h2><dl class="facts">
            <dt>上传时间</dt><dd id="received-at">\(ShanghaiTime.minute(receivedAt))</dd>
            <dt>上传人</dt><dd id="uploader">\(summary.uploaderName ?? summary.uploadedBy ?? "—")</dd>
            <dt>合作单位</dt><dd>\(summary.partnerName ?? "—")（\(summary.partner ?? "—")）</dd><dt>第几批</dt><dd>\(summary.batchNumber.map(String.init) ?? "—")</dd>
            <dt>格式</dt><dd>\(summary.format.uppercased())</dd><dt>大小</dt><dd>\(summary.byteSize.map(fileSize) ?? "—")</dd>
            <dt>SHA-256</dt><dd><code>\(summary.sha256 ?? "—")</code></dd>
            </dl></section>
            """
    }

    /// `812 字节`, `9.2 KB`, `48.0 MB`.
    static func fileSize(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) 字节" }
        if bytes < 1024 * 1024 { return String(format: "%.1f KB", Double(bytes) / 1024) }
        return String(format: "%.1f MB", Double(bytes) / 1_048_576)
    }

    static func statusName(_ status: String) -> String {
        switch status {
        case "applied": "已保存"
        case "rejected": "整批拒收"
        case "dry_run": "试运行（未保存）"
        default: status
        }
    }
}
