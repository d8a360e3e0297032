import ArgumentParser
import Domain
import Foundation
import Intake
import Store

/// `huqi calendar load FILE`: adds or replaces years of the holiday calendar (a data change).
struct CalendarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar",
        abstract: "维护节假日与调休日历",
        subcommands: [Load.self]
    )

    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "从 CSV 载入节假日与调休上班日（文件中出现的年份整体替换）",
            discussion: "格式与 shared/data/cn-calendar.csv 相同：date,kind,name；kind 为 holiday 或 workday。")
        @Argument(help: "日历 CSV 文件") var file: String
        @Flag(name: .long, help: "只预览：说明将替换多少个日期、哪些未结期限的到期日会变，不保存") var dryRun = false

        func run() async throws {
            try await OperatorSession.run { session in
                guard let data = FileManager.default.contents(atPath: file), let (text, _) = try? TextDecoding.string(Array(data)) else {
                    throw ValidationError("无法读取文件 \(file)（应为 UTF-8 或 GB18030 编码的文本）。")
                }
                let entries = try CalendarStore.parse(text)
                if dryRun {
                    let (years, replaced, outcome) = try await CalendarStore.preview(entries, using: session.client)
                    print("预览（未保存）：将载入 \(entries.count) 个日期，年份：\(years.map(String.init).joined(separator: "、"))，替换现有的 \(replaced) 个日期。")
                    print("未结期限：检查 \(outcome.checked) 个，到期日将变化 \(outcome.moved.count) 个，不再暂定 \(outcome.settled) 个。")
                    for move in outcome.moved.prefix(20) { print(Self.line(move)) }
                    return
                }
                let (years, replaced, outcome) = try await CalendarStore.load(entries, source: URL(fileURLWithPath: file).lastPathComponent,
                                                                    by: session.actor, using: session.client)
                print("已载入 \(entries.count) 个日期，年份：\(years.map(String.init).joined(separator: "、"))，替换原有的 \(replaced) 个日期。")
                print("未结期限按新日历重算：检查 \(outcome.checked) 个，到期日变化 \(outcome.moved.count) 个，不再是暂定 \(outcome.settled) 个。")
                for move in outcome.moved.prefix(20) { print(Self.line(move)) }
                if outcome.moved.count > 20 { print("  ……另有 \(outcome.moved.count - 20) 个，见各案件的办理记录。") }
                if outcome.skipped > 0 { print("有 \(outcome.skipped) 个期限的中止或延期记录无法读取，保持原到期日，请人工核对。") }
            }
        }

        /// One moved due date: the case by its number (and id, for the other commands), the deadline by its kind.
        static func line(_ move: DeadlineRecompute.Move) -> String {
            let kind = DeadlineKind(rawValue: move.kind)?.chineseName ?? move.kind
            return "  案件 \(move.externalRef)（\(move.caseID)）\(kind)：\(move.from) → \(move.to)"
        }
    }
}

/// `huqi settings [--day-mode calendar|working] [--near-due-days N] [--lease-minutes N] [--grades a,b] [--programme-start DATE]`.
struct SettingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings",
        abstract: "查看或修改办案设置（期限计日方式、临期提醒、领取时限、评查等级、项目起始日）")

    @Option(name: .long, help: "“7日”按自然日（calendar）还是工作日（working）计算") var dayMode: String?
    @Option(name: .long, help: "到期前几个工作日起显示为临期") var nearDueDays: Int?
    @Option(name: .long, help: "领取后多少分钟无操作即退回队列") var leaseMinutes: Int?
    @Option(name: .long, help: "评查等级，逗号分隔，如 优质,合格,基本合格,不合格") var grades: String?
    @Option(name: .long, help: "项目起始日，如 2026-01-01") var programmeStart: String?

    func run() async throws {
        try await OperatorSession.run { session in
            let change = WorkflowSettings.Change(dayMode: dayMode, nearDueDays: nearDueDays.map(String.init),
                                                 leaseMinutes: leaseMinutes.map(String.init), grades: grades, programmeStart: programmeStart)
            let settings: WorkflowSettings
            do {
                settings = try await WorkflowSettings.update(change, by: session.actor, using: session.client).settings
            } catch let problem as WorkflowProblem {
                throw ValidationError(problem.message)
            }
            print("期限计日：\(settings.dayMode.chineseName)；临期提醒：到期前 \(settings.nearDueWorkingDays) 个工作日；领取时限：\(settings.leaseMinutes) 分钟；")
            print("评查等级：\(settings.reviewGrades.joined(separator: "、"))；项目起始日：\(settings.programmeStart)。")
        }
    }
}
