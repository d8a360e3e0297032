import Foundation

/// Finds the PostgreSQL server programs (`initdb`, `pg_ctl`, `createdb`) and the account
/// that runs them.
///
/// Debian keeps them off PATH, under `/usr/lib/postgresql/<version>/bin`; `pg_config --bindir`
/// names that folder. `HUQI_PG_BINDIR` overrides the search.
public struct PostgresTools: Sendable {
    /// The folder holding initdb and pg_ctl.
    public let binDirectory: String
    /// The account that runs the server when huqi runs as root (postgres refuses root);
    /// `nil` when huqi is not root and the server runs as the current user.
    public let serviceUser: String?

    /// Locates the programs, or explains in one sentence how to install them.
    ///
    /// With `dataDirectory` (an embedded cluster's `pgdata/`) holding a cluster already, the
    /// programs must be of the major version that created it (its `PG_VERSION`): a machine with
    /// two versions installed (after a Debian upgrade, say) gets the matching one, not the
    /// newest, and a machine without it gets `cluster.version_mismatch` saying what to do.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment,
                              dataDirectory: String? = nil,
                              libraryRoot: String = "/usr/lib/postgresql") async throws -> PostgresTools {
        var candidates: [String] = []
        if let configured = environment["HUQI_PG_BINDIR"], !configured.isEmpty {
            candidates.append(configured)
        } else {
            for pgConfig in ["/usr/bin/pg_config", "/usr/local/bin/pg_config"] where FileManager.default.isExecutableFile(atPath: pgConfig) {
                if let output = try? await Command.run(pgConfig, ["--bindir"]), output.status == 0 {
                    candidates.append(output.text.trimmingCharacters(in: .whitespacesAndNewlines))
                }
            }
            let versions = (try? FileManager.default.contentsOfDirectory(atPath: libraryRoot)) ?? []
            for version in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
                candidates.append("\(libraryRoot)/\(version)/bin")
            }
        }
        var installed: [String] = []
        for directory in candidates where FileManager.default.isExecutableFile(atPath: "\(directory)/initdb") && !installed.contains(directory) {
            installed.append(directory)
        }
        guard let found = installed.first else {
            throw EmbeddedClusterError.initdbMissing(searched: candidates.isEmpty ? ["pg_config --bindir", "\(libraryRoot)/*/bin"] : candidates)
        }
        if let dataDirectory, let wanted = clusterVersion(of: dataDirectory) {
            // Asked in order, stopping at the first match (one pg_ctl --version in the usual case).
            var others: [(version: String, directory: String)] = []
            for directory in installed {
                let version = await majorVersion(of: directory) ?? "?"
                if version == wanted { return PostgresTools(binDirectory: directory, serviceUser: try await serviceUser()) }
                others.append((version, directory))
            }
            throw EmbeddedClusterError.versionMismatch(path: dataDirectory, cluster: wanted, installed: others)
        }
        return PostgresTools(binDirectory: found, serviceUser: try await serviceUser())
    }

    /// The account to run the server as: nil unless huqi runs as root.
    private static func serviceUser() async throws -> String? {
        geteuid() == 0 ? try await ensureServiceUser() : nil
    }

    /// The major version that created the cluster in `dataDirectory` (`PG_VERSION`), or nil
    /// when there is no cluster yet.
    public static func clusterVersion(of dataDirectory: String) -> String? {
        (try? String(contentsOfFile: "\(dataDirectory)/PG_VERSION", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The major version of the programs in `directory`, from `pg_ctl --version`
    /// ("pg_ctl (PostgreSQL) 15.18 (Debian …)" → "15"; "9.6.24" → "9.6").
    static func majorVersion(of directory: String) async -> String? {
        guard let output = try? await Command.run("\(directory)/pg_ctl", ["--version"]), output.status == 0,
              let range = output.text.range(of: ") ") else { return nil }
        let number = output.text[range.upperBound...].prefix { $0.isNumber || $0 == "." }
        let parts = number.split(separator: ".")
        guard let first = parts.first, let major = Int(first) else { return nil }
        return major >= 10 ? String(major) : parts.prefix(2).joined(separator: ".")
    }

    /// The path of one of the programs.
    func path(_ tool: String) -> String { "\(binDirectory)/\(tool)" }

    /// `postgres` when the Debian package created it; otherwise a system user `huqi-pg` is made.
    private static func ensureServiceUser() async throws -> String {
        if getpwnam("postgres") != nil { return "postgres" }
        if getpwnam("huqi-pg") != nil { return "huqi-pg" }
        let output = try await Command.run("/usr/sbin/useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "huqi-pg"])
        guard output.status == 0 else { throw EmbeddedClusterError.userSetup(output.text) }
        return "huqi-pg"
    }

    /// Numeric uid and gid of the service user (nil when not root).
    var serviceAccount: (uid: uid_t, gid: gid_t)? {
        guard let serviceUser, let entry = getpwnam(serviceUser) else { return nil }
        return (entry.pointee.pw_uid, entry.pointee.pw_gid)
    }
}
