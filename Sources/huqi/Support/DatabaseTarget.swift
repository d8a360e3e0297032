import EmbeddedPostgres
import Foundation
import Logging
import Postgres
import Store

/// Which PostgreSQL huqi uses: the one named by `HUQI_DATABASE_URL`/`DATABASE_URL`, or the
/// embedded cluster under `HUQI_DATA_DIR` (default `.huqi/`).
enum DatabaseTarget {
    case external(connectionString: String)
    case embedded(EmbeddedCluster)

    static func resolve(logger: Logger, environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> DatabaseTarget {
        for key in ["HUQI_DATABASE_URL", "DATABASE_URL"] {
            if let url = environment[key], !url.isEmpty { return .external(connectionString: url) }
        }
        return .embedded(try await embeddedCluster(logger: logger, environment: environment))
    }

    static func embeddedCluster(logger: Logger, environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> EmbeddedCluster {
        let directory = environment["HUQI_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? ".huqi"
        let tools = try await PostgresTools.locate(environment: environment, dataDirectory: EmbeddedCluster.dataPath(in: directory))
        return EmbeddedCluster(directory: directory, tools: tools, logger: logger)
    }

    var connectionString: String {
        switch self {
        case .external(let url): url
        case .embedded(let cluster): cluster.connectionString()
        }
    }

    /// A pool on this database.
    func makeClient(logger: Logger, maximumConnections: Int = 16) -> PostgresClient {
        PostgresClient(
            configuration: PostgresConfiguration(connectionString: connectionString),
            options: .init(maximumConnections: maximumConnections), logger: logger)
    }

    /// The migrator for the `sql/` folder this binary runs with.
    static func migrator(logger: Logger) throws -> Migrator {
        Migrator(migrations: try Migration.load(from: MigrationDirectory.locate()), logger: logger)
    }
}

/// Process-wide logging: swift-log to stderr with metadata, level from `HUQI_LOG_LEVEL`.
enum LoggingSetup {
    static func bootstrap() -> Logger {
        let level = ProcessInfo.processInfo.environment["HUQI_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "huqi")
    }
}
