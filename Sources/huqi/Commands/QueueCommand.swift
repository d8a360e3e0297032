import ArgumentParser
import Domain
import Foundation
import Store

/// `huqi queue list|claim --as LOGIN`: the work queues for scripts, acting as a named user
/// (whoever can run huqi against the database is trusted to act for its users; each action is
/// audited under that user).
struct QueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "查看工作队列、领取下一件案件（供脚本使用）",
        subcommands: [List.self, Claim.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "列出该用户可见的队列及件数（待领取、临期、逾期）")
        @Option(name: .customLong("as"), help: "以哪个用户的身份（登录名）") var login: String
        @Flag(name: .long, help: "输出 JSON") var json = false

        func run() async throws {
            try await OperatorSession.run { session in
                let principal = try await session.principal(login: login)
                let counts = try await QueueOverview.counts(for: principal, using: session.client)
                if json { return try printJSON(counts) }
                print("单位\t阶段\t在办\t待领取\t我的\t临期\t逾期")
                for queue in counts {
                    print("\(queue.unitName)(\(queue.unit))\t\(queue.stageName)\t\(queue.total)\t\(queue.waiting)\t\(queue.mine)\t\(queue.nearDue)\t\(queue.overdue)")
                }
                if counts.isEmpty { print("（没有在办案件）") }
            }
        }
    }

    struct Claim: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "领取队列中最早到期的一件案件",
            discussion: "阶段：triage|evaluation|review|follow_up|resolved|unresolved|referred。队列为空时退出码为 3。")
        @Option(name: .customLong("as"), help: "以哪个用户的身份（登录名）") var login: String
        @Option(name: .long, help: "阶段") var stage: String
        @Option(name: .long, help: "检察院行政区划代码（默认为用户所在院）") var unit: String?
        @Flag(name: .long, help: "输出 JSON（案件详情）") var json = false

        func run() async throws {
            var empty = false
            try await OperatorSession.run { session in
                guard let stage = Stage(rawValue: stage) else {
                    throw ValidationError("未知的阶段“\(stage)”。可用：\(Stage.queueStages.map(\.rawValue).joined(separator: "、"))")
                }
                let principal = try await session.principal(login: login)
                guard let id = try await CaseQueue.claimNext(unit: unit, stage: stage, by: principal, address: "cli", using: session.client),
                      let detail = try await CaseQueries.detail(id: id, for: principal, using: session.client) else {
                    empty = true
                    FileHandle.standardError.write(Data("huqi：该队列中暂无可领取的案件。\n".utf8))
                    return
                }
                if json { return try printJSON(detail) }
                let lease = detail.summary.leaseUntil.map { " 领取有效至 \($0.formatted(.iso8601))" } ?? ""
                print("已领取案件 \(detail.summary.id)（\(detail.summary.externalRef) \(detail.summary.enterpriseName)），阶段：\(detail.summary.stageName)。\(lease)")
            }
            if empty { throw ExitCode(3) }
        }
    }
}

/// Prints a value as sorted, readable JSON.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

extension OperatorSession {
    /// The principal of a user by login, as if they had signed in.
    func principal(login: String) async throws -> Principal {
        let repository = UserRepository(client: client)
        return try await repository.principal(userID: try await repository.id(ofLogin: login))
    }
}
