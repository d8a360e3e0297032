import ArgumentParser
import EmbeddedPostgres
import Foundation
import Logging
import Metrics
import Postgres
import Prometheus
import Server
import ServiceLifecycle

/// `huqi serve`: migrates the database and serves HTTP until SIGINT/SIGTERM.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "启动网关 HTTP 服务（自动执行数据库迁移）",
        discussion: """
            环境变量：HUQI_HOST（默认 127.0.0.1）、HUQI_PORT（默认 8080）、HUQI_DATABASE_URL、
            HUQI_DATA_DIR（内置数据库目录，默认 .huqi/）、HUQI_LOG_LEVEL（默认 info）、
            HUQI_RATE_LIMIT（每个 API 密钥或用户每秒请求数，默认 100，突发 6 倍）、
            HUQI_READ_CACHE（读缓存：on 默认开启，off 关闭；数据变化由数据库通知，见 README）、
            HUQI_SESSION_RETENTION_DAYS（已失效的网页登录记录保留天数，默认 90；每人最近一次保留）。
            使用内置数据库时，serve 启动集群并在退出时停止它（如集群由 huqi db start 启动，则保持运行）。
            """
    )

    func run() async throws {
        let logger = LoggingSetup.bootstrap()
        try await reportingErrors {
            let configuration = try ServerConfiguration.fromEnvironment()
            let retentionDays = try sessionRetentionDays()
            let target = try await DatabaseTarget.resolve(logger: logger)
            var lock: DataDirectoryLock?
            var startedHere = false
            if case .embedded(let cluster) = target {
                lock = try DataDirectoryLock(directory: cluster.directory)
                startedHere = try await cluster.start()
            }
            defer { withExtendedLifetime(lock) {} }
            do {
                try await serve(target: target, configuration: configuration, retentionDays: retentionDays, logger: logger)
            } catch {
                if startedHere, case .embedded(let cluster) = target { try? await cluster.stop() }
                throw error
            }
            if startedHere, case .embedded(let cluster) = target { try await cluster.stop() }
        }
    }

    private func serve(target: DatabaseTarget, configuration: ServerConfiguration, retentionDays: Int, logger: Logger) async throws {
        let client = target.makeClient(logger: logger)
        let migrator = try DatabaseTarget.migrator(logger: logger)
        do {
            let report = try await migrator.migrate(using: client)
            if !report.applied.isEmpty { logger.info("migrations applied", metadata: ["count": "\(report.applied.count)"]) }
        } catch {
            await client.shutdown()
            throw error
        }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        var dependencies = ServerDependencies(database: client, migrator: migrator, metrics: registry)
        if let text = ProcessInfo.processInfo.environment["HUQI_RATE_LIMIT"], !text.isEmpty {
            guard let rate = Double(text), rate > 0 else {
                throw ConfigurationError(code: "config.rate_limit_invalid", message: "HUQI_RATE_LIMIT=\(text) 不是正数（每秒请求数）。")
            }
            dependencies.rateLimit = RateLimiter.Configuration(burst: rate * 6, perSecond: rate)
        }
        if let text = ProcessInfo.processInfo.environment["HUQI_MAX_UPLOAD_BYTES"], !text.isEmpty {
            guard let bytes = Int(text), bytes > 0 else {
                throw ConfigurationError(code: "config.max_upload_invalid", message: "HUQI_MAX_UPLOAD_BYTES=\(text) 不是正整数。")
            }
            dependencies.maximumUploadBytes = bytes
        }
        var services: [any Service] = [
            client, AuditSealer(database: client, logger: logger), WorkflowSweeper(database: client, logger: logger),
            WeeklyScheduler(database: client, schedule: try weeklySchedule(), logger: logger),
            RetentionSweeper(database: client, sessionDays: retentionDays, logger: logger),
        ]
        if try readCacheEnabled() {
            services.append(ChangeListener(database: client, caches: dependencies.caches, logger: logger))
        }
        let app = buildApplication(
            dependencies,
            configuration: configuration,
            services: services,
            logger: logger,
            onServerRunning: { port in
                let host = configuration.host == "0.0.0.0" ? "localhost" : configuration.host
                FileHandle.standardOutput.write(Data("huqi 已启动：http://\(host):\(port)（Ctrl-C 停止）\n".utf8))
            }
        )
        do {
            try await app.runService()
        } catch {
            await client.shutdown()
            throw error
        }
    }

    /// `HUQI_READ_CACHE`: `on` (the default) or `off`.
    private func readCacheEnabled() throws -> Bool {
        switch ProcessInfo.processInfo.environment["HUQI_READ_CACHE"]?.lowercased() {
        case nil, "", "on", "1", "true": return true
        case "off", "0", "false": return false
        case let text?:
            throw ConfigurationError(code: "config.read_cache_invalid", message: "HUQI_READ_CACHE=\(text) 应为 on 或 off。")
        }
    }

    /// `HUQI_SESSION_RETENTION_DAYS` (1–3650), default 90.
    private func sessionRetentionDays() throws -> Int {
        guard let text = ProcessInfo.processInfo.environment["HUQI_SESSION_RETENTION_DAYS"], !text.isEmpty else { return 90 }
        guard let days = Int(text), (1...3650).contains(days) else {
            throw ConfigurationError(code: "config.session_retention_invalid",
                                     message: "HUQI_SESSION_RETENTION_DAYS=\(text) 应为 1–3650 之间的天数。")
        }
        return days
    }

    /// `HUQI_WEEKLY_ISSUE_AT` (`1 08:00`: ISO weekday and time, Asia/Shanghai), default Monday 08:00.
    private func weeklySchedule() throws -> WeeklyScheduler.Schedule {
        guard let text = ProcessInfo.processInfo.environment["HUQI_WEEKLY_ISSUE_AT"], !text.isEmpty else { return .init() }
        guard let schedule = WeeklyScheduler.Schedule(text) else {
            throw ConfigurationError(code: "config.weekly_issue_at_invalid",
                                     message: "HUQI_WEEKLY_ISSUE_AT=\(text) 格式不对，应为“星期几 时:分”，如 1 08:00（星期一 8 点）。")
        }
        return schedule
    }
}
