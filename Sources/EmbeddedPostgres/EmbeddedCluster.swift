import Foundation
import Logging

/// A private PostgreSQL cluster under one directory, reachable only through a Unix socket
/// in that directory (no TCP port, so it never clashes with other servers on the machine).
///
/// Layout of `directory`: `pgdata/` (the cluster), `run/` (the socket), `log/postgres.log`,
/// `serve.lock` (held by the `huqi serve` that uses it). As root, the server runs as an
/// unprivileged account (see `PostgresTools.serviceUser`).
public struct EmbeddedCluster: Sendable {
    /// What `status()` finds.
    public enum Status: Sendable, Equatable {
        /// No cluster has been created in the directory yet.
        case notInitialized
        /// The cluster exists and no server runs on it.
        case stopped
        /// A server runs on the cluster.
        case running
    }

    /// The absolute data directory (`HUQI_DATA_DIR`).
    public let directory: String
    /// The port number in the socket's name (`.s.PGSQL.<port>`); no TCP listener is opened.
    public let port: Int
    /// Tuned for throwaway test clusters: no fsync.
    public let ephemeral: Bool
    let tools: PostgresTools
    let logger: Logger

    /// The database and role huqi uses inside the cluster.
    public static let databaseName = "huqi"

    /// Describes the cluster in `directory` (made absolute); nothing is touched yet.
    public init(directory: String, port: Int = 5432, ephemeral: Bool = false, tools: PostgresTools, logger: Logger) {
        self.directory = URL(fileURLWithPath: directory).standardizedFileURL.path
        self.port = port
        self.ephemeral = ephemeral
        self.tools = tools
        self.logger = logger
    }

    var dataPath: String { Self.dataPath(in: directory) }
    var socketDirectory: String { "\(directory)/run" }
    var logFile: String { "\(directory)/log/postgres.log" }

    /// The cluster's data folder inside a huqi data directory (`HUQI_DATA_DIR/pgdata`).
    public static func dataPath(in directory: String) -> String {
        "\(URL(fileURLWithPath: directory).standardizedFileURL.path)/pgdata"
    }

    /// A libpq connection string for the huqi database (or `database`) in this cluster.
    public func connectionString(database: String = EmbeddedCluster.databaseName) -> String {
        "host=\(socketDirectory) port=\(port) user=\(Self.databaseName) dbname=\(database)"
    }

    /// Whether the cluster exists and runs.
    public func status() async throws -> Status {
        guard FileManager.default.fileExists(atPath: "\(dataPath)/PG_VERSION") else { return .notInitialized }
        let output = try await Command.run(tools.path("pg_ctl"), ["status", "-D", dataPath], as: tools.serviceUser)
        return output.status == 0 ? .running : .stopped
    }

    /// Creates the cluster on first use, then starts the server unless it already runs.
    /// Returns true when this call started it (so the caller should stop it again).
    @discardableResult
    public func start() async throws -> Bool {
        try prepareDirectories()
        if !FileManager.default.fileExists(atPath: "\(dataPath)/PG_VERSION") {
            try await initialize()
        }
        if try await status() == .running { return false }
        var options = "-c listen_addresses='' -k \(socketDirectory) -p \(port) -c unix_socket_permissions=0700"
        if ephemeral { options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off" }
        let output = try await Command.run(
            tools.path("pg_ctl"), ["start", "-w", "-t", "60", "-D", dataPath, "-l", logFile, "-o", options],
            as: tools.serviceUser)
        guard output.status == 0 else {
            throw EmbeddedClusterError.commandFailed("pg_ctl", status: output.status, output: output.text, logFile: logFile)
        }
        try await createDatabaseIfMissing()
        logger.info("embedded PostgreSQL started", metadata: ["dir": "\(directory)"])
        return true
    }

    /// Stops the server (fast shutdown: open sessions are ended, nothing committed is lost).
    public func stop() async throws {
        guard try await status() == .running else { return }
        let output = try await Command.run(tools.path("pg_ctl"), ["stop", "-w", "-m", "fast", "-D", dataPath], as: tools.serviceUser)
        guard output.status == 0 else {
            throw EmbeddedClusterError.commandFailed("pg_ctl", status: output.status, output: output.text, logFile: logFile)
        }
        logger.info("embedded PostgreSQL stopped", metadata: ["dir": "\(directory)"])
    }

    private func initialize() async throws {
        var arguments = ["-D", dataPath, "-U", Self.databaseName, "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"]
        if ephemeral { arguments.append("--no-sync") }
        let output = try await Command.run(tools.path("initdb"), arguments, as: tools.serviceUser)
        guard output.status == 0 else {
            throw EmbeddedClusterError.commandFailed("initdb", status: output.status, output: output.text, logFile: nil)
        }
    }

    private func createDatabaseIfMissing() async throws {
        let output = try await Command.run(
            tools.path("createdb"), ["-h", socketDirectory, "-p", String(port), "-U", Self.databaseName, Self.databaseName],
            as: tools.serviceUser)
        guard output.status == 0 || output.text.contains("already exists") else {
            throw EmbeddedClusterError.commandFailed("createdb", status: output.status, output: output.text, logFile: logFile)
        }
    }
}
