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
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> PostgresTools {
        var candidates: [String] = []
        if let configured = environment["HUQI_PG_BINDIR"], !configured.isEmpty {
            candidates.append(configured)
        } else {
            for pgConfig in ["/usr/bin/pg_config", "/usr/local/bin/pg_config"] where FileManager.default.isExecutableFile(atPath: pgConfig) {
                if let output = try? await Command.run(pgConfig, ["--bindir"]), output.status == 0 {
                    candidates.append(output.text.trimmingCharacters(in: .whitespacesAndNewlines))
                }
            }
            let root = "/usr/lib/postgresql"
            let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
            for version in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
                candidates.append("\(root)/\(version)/bin")
            }
        }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: "\($0)/initdb") }) else {
            throw EmbeddedClusterError.initdbMissing(searched: candidates.isEmpty ? ["pg_config --bindir", "/usr/lib/postgresql/*/bin"] : candidates)
        }
        return PostgresTools(binDirectory: found, serviceUser: geteuid() == 0 ? try await ensureServiceUser() : nil)
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
