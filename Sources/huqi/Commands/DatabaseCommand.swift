import ArgumentParser
import EmbeddedPostgres
import Foundation

/// `huqi db start|stop|status`: manage the embedded PostgreSQL cluster by hand;
/// `huqi db grant ROLE`: an application role for any database (DatabaseGrantCommand.swift).
struct DatabaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "数据库：内置 PostgreSQL 集群的启停（HUQI_DATA_DIR，默认 .huqi/），应用账号的授权",
        subcommands: [Start.self, Stop.self, Status.self, Grant.self]
    )

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "初始化（首次）并启动集群；之后的 huqi serve 会使用它并让它继续运行")

        func run() async throws {
            let logger = LoggingSetup.bootstrap()
            try await reportingErrors {
                let cluster = try await DatabaseTarget.embeddedCluster(logger: logger)
                let started = try await cluster.start()
                print(started ? "内置数据库已启动：\(cluster.connectionString())" : "内置数据库已在运行：\(cluster.connectionString())")
            }
        }
    }

    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "停止集群（有 huqi serve 正在使用时拒绝）")

        func run() async throws {
            let logger = LoggingSetup.bootstrap()
            try await reportingErrors {
                let cluster = try await DatabaseTarget.embeddedCluster(logger: logger)
                _ = try DataDirectoryLock(directory: cluster.directory)  // refuses while a serve holds it
                guard try await cluster.status() == .running else {
                    print("内置数据库未在运行。")
                    return
                }
                try await cluster.stop()
                print("内置数据库已停止。")
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "显示集群状态；未运行时退出码为 3")

        func run() async throws {
            let logger = LoggingSetup.bootstrap()
            var running = false
            try await reportingErrors {
                let cluster = try await DatabaseTarget.embeddedCluster(logger: logger)
                let status = try await cluster.status()
                running = status == .running
                let text = switch status {
                case .notInitialized: "未初始化"
                case .stopped: "已停止"
                case .running: "运行中"
                }
                var user = "无"
                if FileManager.default.fileExists(atPath: cluster.directory) {
                    do {
                        _ = try DataDirectoryLock(directory: cluster.directory)
                    } catch let error as EmbeddedClusterError {
                        user = error.message
                    }
                }
                print("数据目录：\(cluster.directory)\n状态：\(text)\n连接串：\(cluster.connectionString())\n使用中的 huqi serve：\(user)")
            }
            if !running { throw ExitCode(3) }
        }
    }
}
