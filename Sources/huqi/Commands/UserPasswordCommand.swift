import ArgumentParser
import Foundation
import Server
import Store

extension UserCommand {
    /// `huqi user password LOGIN --password-stdin`: a new initial password for someone who forgot
    /// theirs (or the first administrator, locked out). Ends the person's web sessions; the pages
    /// ask them to replace it with one only they know.
    struct Password: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "为用户设置新的初始密码（忘记密码时），并结束其所有网页登录",
            discussion: "密码从标准输入读取一行，如：printf '%s\\n' \"$PW\" | huqi user password zhang.san --password-stdin。"
                + "本人登录后，页面会提示到“账号”页改为只有自己知道的密码。")

        @Argument(help: "登录名") var login: String
        @Flag(name: .long, help: "从标准输入读取新密码（一行）；必须给出，密码不出现在命令行里") var passwordStdin = false
        @Option(name: .long, help: .hidden) var bcryptCost: UInt8 = 12

        func validate() throws {
            guard passwordStdin else { throw ValidationError("请用 --password-stdin 从标准输入提供新密码（不要把密码写在命令行里）。") }
        }

        func run() async throws {
            try await OperatorSession.run { session in
                let password = readLine(strippingNewline: true) ?? ""
                try PasswordRules.check(password)
                let ended = try await UserRepository(client: session.client).resetPassword(
                    login: login.lowercased(), to: try await PasswordHasher(cost: bcryptCost).hash(password), by: session.actor)
                print("已为 \(login.lowercased()) 设置新的初始密码，结束了 \(ended) 个网页登录。本人登录后须先在“账号”页修改，才能使用其他功能。")
            }
        }
    }
}
