import ArgumentParser
import Domain
import Foundation
import Server
import Store

/// `huqi user add|role|password|token|disable|enable|list`: people who use huqi.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "管理用户、角色和 API 令牌",
        subcommands: [Add.self, Role.self, Password.self, Token.self, Disable.self, Enable.self, List.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "新增用户",
            discussion: "检察官和院领导用 --unit 指定所属检察院的行政区划代码；合作单位上传员用 --partner。")

        @Argument(help: "登录名（小写字母、数字、._-）") var login: String
        @Option(name: .long, help: "所属检察院的 6 位行政区划代码，如 210781") var unit: String?
        @Option(name: .long, help: "所属合作单位代码（上传员）") var partner: String?
        @Option(name: .long, parsing: .singleValue, help: "角色：prosecutor|leader|uploader|office|admin，可重复")
        var role: [String]
        @Option(name: .long, help: "姓名") var name: String
        @Flag(name: .long, help: "从标准输入读取密码（一行）；不给则该用户只能用 API 令牌")
        var passwordStdin = false
        @Option(name: .long, help: .hidden) var bcryptCost: UInt8 = 12

        func run() async throws {
            try await OperatorSession.run { session in
                let roles = try parseRoles(role)
                var hash: String?
                if passwordStdin {
                    let password = readLine(strippingNewline: true) ?? ""
                    try PasswordRules.check(password)
                    hash = try await PasswordHasher(cost: bcryptCost).hash(password)
                }
                let user = try await UserRepository(client: session.client).add(
                    NewUser(login: login, displayName: name, roles: roles, unitCode: unit, partnerCode: partner, passwordHash: hash),
                    by: session.actor)
                print("已新增用户 \(user.login)（\(user.displayName)），角色：\(user.roles.map(\.chineseName).joined(separator: "、"))。")
                if hash != nil { print("这是初始密码：本人首次登录后须先在“账号”页改为只有自己知道的密码，才能使用其他功能。") }
            }
        }
    }

    struct Role: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "授予或撤销用户的角色（记入审计日志）")

        @Argument(help: "登录名") var login: String
        @Option(name: .long, help: "授予的角色，可重复") var grant: [String] = []
        @Option(name: .long, help: "撤销的角色，可重复") var withdraw: [String] = []

        func run() async throws {
            try await OperatorSession.run { session in
                let user = try await UserRepository(client: session.client).changeRoles(
                    login: login, grant: try parseRoles(grant), withdraw: try parseRoles(withdraw), by: session.actor)
                print("\(user.login) 现有角色：\(user.roles.map(\.chineseName).joined(separator: "、"))。")
            }
        }
    }

    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "为用户签发 API 令牌（供脚本使用，只显示这一次）；--revoke 吊销其全部令牌（令牌泄露时）")
        @Argument(help: "登录名") var login: String
        @Flag(name: .long, help: "吊销该用户的全部 API 令牌（网页登录不受影响），记入审计日志") var revoke = false

        func run() async throws {
            try await OperatorSession.run { session in
                let id = try await UserRepository(client: session.client).id(ofLogin: login)
                let keys = APIKeyRepository(client: session.client)
                if revoke {
                    let count = try await keys.revoke(owner: .user(id: id), by: session.actor, entity: "user", entityID: login)
                    print("已吊销 \(login) 的 \(count) 个 API 令牌。")
                } else {
                    print(try await keys.issue(owner: .user(id: id), by: session.actor, entity: "user", entityID: login).plaintext)
                }
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "停用用户（离职、调离）：不能再登录，登录会话立即结束，API 令牌立即失效（记入审计日志）",
            discussion: "令牌不吊销：用 huqi user enable 重新启用后仍可使用。其名下的在办案件不变，请院领导批量转办。")
        @Argument(help: "登录名") var login: String

        func run() async throws {
            try await OperatorSession.run { session in
                let change = try await UserRepository(client: session.client).setDisabled(login: login, true, by: session.actor)
                print("已停用 \(change.user.login)（\(change.user.displayName)），结束了 \(change.sessionsEnded) 个登录会话。")
                if change.casesHeld > 0 {
                    print("其名下仍有 \(change.casesHeld) 件在办案件，请院领导在“批量转办”中转交他人。")
                }
            }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "重新启用已停用的用户（记入审计日志）")
        @Argument(help: "登录名") var login: String

        func run() async throws {
            try await OperatorSession.run { session in
                let change = try await UserRepository(client: session.client).setDisabled(login: login, false, by: session.actor)
                print("已启用 \(change.user.login)（\(change.user.displayName)）。")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "列出用户（登录名、姓名、单位或合作单位、角色、状态）")

        func run() async throws {
            try await OperatorSession.run { session in
                print("登录名\t姓名\t单位或合作单位\t角色\t状态")
                for user in try await UserRepository(client: session.client).all() {
                    let home = user.unitCode ?? user.partnerCode ?? "-"
                    print("\(user.login)\t\(user.displayName)\t\(home)\t\(user.roles.map(\.rawValue).joined(separator: ","))\t\(user.disabled ? "已停用" : "在用")")
                }
            }
        }
    }
}

/// Parses role names given on the command line, or `identity.role_unknown`.
func parseRoles(_ names: [String]) throws -> Set<Domain.Role> {
    try Set(names.map { text in
        guard let role = Domain.Role(rawValue: text) else {
            throw IdentityError(.invalidInput, "identity.role_unknown", "未知角色 \(text)，可用：prosecutor、leader、uploader、office、admin。")
        }
        return role
    })
}
