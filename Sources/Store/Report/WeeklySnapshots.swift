import Crypto
import Domain
import Foundation
import Postgres

/// Issued weekly summaries (`weekly_reports`): immutable; a re-issue adds a version.
public enum WeeklySnapshots {
    /// One issued snapshot (without its files).
    public struct Snapshot: Sendable, Codable, Equatable {
        public var week: String
        public var version: Int
        public var sha256: String
        public var issuedBy: String
        public var issuedAt: Date
        /// Who issued it, as pages name them (系统, 命令行（root）, a person's name); not in the API.
        public var issuedByName: String? = nil

        enum CodingKeys: String, CodingKey { case week, version, sha256, issuedBy = "issued_by", issuedAt = "issued_at" }
    }

    /// The rendered files stored with a snapshot.
    public struct Files: Sendable {
        public var numbersJSON: Data
        public var html: String
        public var csv: [UInt8]
        public var markdown: String

        public init(numbersJSON: Data, html: String, csv: [UInt8], markdown: String) {
            self.numbersJSON = numbersJSON
            self.html = html
            self.csv = csv
            self.markdown = markdown
        }
    }

    /// Stores a new version of `week`. With `onlyIfNone`, does nothing (returns nil) when the
    /// week was issued already: the scheduler's way of issuing once across instances.
    public static func issue(week: ISOWeek, files: Files, by actor: AuditEvent, onlyIfNone: Bool = false,
                             using client: PostgresClient) async throws -> Snapshot? {
        try await client.withTransaction { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\("weekly:\(week)"), 11))")
            let version = try await connection.query("""
                SELECT coalesce(max(version), 0) + 1 FROM weekly_reports WHERE week = \(week.description)
                """)[0].decode(Int.self, at: 0)
            if onlyIfNone, version > 1 { return nil }
            let digest = Data(SHA256.hash(data: files.numbersJSON))
            let row = try await connection.query("""
                INSERT INTO weekly_reports (week, version, numbers, html, csv, markdown, sha256, issued_by)
                VALUES (\(week.description), \(version), \(String(decoding: files.numbersJSON, as: UTF8.self)), \(files.html),
                        \(Data(files.csv)), \(files.markdown), \(digest), \(actor.actor))
                RETURNING issued_at
                """)[0]
            var event = actor
            (event.action, event.entity, event.entityID, event.summary) = ("report.issue", "weekly_report", week.description,
                                                                           ["version": String(version)])
            try await AuditLog.append(event, on: connection)
            return Snapshot(week: week.description, version: version, sha256: digest.map { String(format: "%02x", $0) }.joined(),
                            issuedBy: actor.actor, issuedAt: try row.decode(Date.self, at: 0))
        }
    }

    /// Every issued snapshot, newest week first.
    public static func list(using client: PostgresClient) async throws -> [Snapshot] {
        try await client.query("""
            SELECT week, version, encode(sha256, 'hex'), issued_by, issued_at, actor_name(issued_by)
            FROM weekly_reports ORDER BY week DESC, version DESC
            """).map { row in
            let (week, version, digest, by, at, name) = try row.decode((String, Int, String, String, Date, String?).self)
            return Snapshot(week: week, version: version, sha256: digest, issuedBy: by, issuedAt: at, issuedByName: name)
        }
    }

    /// The newest version of a week, with the stored file for `format` (`json`, `html`, `csv`, `md`).
    public static func latest(week: ISOWeek, format: String, using client: PostgresClient) async throws -> (Snapshot, [UInt8])? {
        let column = switch format {
        case "html": "convert_to(html, 'UTF8')"
        case "csv": "csv"
        case "md": "convert_to(markdown, 'UTF8')"
        default: "convert_to(numbers, 'UTF8')"
        }
        guard let row = try await client.query("""
            SELECT week, version, encode(sha256, 'hex'), issued_by, issued_at, \(unescaped: column)
            FROM weekly_reports WHERE week = \(week.description) ORDER BY version DESC LIMIT 1
            """).first else { return nil }
        let (name, version, digest, by, at, bytes) = try row.decode((String, Int, String, String, Date, Data).self)
        return (Snapshot(week: name, version: version, sha256: digest, issuedBy: by, issuedAt: at), Array(bytes))
    }
}
