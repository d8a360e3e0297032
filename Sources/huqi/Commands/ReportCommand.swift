import ArgumentParser
import Domain
import Foundation
import Reporting
import Server
import Store

/// `huqi report weekly [--week 2026-W48] [--format html|csv|json|md|xlsx] [-o FILE] [--issue]`.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "生成报表",
        subcommands: [Weekly.self]
    )

    struct Weekly: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "生成十项举措周报（默认上一个完整的周，全省范围）",
            discussion: "--issue 把本次结果存为该周的一个新版本快照（不可修改，旧版本保留）。")

        @Option(name: .long, help: "ISO 周，如 2026-W48（默认上周）") var week: String?
        @Option(name: .long, help: "格式：html|csv|json|md|xlsx") var format: String = "md"
        @Option(name: .shortAndLong, help: "写入文件（默认输出到标准输出）") var output: String?
        @Flag(name: .long, help: "存为该周的快照") var issue = false

        func run() async throws {
            try await OperatorSession.run { session in
                let target: ISOWeek
                if let week {
                    guard let parsed = ISOWeek(week) else { throw ValidationError("--week 应写成 2026-W48 这样的 ISO 周（\(week) 不是有效的周）。") }
                    if let refusal = WeeklyIssuer.refusal(of: parsed) { throw ValidationError("--week：" + refusal) }
                    target = parsed
                } else {
                    target = WeeklyIssuer.lastCompleteWeek()
                }
                guard let format = ReportFormat(rawValue: format) else { throw ValidationError("--format 应为 html、csv、json、md 或 xlsx。") }
                let issuer = WeeklyIssuer(database: session.client)
                let summary = try await issuer.summary(of: target, for: WeeklyIssuer.programmeOffice(label: session.actor.actorLabel))
                let bytes = try WeeklyReport.render(summary, as: format)
                if let output {
                    // Written in place, never by rename: `-o /dev/null` or a pipe must stay what it is.
                    let descriptor = open(output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                    guard descriptor >= 0 else { throw ValidationError("无法写入文件 \(output)。") }
                    let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
                    try handle.write(contentsOf: bytes)
                    try handle.close()
                } else {
                    FileHandle.standardOutput.write(Data(bytes))
                }
                if issue, let snapshot = try await issuer.issue(target, by: session.actor) {
                    FileHandle.standardError.write(Data("已存档 \(snapshot.week) 第 \(snapshot.version) 版（SHA-256 \(snapshot.sha256.prefix(16))…）。\n".utf8))
                }
            }
        }
    }
}
