import Domain
import Foundation
import Postgres

/// Keeps an upload's bytes as they came (`payloads`, content-addressed by SHA-256).
///
/// The bytes go to the server through a binary `COPY` in 256 KiB chunks. A bound `bytea`
/// parameter would be sent as hex text: for a 64 MiB upload that was a 64 MiB `Data` copy, a
/// 128 MiB hex string and a 128 MiB C string at once — most of the intake's peak memory.
enum PayloadStore {
    /// Stores `payload` under `digest` unless a payload with that digest is already stored.
    /// Runs inside the caller's (intake) transaction.
    static func keep(_ payload: PayloadBytes, digest: Data, on connection: PostgresConnection) async throws {
        let stored = try await connection.query("SELECT EXISTS (SELECT 1 FROM payloads WHERE sha256 = \(digest))")[0]
            .decode(Bool.self, at: 0)
        if stored { return }
        // COPY cannot skip a conflicting row: copy into a scratch table, then insert from it (two
        // uploads of the same bytes by two partners may race; the loser's insert does nothing).
        // EXTERNAL storage: the scratch copy is not compressed, only the kept one.
        try await connection.query("CREATE TEMP TABLE payload_upload (bytes bytea NOT NULL) ON COMMIT DROP")
        try await connection.query("ALTER TABLE payload_upload ALTER COLUMN bytes SET STORAGE EXTERNAL")
        _ = try await connection.copyFrom("COPY payload_upload (bytes) FROM STDIN (FORMAT binary)") { writer in
            try await writer.write(binaryCopyHeader(fieldLength: payload.count))
            // Chunk by chunk, each dropped from memory once sent (a mapped file stays unread).
            let chunk = 256 * 1024
            let buffer = payload.unsafeBuffer
            var start = 0
            while start < buffer.count {
                let end = min(start + chunk, buffer.count)
                try await writer.write(UnsafeBufferPointer(rebasing: buffer[start..<end]))
                payload.discard(before: end)
                start = end
            }
            try await writer.write([0xFF, 0xFF])  // end of data: field count -1
        }
        try await connection.query("""
            INSERT INTO payloads (sha256, bytes) SELECT \(digest), bytes FROM payload_upload ON CONFLICT (sha256) DO NOTHING
            """)
        try await connection.query("DROP TABLE payload_upload")
    }

    /// The binary COPY signature and header, then the start of one row of one field of
    /// `fieldLength` bytes (PostgreSQL manual, COPY, "Binary Format"; integers in network order).
    static func binaryCopyHeader(fieldLength: Int) -> [UInt8] {
        var bytes: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00]
        bytes += bigEndian(UInt32(0))  // flags
        bytes += bigEndian(UInt32(0))  // header extension length
        bytes += bigEndian(UInt16(1))  // fields in this row
        bytes += bigEndian(UInt32(fieldLength))
        return bytes
    }

    private static func bigEndian<Integer: FixedWidthInteger>(_ value: Integer) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }
}
