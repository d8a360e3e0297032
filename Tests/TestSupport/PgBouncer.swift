import Foundation

/// A PgBouncer (session pooling, trust authentication, a Unix socket only) in front of the test
/// cluster: what a DBA puts between huqi and PostgreSQL. ops/test installs the Debian package.
///
/// PgBouncer refuses to run as root, so under root it runs as `postgres` (which owns the test
/// cluster's socket folder); its folder is given to that user.
public final class PgBouncer: Sendable {
    private let directory: URL
    private let port: Int

    /// The connection string of `database` through the pooler.
    public func connectionString(database: String) -> String {
        "host=\(directory.path) port=\(port) user=huqi dbname=\(database)"
    }

    /// Starts a pooler; with `ignoringOptions`, it is told to drop the `options` startup
    /// parameter (`ignore_startup_parameters = options`, the usual answer to PgBouncer's
    /// "unsupported startup parameter: options"), otherwise it refuses connections that send it.
    public static func start(ignoringOptions: Bool) async throws -> PgBouncer {
        guard let binary = ["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer"].first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw TestSetupError("pgbouncer is not installed: ops/test installs it (apt-get install pgbouncer)")
        }
        let target = try TestDatabase.adminConnectionString
        func value(_ key: String) -> String? {
            target.split(separator: " ").first { $0.hasPrefix(key + "=") }.map { String($0.dropFirst(key.count + 1)) }
        }
        guard let host = value("host") else { throw TestSetupError("HUQI_TEST_DATABASE_URL names no host: \(target)") }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("huqi-pgbouncer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let port = freePort()
        let settings = """
            [databases]
            * = host=\(host) port=\(value("port") ?? "5432")
            [pgbouncer]
            listen_addr =
            listen_port = \(port)
            unix_socket_dir = \(directory.path)
            auth_type = trust
            auth_file = \(directory.path)/users.txt
            pool_mode = session
            pidfile = \(directory.path)/pgbouncer.pid
            logfile = \(directory.path)/pgbouncer.log
            \(ignoringOptions ? "ignore_startup_parameters = options" : "")
            """
        try settings.write(to: directory.appendingPathComponent("pgbouncer.ini"), atomically: true, encoding: .utf8)
        try "\"huqi\" \"\"\n".write(to: directory.appendingPathComponent("users.txt"), atomically: true, encoding: .utf8)
        var command = [binary, "-d", directory.appendingPathComponent("pgbouncer.ini").path]
        if getuid() == 0, let account = getpwnam("postgres") {
            for path in [directory.path] + ["pgbouncer.ini", "users.txt"].map({ directory.appendingPathComponent($0).path }) {
                chown(path, account.pointee.pw_uid, account.pointee.pw_gid)
            }
            command = ["/usr/sbin/runuser", "-u", "postgres", "--"] + command
        }
        let started = try await ChildProcess.run(command)
        guard started.status == 0 else { throw TestSetupError("pgbouncer did not start: \(started.stderr)") }
        let bouncer = PgBouncer(directory: directory, port: port)
        let socket = directory.appendingPathComponent(".s.PGSQL.\(port)").path
        for _ in 0..<100 where !FileManager.default.fileExists(atPath: socket) { try await Task.sleep(for: .milliseconds(100)) }
        guard FileManager.default.fileExists(atPath: socket) else {
            bouncer.stop()
            throw TestSetupError("pgbouncer opened no socket: \(bouncer.log)")
        }
        return bouncer
    }

    private init(directory: URL, port: Int) {
        self.directory = directory
        self.port = port
    }

    /// PgBouncer's log, for a failing test's message.
    public var log: String {
        (try? String(contentsOf: directory.appendingPathComponent("pgbouncer.log"), encoding: .utf8)) ?? ""
    }

    /// Stops the pooler (by the process id it wrote), waits up to 5 s for it to go, and removes
    /// its folder (removing it while PgBouncer still unlinks its socket left the folder behind).
    public func stop() {
        if let text = try? String(contentsOf: directory.appendingPathComponent("pgbouncer.pid"), encoding: .utf8),
           let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            kill(pid, SIGTERM)
            for _ in 0..<100 where kill(pid, 0) == 0 { usleep(50_000) }
        }
        try? FileManager.default.removeItem(at: directory)
    }
}
