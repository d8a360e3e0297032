import Foundation

/// A small primary cluster of its own and, on demand, a hot standby made from it with
/// `pg_basebackup -R`: what huqi meets when its connection string names a replica (or the old
/// primary after a failover). Built with `ops/lib/common.sh`, the clusters `ops/test` makes;
/// a cluster of its own, because a base backup of the shared test cluster would copy every
/// test's database.
public final class StandbyPair: Sendable {
    private let directory: URL

    /// The connection string of `database` on the primary.
    public func primary(database: String) -> String { "host=\(directory.path)/primary/run port=5432 user=huqi dbname=\(database)" }

    /// The connection string of `database` on the standby (after `startStandby`).
    public func standby(database: String) -> String { "host=\(directory.path)/standby/run port=5432 user=huqi dbname=\(database)" }

    /// Starts the primary.
    public static func start() async throws -> StandbyPair {
        let directory = URL(fileURLWithPath: "/tmp").appendingPathComponent("huqi-standby-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let pair = StandbyPair(directory: directory)
        try await pair.shell("start_throwaway_cluster \(directory.path)/primary")
        return pair
    }

    private init(directory: URL) { self.directory = directory }

    /// Copies the primary as it is now into a standby and starts it (read-only, in recovery).
    public func startStandby() async throws {
        let standby = directory.appendingPathComponent("standby").path
        try await shell("""
            bin=$(pg_bindir); mkdir -p \(standby)/run; chmod 700 \(standby)/run
            [ "$(id -u)" = 0 ] && chown postgres: \(standby) \(standby)/run
            as_pg "$bin/pg_basebackup" -h \(directory.path)/primary/run -p 5432 -U huqi -D \(standby)/pgdata -R -X stream --checkpoint=fast
            as_pg "$bin/pg_ctl" start -w -t 60 -D \(standby)/pgdata -l \(standby)/run/postgres.log \\
              -o "-c listen_addresses='' -k \(standby)/run -p 5432 -c hot_standby=on -c max_connections=300" >/dev/null
            """)
    }

    /// Stops both clusters and removes their folder.
    public func stop() async {
        _ = try? await shell("stop_throwaway_cluster \(directory.path)/standby; stop_throwaway_cluster \(directory.path)/primary")
        try? FileManager.default.removeItem(at: directory)
    }

    private func shell(_ script: String) async throws {
        let result = try await ChildProcess.run(["/bin/bash", "-c", "set -euo pipefail; cd '\(TestDatabase.repositoryRoot.path)'; . ops/lib/common.sh\n" + script])
        guard result.status == 0 else { throw TestSetupError("standby set-up failed (\(result.status)): \(result.stderr)") }
    }
}
