import ArgumentParser
import Store

/// `huqi audit verify`: walks the audit log's hash chain; `huqi audit list`: reads it.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "审计日志",
        subcommands: [Verify.self, List.self]
    )

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "校验审计日志的哈希链：完好时打印“intact, N events”，否则打印第一处断链并以退出码 1 结束")

        func run() async throws {
            var broken = false
            try await OperatorSession.run { session in
                switch try await AuditLog.verify(using: session.client) {
                case .intact(let events):
                    print("intact, \(events) events")
                case .broken(let id, let reason):
                    print("broken at event \(id): \(reason)")
                    broken = true
                }
            }
            if broken { throw ExitCode.failure }
        }
    }
}
