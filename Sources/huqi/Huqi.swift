import ArgumentParser

/// The `huqi` command: the gateway's server and its operator tools.
@main
struct Huqi: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "huqi",
        abstract: "检察护企案件接收网关（huqi）",
        discussion: """
            数据库：设置 HUQI_DATABASE_URL（或 DATABASE_URL）使用现有 PostgreSQL；不设置时，
            huqi 在 HUQI_DATA_DIR（默认 .huqi/）下运行自己的 PostgreSQL 集群。
            """,
        subcommands: [ServeCommand.self, MigrateCommand.self, DatabaseCommand.self, ImportCommand.self, PartnerCommand.self, UserCommand.self, QueueCommand.self, ReportCommand.self, CalendarCommand.self, SettingsCommand.self, AuditCommand.self]
    )
}
