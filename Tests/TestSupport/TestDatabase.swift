import Foundation
import Logging
import Postgres
import Store

/// Gives each test suite a database of its own, cloned from a migrated template, in the
/// throwaway cluster that `ops/test` starts (`HUQI_TEST_DATABASE_URL`).
public enum TestDatabase {
    /// The repository root, found from this file's path.
    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The repository's `sql/` folder.
    public static var migrationsDirectory: URL { repositoryRoot.appendingPathComponent("sql") }

    /// A quiet logger for tests.
    public static var logger: Logger {
        var logger = Logger(label: "huqi.test")
        logger.logLevel = .warning
        return logger
    }

    /// The admin connection string (superuser, `postgres` database).
    public static var adminConnectionString: String {
        get throws {
            guard let url = ProcessInfo.processInfo.environment["HUQI_TEST_DATABASE_URL"], !url.isEmpty else {
                throw TestSetupError("HUQI_TEST_DATABASE_URL is not set: run the tests with ops/test, which starts a throwaway PostgreSQL")
            }
            return url
        }
    }

    /// A connection string for `database` in the test cluster.
    public static func connectionString(database: String) throws -> String {
        try adminConnectionString.replacingOccurrences(of: "dbname=postgres", with: "dbname=\(database)")
    }

    private static let template = Task<String, any Error> {
        let name = "huqi_template_\(getpid())"
        let admin = PostgresClient(configuration: .init(connectionString: try adminConnectionString), options: .init(maximumConnections: 1), logger: logger)
        try await admin.query("CREATE DATABASE \(unescaped: name)")
        await admin.shutdown()
        let client = PostgresClient(configuration: .init(connectionString: try connectionString(database: name)), logger: logger)
        try await Migrator(migrations: Migration.load(from: migrationsDirectory), logger: logger).migrate(using: client)
        await client.shutdown()
        return name
    }

    /// Creates a fresh database: migrated (cloned from the template) or empty.
    public static func create(migrated: Bool = true) async throws -> String {
        let name = "huqi_t_\(UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: ""))"
        let admin = PostgresClient(configuration: .init(connectionString: try adminConnectionString), options: .init(maximumConnections: 1), logger: logger)
        defer { Task { await admin.shutdown() } }
        if migrated {
            let template = try await template.value
            try await admin.query("CREATE DATABASE \(unescaped: name) TEMPLATE \(unescaped: template)")
        } else {
            try await admin.query("CREATE DATABASE \(unescaped: name)")
        }
        return name
    }

    /// Runs `body` with a pool on a fresh database and shuts the pool down afterwards.
    public static func withClient<Result>(
        migrated: Bool = true, maximumConnections: Int = 8,
        _ body: (PostgresClient) async throws -> Result
    ) async throws -> Result {
        let database = try await create(migrated: migrated)
        let client = PostgresClient(
            configuration: .init(connectionString: try connectionString(database: database)),
            options: .init(maximumConnections: maximumConnections), logger: logger)
        do {
            let result = try await body(client)
            await client.shutdown()
            return result
        } catch {
            await client.shutdown()
            throw error
        }
    }
}

/// The test environment is not set up.
public struct TestSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
