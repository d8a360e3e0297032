import ArgumentParser
import Store

extension DatabaseCommand {
    /// `huqi db grant ROLE`: lets a database role run huqi without owning its tables (sql/0020).
    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "授予数据库账号 ROLE 运行 huqi 所需的最小权限（以属主账号运行）",
            discussion: """
                之后 huqi serve、huqi import 等可用该账号连接（HUQI_DATABASE_URL 中的 user）：能读写业务数据，\
                审计日志、案件时间线等只能追加，不能修改表结构、清空表或停用触发器。迁移仍由属主账号运行 huqi migrate，\
                新迁移增加的表会自动授权给已登记的账号。
                """
        )

        @Argument(help: "数据库账号（须已由数据库管理员创建）") var role: String

        func run() async throws {
            try await OperatorSession.run { session in
                var actor = session.actor
                actor.action = "db.grant_app_role"
                try await ApplicationRoles.grant(role, by: actor, using: session.client)
                let all = try await ApplicationRoles.list(using: session.client)
                print("已授权数据库账号 \(role)：可读写业务数据；审计日志、案件时间线、期限历史、已发布周报只能追加；不能修改表结构。")
                print("已登记的应用账号：\(all.joined(separator: "、"))")
            }
        }
    }
}
