import Foundation
import Testing
import TestSupport

/// The disaster-recovery path of README "Backup and restore", as an operator runs it: `pg_dump`
/// of a working database, a new machine's embedded cluster (`huqi db start`), `pg_restore` into
/// it, then `huqi audit verify` and more work. The new cluster hands out transaction ids far
/// below the old one's, which the audit log's numbering has to survive (sql/0019).
@Suite("backup and restore")
struct BackupRestoreTests {
    let huqi = ChildProcess.huqiExecutable
    static let batches = TestDatabase.repositoryRoot.appendingPathComponent("fixtures/batches")

    /// Runs a PostgreSQL client program found on PATH (`pg_dump`, `pg_restore`, `psql`).
    func client(_ arguments: [String]) async throws -> String {
        let result = try await ChildProcess.run(["/usr/bin/env"] + arguments, timeout: .seconds(120))
        guard result.status == 0 else { throw TestSetupError("\(arguments[0]) failed: \(result.stderr)") }
        return result.stdout
    }

    /// Runs huqi and expects exit code 0.
    func run(_ arguments: [String], _ environment: [String: String?]) async throws -> String {
        let result = try await ChildProcess.run([huqi] + arguments, environment: environment, timeout: .seconds(120))
        guard result.status == 0 else { throw TestSetupError("huqi \(arguments.joined(separator: " ")) exited \(result.status): \(result.stdout) \(result.stderr)") }
        return result.stdout
    }

    /// N from `huqi audit verify`'s "intact, N events"; throws on anything else.
    func events(verified output: String) throws -> Int {
        guard output.hasPrefix("intact, "), let count = Int(output.dropFirst(8).prefix { $0.isNumber }) else {
            throw TestSetupError("not an intact log: \(output)")
        }
        return count
    }

    /// The highest transaction number and event id the old database used.
    func oldNumbers(_ source: String) async throws -> (tx: Int, id: Int) {
        let text = try await client(["psql", source, "-qAtc", "SELECT max(tx_id) || ' ' || max(id) FROM audit_events"])
        let parts = text.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        guard parts.count == 2 else { throw TestSetupError("unexpected answer \(text)") }
        return (parts[0], parts[1])
    }

    @Test("a pg_dump restored into a new cluster verifies intact — events the old cluster had not sealed included — and new work verifies too")
    func restoreIntoANewCluster() async throws {
        try await dumpAndRestore(sourceMigrations: nil)
    }

    @Test("a dump made before sql/0019, restored into a new cluster and migrated there, verifies intact and numbers new work above the old")
    func restoreAnOlderDump() async throws {
        let older = FileManager.default.temporaryDirectory.appendingPathComponent("huqi-sql-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: older, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: older) }
        for file in try FileManager.default.contentsOfDirectory(atPath: TestDatabase.migrationsDirectory.path) where file < "0019" {
            try FileManager.default.copyItem(at: TestDatabase.migrationsDirectory.appendingPathComponent(file), to: older.appendingPathComponent(file))
        }
        try await dumpAndRestore(sourceMigrations: older.path)
    }

    /// The old machine's database (migrated with `sourceMigrations` when given, else current),
    /// dumped, restored into a new embedded cluster, migrated, verified, worked in, verified.
    func dumpAndRestore(sourceMigrations: String?) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("huqi-restore-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(at: folder) }

        // The old machine: a database with a batch, verified (so sealed), then one more event
        // that no sealing pass has covered yet (a dump taken while huqi serve is working).
        let source = try TestDatabase.connectionString(database: try await TestDatabase.create(migrated: sourceMigrations == nil))
        var old: [String: String?] = ["HUQI_DATABASE_URL": source]
        if let sourceMigrations {
            old["HUQI_SQL_DIR"] = sourceMigrations
            _ = try await run(["migrate"], old)
        }
        // The premise, made certain on a fresh test cluster too: the old cluster's ids are far
        // above those a new cluster hands out (its initdb and the restore use a few thousand).
        _ = try await client(["psql", source, "-qc", "DO $$ BEGIN WHILE txid_current() < 20000 LOOP COMMIT; END LOOP; END $$"])
        if sourceMigrations == nil {
            _ = try await run(["partner", "add", "LNFIC", "--name", "辽宁省工商业联合会"], old)
            _ = try await run(["import", Self.batches.appendingPathComponent("batch1-utf8-bom.csv").path, "--partner", "LNFIC", "--batch-no", "1"], old)
        } else {
            // This huqi's code needs this huqi's schema: the older database gets its partner and
            // its audit events (numbered by that schema's trigger, in several transactions) by SQL.
            _ = try await client(["psql", source, "-qc", "INSERT INTO partners (code, name) VALUES ('LNFIC', '辽宁省工商业联合会')",
                                  "-c", "INSERT INTO audit_events (actor, action, entity, entity_id) VALUES ('cli:ops', 'partner.create', 'partner', 'LNFIC')",
                                  "-c", "INSERT INTO audit_events (actor, action, entity, entity_id) SELECT 'cli:ops', 'ops.note', 'case', g::text FROM generate_series(1, 22) g",
                                  "-c", "INSERT INTO audit_events (actor, action, entity) VALUES ('cli:ops', 'ops.note', 'batch')"])
        }
        // Sealed and counted (this huqi's verify needs this schema; an older one is sealed by SQL).
        let before = sourceMigrations == nil ? try events(verified: try await run(["audit", "verify"], old))
            : try #require(Int(try await client(["psql", source, "-qAtc", "SELECT audit_seal_range(true); SELECT count(*) FROM audit_events"])
                .split(separator: "\n").last ?? ""))
        _ = try await client(["psql", source, "-qc", "INSERT INTO audit_events (actor, action, entity) VALUES ('cli:ops', 'ops.note', 'backup')"])
        let eras = sourceMigrations != nil ? 0
            : Int(try await client(["psql", source, "-qAtc", "SELECT count(*) FROM audit_tx_eras"]).trimmingCharacters(in: .whitespacesAndNewlines))!
        let dump = folder.appendingPathComponent("huqi.dump").path
        _ = try await client(["pg_dump", "-Fc", "-f", dump, source])
        let (oldTx, oldID) = try await oldNumbers(source)

        // The new machine: its own embedded cluster, the dump restored into its empty database.
        let new: [String: String?] = ["HUQI_DATA_DIR": folder.appendingPathComponent("data").path, "HUQI_DATABASE_URL": nil, "DATABASE_URL": nil]
        let started = try await run(["db", "start"], new)
        let target = try #require(started.split(separator: "：", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
        do {
            _ = try await client(["pg_restore", "--exit-on-error", "-d", target, dump])
            let newTx = try await client(["psql", target, "-qAtc", "SELECT txid_current()"])
            #expect(try #require(Int(newTx.trimmingCharacters(in: .whitespacesAndNewlines))) < oldTx,
                    "the point of the test: the new cluster's ids lie below the numbers already used")

            _ = try await run(["migrate"], new)
            #expect(try await run(["migrate", "--status"], new).contains("待执行 0 个"))
            #expect(try await run(["audit", "verify"], new) == "intact, \(before + 1) events\n")
            // New work in the new cluster: stored, audited, verified, numbered above everything before.
            let imported = try await run(["import", Self.batches.appendingPathComponent("batch2-gb18030.csv").path, "--partner", "LNFIC", "--batch-no", "2"], new)
            #expect(imported.contains("新增 25"), "\(imported)")
            let after = try await run(["audit", "verify"], new)
            #expect(try events(verified: after) > before + 1, "\(after)")
            let state = try await client(["psql", target, "-qAtc", """
                SELECT (SELECT count(*) FROM audit_tx_eras) || ' ' || (SELECT count(*) FROM cases) || ' ' ||
                       ((SELECT min(tx_id) FROM audit_events WHERE id > \(oldID)) > \(oldTx))
                """])
            #expect(state.trimmingCharacters(in: .whitespacesAndNewlines) == "\(eras + 1) \(sourceMigrations == nil ? 48 : 25) true",
                    "one more era than the source had; both batches' cases (the older database had none); the new cluster's numbers above the old ones")
        } catch {
            _ = try? await run(["db", "stop"], new)
            throw error
        }
        _ = try await run(["db", "stop"], new)
    }
}
