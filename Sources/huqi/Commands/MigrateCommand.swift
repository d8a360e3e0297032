import ArgumentParser

/// `huqi migrate`: applies pending `sql/` migrations.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "执行 sql/ 中尚未应用的数据库迁移",
        discussion: "使用内置数据库时，如集群未运行则临时启动，完成后再停止。多个实例同时执行是安全的。"
    )

    @Flag(name: .long, help: "只显示状态，不执行迁移")
    var status = false

    func run() async throws {
        try await OperatorSession.run(migrating: false) { session in
            let migrator = try DatabaseTarget.migrator(logger: session.logger)
            if status {
                let report = try await migrator.status(using: session.client, writable: false)
                let pending = report.pending.isEmpty ? "" : "：" + report.pending.joined(separator: "、")
                print("已应用 \(report.alreadyApplied.count) 个迁移，待执行 \(report.pending.count) 个\(pending)")
            } else {
                let report = try await migrator.migrate(using: session.client)
                print(report.applied.isEmpty
                      ? "数据库已是最新（\(report.alreadyApplied.count) 个迁移）"
                      : "已应用 \(report.applied.count) 个迁移：\(report.applied.joined(separator: "、"))")
            }
        }
    }
}
