import ArgumentParser
import Domain
import Foundation
import Intake
import Server
import Store

/// `huqi import FILE --partner CODE`: the same intake as `POST /api/v1/batches`, from a shell.
/// Exit 0 when the batch was stored (even with rejected rows), 2 when the file is unreadable.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "导入一个案件批次文件（CSV：UTF-8 或 GB18030；JSON；XLSX）",
        discussion: "退出码：0 批次已保存（即使有被拒绝的行）；2 文件无法读取；1 其他错误。"
    )

    @Argument(help: "批次文件路径") var file: String
    @Option(name: .long, help: "合作单位代码") var partner: String
    @Option(name: .long, help: "批次号（第几批）") var batchNo: Int?
    @Flag(name: .long, help: "只校验并报告，不写入") var dryRun = false
    @Option(name: .long, help: "幂等键：同一个键重复导入只保存一次") var idempotencyKey: String?
    @Option(name: .long, help: "XLSX 文件中要读取的工作表名称（默认第一个）") var sheet: String?

    func run() async throws {
        var unreadable = false
        try await OperatorSession.run { session in
            guard let bytes = MappedFile.open(atPath: file) else {
                unreadable = true
                FileHandle.standardError.write(Data("huqi：无法读取文件 \(file)（不存在或没有读取权限）。\n".utf8))
                return
            }
            if let batchNo, !BatchNumber.isValid(batchNo) { throw ValidationError("--batch-no：" + BatchNumber.message) }
            let partner = try await PartnerRepository(client: session.client).find(code: partner)
            FileHandle.standardError.write(Data("正在导入 \(file)（\(bytes.count) 字节）…\n".utf8))
            var uploader = session.actor
            uploader.action = "batch.upload"
            let summary = try await BatchIntake(client: session.client).submit(BatchSubmission(
                partnerID: partner.id, batchNumber: batchNo, uploader: uploader, payload: bytes,
                idempotencyKey: idempotencyKey, dryRun: dryRun, sheet: sheet)) { step in
                FileHandle.standardError.write(Data("\(step)\n".utf8))
            }
            print(Self.describe(summary))
            if summary.status == "rejected" {
                unreadable = true
                return
            }
            guard summary.counts.rejected + summary.counts.warnings > 0 else { return }
            let (problems, total) = try await BatchQueries.firstProblems(of: summary, limit: 20, for: Self.operator, using: session.client)
            for problem in problems {
                print("  第 \(problem.row) 行 \(problem.column) [\(problem.code)] \(problem.message)")
            }
            if total > problems.count {
                let rest = summary.batchID.map { "GET /api/v1/batches/\($0)/errors" } ?? "去掉 --dry-run 导入后用 GET /api/v1/batches/{id}/errors 下载"
                print("  …共 \(total) 条，完整清单：\(rest)")
            }
        }
        if unreadable { throw ExitCode(2) }
    }

    /// The shell operator reads every batch.
    static let `operator` = Principal(kind: .user(id: 0, login: "cli"), label: "cli", roles: [.admin])

    /// The summary line. A batch is named by its record number (what `GET /api/v1/batches/{id}`
    /// and the web pages use) and, when known, its number in the handover (第几批): the two differ
    /// as soon as a partner sends a batch twice or another partner uploads.
    static func describe(_ summary: BatchSummary) -> String {
        let id = summary.batchID ?? 0
        let name = summary.batchNumber.map { "批次 \(id)（第 \($0) 批）" } ?? "批次 \(id) "
        if summary.status == "rejected" {
            let kept = summary.batchID == nil ? "试运行，未保存" : "\(name)已保存原文件"
            return "文件无法读取（\(kept)）：\(summary.errorMessage ?? "") [\(summary.errorCode ?? "")]"
        }
        let c = summary.counts
        let head = summary.status == "dry_run" ? "校验结果（未写入）" : summary.replayed ? "此文件已导入过，未重复写入，见\(name.trimmingCharacters(in: .whitespaces))" : "\(name)已保存"
        return "\(head)：格式 \(summary.format)，编码 \(summary.encoding ?? "-")；共 \(c.total) 行：新增 \(c.accepted)，更正 \(c.updated)，"
            + "未变 \(c.unchanged)，疑似重复 \(c.duplicate)，拒绝 \(c.rejected)，含警告 \(c.warnings)。"
    }
}
