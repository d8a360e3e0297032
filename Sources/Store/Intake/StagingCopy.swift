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

/// A normalized row as the text fields of one COPY line into `staging`.
enum StagingRow {
    static func fields(of row: NormalizedRow) -> [String?] {
        let extra = JSONText.object(row.raw.extra)
        let raw = "{\"cells\":" + JSONText.object(row.raw.cells) + ",\"extra\":" + extra + "}"
        let issues = JSONText.issues(row.issues)
        guard let record = row.record else {
            return [String(row.raw.number), "f", row.raw.cells["external_ref"]] + Array(repeating: nil, count: 22) + [raw, issues]
        }
        return [
            String(row.raw.number), "t", record.externalRef,
            record.seq.map(String.init), record.enterpriseName, record.creditCode, record.regionCode,
            record.enterpriseKind?.rawValue, record.reporterName, record.reporterIDNumber, record.phone, record.respondent,
            record.matterType?.rawValue, record.claim, record.petitionedBefore.map { $0 ? "t" : "f" },
            record.firstPetitionDate?.description, record.petitionCount.map(String.init), record.amountWan.map { "\($0)" },
            record.litigationStage?.rawValue, record.handedOverOn.description, record.remarks, extra,
            row.triage.map { $0.petitionRelated ? "t" : "f" }, row.triage.flatMap { $0.reasons.postgresText },
            row.triage.map { String($0.ruleSetVersion) },
            raw, issues,
        ]
    }
}
