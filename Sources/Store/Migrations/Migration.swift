import Crypto
import Foundation

/// One schema change: a file `sql/NNNN_name.sql`, applied once, in version order.
public struct Migration: Sendable, Hashable {
    /// The number before the underscore, e.g. 1 for `0001_foundation.sql`.
    public let version: Int
    /// The file name without extension, e.g. `0001_foundation`.
    public let name: String
    /// The SQL text (may hold several statements).
    public let sql: String
    /// SHA-256 of the file's bytes, hex; an applied migration whose file changes is an error.
    public let checksum: String

    /// Creates a migration from its file name and contents.
    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
        checksum = SHA256.hash(data: Data(sql.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Reads every `NNNN_name.sql` in `directory`, sorted by version.
    /// Throws `migration.bad_name` for a `.sql` file of another shape and
    /// `migration.duplicate_version` when two files share a number.
    public static func load(from directory: URL) throws -> [Migration] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw MigrationError.directoryMissing(directory.path)
        }
        var migrations: [Migration] = []
        for file in names.sorted() where file.hasSuffix(".sql") {
            let stem = String(file.dropLast(4))
            guard let version = versionNumber(of: stem) else { throw MigrationError.badName(file) }
            let sql = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            if migrations.contains(where: { $0.version == version }) { throw MigrationError.duplicateVersion(version) }
            migrations.append(Migration(version: version, name: stem, sql: sql))
        }
        return migrations.sorted { $0.version < $1.version }
    }

    /// `0012_add_cases` → 12; nil unless four digits, an underscore and `[a-z0-9_]+`.
    static func versionNumber(of stem: String) -> Int? {
        let parts = stem.split(separator: "_", maxSplits: 1)
        guard parts.count == 2, parts[0].count == 4, let version = Int(parts[0]), version > 0,
              parts[1].allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") })
        else { return nil }
        return version
    }
}

/// Where the `sql/` folder is at run time.
public enum MigrationDirectory {
    /// `HUQI_SQL_DIR`, else `./sql`, else a `sql/` folder beside an ancestor of the executable
    /// (so `.build/debug/huqi` finds the repository's folder).
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> URL {
        if let configured = environment["HUQI_SQL_DIR"], !configured.isEmpty {
            return URL(fileURLWithPath: configured)
        }
        var candidates = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("sql")]
        var folder = URL(fileURLWithPath: CommandLine.arguments.first ?? "").standardizedFileURL.deletingLastPathComponent()
        while folder.path != "/" && !folder.path.isEmpty {
            candidates.append(folder.appendingPathComponent("sql"))
            folder.deleteLastPathComponent()
        }
        for candidate in candidates where FileManager.default.fileExists(atPath: candidate.appendingPathComponent("0001_foundation.sql").path) {
            return candidate
        }
        throw MigrationError.directoryMissing(candidates.first!.path)
    }
}
