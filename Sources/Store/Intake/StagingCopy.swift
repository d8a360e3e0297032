import Domain
import Postgres

/// Feeds a batch's rows into the `staging` table through one COPY, normalizing them on
/// several tasks while the file is read and earlier rows are sent.
///
/// Reading the file is sequential (a quoted field may span lines), and so are the COPY's
/// bytes; normalizing, triaging and encoding a row is neither, and is most of the client's
/// work (about 110 of 130 µs a row). So the rows are read in blocks of `blockRows`; each
/// block is normalized and encoded into COPY text by its own task; up to `depth` blocks are
/// in flight while the next is read; encoded blocks are written in file order.
///
/// A block is a few dozen milliseconds of work: in `huqi serve` other requests wait at most
/// that long for a thread of the cooperative pool.
enum StagingCopy {
    static let blockRows = 512
    static let depth = 2

    /// Copies every row of `rows` through `writer`; rethrows a file-level error found while reading.
    static func run(_ rows: any NormalizedRowSource, into writer: PostgresCopyWriter) async throws {
        let normalize = rows.normalize
        var inFlight: [Task<[UInt8], Never>] = []
        defer { for task in inFlight { task.cancel() } }
        while true {
            let block = try rows.nextRaw(limit: blockRows)
            if block.isEmpty { break }
            inFlight.append(Task { encode(block, normalize) })
            if inFlight.count > depth { try await writer.write(await inFlight.removeFirst().value) }
        }
        while !inFlight.isEmpty { try await writer.write(await inFlight.removeFirst().value) }
    }

    /// One block as COPY text lines into `staging`.
    static func encode(_ block: [RawRow], _ normalize: @Sendable (RawRow) -> NormalizedRow) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(block.count * 512)
        for raw in block { PostgresCopyText.appendRow(StagingRow.fields(of: normalize(raw)), to: &bytes) }
        return bytes
    }
}
