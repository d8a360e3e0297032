import EmbeddedPostgres
import Foundation
import Testing
import TestSupport

/// Which PostgreSQL programs the embedded cluster runs with when several major versions are
/// installed (a Debian upgrade leaves the old one beside the new): the version that made the
/// cluster, else the first found for a new cluster; none of that version is a coded error.
@Suite("PostgreSQL programs")
struct PostgresToolsTests {
    /// A library root like /usr/lib/postgresql with the real programs as "15" and a fake
    /// newer "17" whose pg_ctl only tells its version.
    func withLibrary(_ body: (_ root: String, _ real: String) async throws -> Void) async throws {
        let real = try await PostgresTools.locate().binDirectory
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("huqi-pglib-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: "\(root)/17/bin", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: "\(root)/15", withDestinationPath: URL(fileURLWithPath: real).deletingLastPathComponent().path)
        // Written by a child shell, not by this process: a script this (multi-threaded) process
        // writes itself can still be open for writing in a child another test forks at that
        // moment, and running it then fails with ETXTBSY ("text file busy") — which read as
        // version "?" in one full run.
        for (tool, text) in [("initdb", "exit 1"), ("pg_ctl", "echo 'pg_ctl (PostgreSQL) 17.2 (fake)'")] {
            let writer = Process()
            writer.executableURL = URL(fileURLWithPath: "/bin/sh")
            writer.arguments = ["-c", #"printf '#!/bin/sh\n%s\n' "$2" > "$1" && chmod 755 "$1""#, "sh", "\(root)/17/bin/\(tool)", text]
            try writer.run()
            writer.waitUntilExit()
            #expect(writer.terminationStatus == 0)
        }
        try await body(root, real)
    }

    func dataDirectory(version: String?) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("huqi-pgdata-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        if let version { try "\(version)\n".write(toFile: "\(path)/PG_VERSION", atomically: true, encoding: .utf8) }
        return path
    }

    @Test("a cluster gets the programs of the version that made it, not the newest; a new one gets the first found")
    func matchingVersion() async throws {
        try await withLibrary { root, real in
            let environment: [String: String] = [:]
            let made17 = try dataDirectory(version: "17"), fresh = try dataDirectory(version: nil)
            defer { for path in [made17, fresh] { try? FileManager.default.removeItem(atPath: path) } }
            #expect(try await PostgresTools.locate(environment: environment, dataDirectory: made17, libraryRoot: root).binDirectory == "\(root)/17/bin")
            let first = try await PostgresTools.locate(environment: environment, dataDirectory: fresh, libraryRoot: root).binDirectory
            #expect(first == real, "pg_config's folder comes first")
            // HUQI_PG_BINDIR is the only candidate when set: the cluster's version must match it.
            let forced = ["HUQI_PG_BINDIR": "\(root)/17/bin"]
            #expect(try await PostgresTools.locate(environment: forced, dataDirectory: made17, libraryRoot: root).binDirectory == "\(root)/17/bin")
        }
    }

    @Test("a cluster of a version not installed is cluster.version_mismatch, naming what was found")
    func versionNotInstalled() async throws {
        try await withLibrary { root, real in
            let made14 = try dataDirectory(version: "14")
            defer { try? FileManager.default.removeItem(atPath: made14) }
            let error = try await #require(throws: EmbeddedClusterError.self) {
                try await PostgresTools.locate(environment: [:], dataDirectory: made14, libraryRoot: root)
            }
            #expect(error.code == "cluster.version_mismatch")
            #expect(error.message.contains("由 PostgreSQL 14 创建") && error.message.contains("PostgreSQL 17（\(root)/17/bin）"), "\(error.message)")
            #expect(error.message.contains("PostgreSQL 15（\(real)）") && error.message.contains("postgresql-14"), "\(error.message)")
        }
    }
}
