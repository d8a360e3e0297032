/// Buffers COPY data and hands it to the connection in large chunks.
///
/// Used only inside the `copyFrom` closure, from the caller's task.
public final class PostgresCopyWriter {
    private let connection: PostgresConnection
    private var buffer: [UInt8] = []
    private let chunkSize = 256 * 1024

    init(connection: PostgresConnection) {
        self.connection = connection
        buffer.reserveCapacity(chunkSize + 4096)
    }

    /// Appends raw COPY bytes (already in the COPY format of the statement, e.g. rows encoded
    /// elsewhere with `PostgresCopyText`).
    public func write(_ bytes: some Sequence<UInt8>) async throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= chunkSize { try await flush() }
    }

    /// Appends one row in COPY text format (see `PostgresCopyText.appendRow`).
    public func writeRow(_ fields: [String?]) async throws {
        PostgresCopyText.appendRow(fields, to: &buffer)
        if buffer.count >= chunkSize { try await flush() }
    }

    /// Sends what is buffered.
    public func flush() async throws {
        guard !buffer.isEmpty else { return }
        let chunk = buffer
        buffer.removeAll(keepingCapacity: true)
        try await connection.putCopyData(chunk)
    }
}

/// The text format of `COPY … FROM STDIN`, encoded without a connection: rows can be encoded
/// on several tasks at once and written in order afterwards.
public enum PostgresCopyText {
    /// Appends one row: fields tab-separated, `\N` for NULL, and backslash, tab, newline and
    /// carriage return escaped; a newline at the end.
    public static func appendRow(_ fields: [String?], to buffer: inout [UInt8]) {
        for (index, field) in fields.enumerated() {
            if index > 0 { buffer.append(9) }
            guard let field else {
                buffer.append(contentsOf: [92, 78])  // \N
                continue
            }
            // Most fields need no escape: append their bytes in one go.
            let appendedWhole = field.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
                guard !bytes.contains(where: { $0 == 92 || $0 == 9 || $0 == 10 || $0 == 13 }) else { return false }
                buffer.append(contentsOf: bytes)
                return true
            }
            if appendedWhole == true { continue }
            for byte in field.utf8 {
                switch byte {
                case 92: buffer.append(contentsOf: [92, 92])
                case 9: buffer.append(contentsOf: [92, 116])
                case 10: buffer.append(contentsOf: [92, 110])
                case 13: buffer.append(contentsOf: [92, 114])
                default: buffer.append(byte)
                }
            }
        }
        buffer.append(10)
    }
}
