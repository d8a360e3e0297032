import ArgumentParser
import Domain
import Store

/// `huqi partner add|key`: partner organisations and their API keys.
struct PartnerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partner",
        abstract: "管理合作单位（上传案件批次的组织）及其 API 密钥",
        subcommands: [Add.self, Key.self, List.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "新增合作单位，并打印其 API 密钥（只显示这一次）")

        @Argument(help: "合作单位代码，如 LNFIC（2–32 位字母、数字、_、-）")
        var code: String
        @Option(name: .long, help: "合作单位名称，如 辽宁省工商业联合会")
        var name: String

        func run() async throws {
            try await OperatorSession.run { session in
                let (partner, key) = try await PartnerRepository(client: session.client).add(code: code, name: name, by: session.actor)
                print("已新增合作单位 \(partner.code)（\(partner.name)）。API 密钥（只显示这一次，请妥善保存）：")
                print(key.plaintext)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "列出合作单位（代码、名称、有效密钥数、密钥最近使用时间）")

        func run() async throws {
            try await OperatorSession.run { session in
                print("代码\t名称\t有效密钥\t最近使用")
                for entry in try await PartnerRepository(client: session.client).allKeys() {
                    let used = entry.lastUsedAt.map(ShanghaiTime.minute) ?? "从未使用"
                    print("\(entry.partner.code)\t\(entry.partner.name)\t\(entry.activeKeys)\t\(used)")
                }
            }
        }
    }

    struct Key: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "轮换或吊销合作单位的 API 密钥",
            subcommands: [Rotate.self, Revoke.self]
        )

        struct Rotate: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "吊销现有密钥并签发新密钥（只显示这一次）")
            @Argument(help: "合作单位代码") var code: String

            func run() async throws {
                try await OperatorSession.run { session in
                    let partner = try await PartnerRepository(client: session.client).find(code: code)
                    let key = try await APIKeyRepository(client: session.client)
                        .rotate(owner: .partner(id: partner.id), by: session.actor, entity: "partner", entityID: partner.code)
                    print("已为 \(partner.code) 签发新密钥，旧密钥已吊销。新密钥（只显示这一次）：")
                    print(key.plaintext)
                }
            }
        }

        struct Revoke: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "吊销合作单位的全部有效密钥")
            @Argument(help: "合作单位代码") var code: String

            func run() async throws {
                try await OperatorSession.run { session in
                    let partner = try await PartnerRepository(client: session.client).find(code: code)
                    let count = try await APIKeyRepository(client: session.client)
                        .revoke(owner: .partner(id: partner.id), by: session.actor, entity: "partner", entityID: partner.code)
                    print("已吊销 \(partner.code) 的 \(count) 个密钥。")
                }
            }
        }
    }
}
