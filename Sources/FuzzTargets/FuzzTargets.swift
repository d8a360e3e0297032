import Domain
import Foundation
import Intake

/// The entry points that `ops/fuzz` hands to libFuzzer, and that the corpus replay test runs over
/// `fixtures/fuzz/<target>/` on every `ops/test`. Each takes arbitrary bytes and must return —
/// a crash, a trap or a hang in one of them is a bug in the reader it drives. Errors thrown by
/// the readers are the expected answer to bad input and are swallowed here.
public enum FuzzTargets {
    /// The targets by name: `csv`, `json`, `xlsx`, `values`.
    public static let all: [String: @Sendable ([UInt8]) -> Void] = [
        "csv": csv, "json": json, "xlsx": xlsx, "values": values,
    ]

    /// A CSV upload: encoding detection (BOM, strict UTF-8, GB18030 via iconv), the record
    /// parser, header mapping, then every row through the row normalizer.
    public static func csv(_ bytes: [UInt8]) {
        // Inputs that the format sniffing would send to another reader belong to other targets.
        guard let first = bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }), first != UInt8(ascii: "{") else { return }
        guard !bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) else { return }
        readAll(bytes)
    }

    /// A JSON upload `{ "batch_no": N, "cases": [...] }`, rows normalized.
    public static func json(_ bytes: [UInt8]) {
        guard let first = bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }), first == UInt8(ascii: "{") else { return }
        readAll(bytes)
    }

    /// An XLSX upload: the ZIP container with its limits, the XML parts, the sheet's cells.
    /// Inputs that are not a ZIP get the local-file signature in front so the fuzzer starts inside it.
    public static func xlsx(_ bytes: [UInt8]) {
        let zip: [UInt8] = [0x50, 0x4B, 0x03, 0x04]
        readAll(bytes.starts(with: zip) ? bytes : zip + bytes)
    }

    /// The value parsers on one cell's text: text normalization, dates, regions, credit codes,
    /// ID numbers, phones, amounts, yes/no — the bytes decoded as UTF-8 with replacements.
    public static func values(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        _ = TextNormalizer.normalize(text)
        _ = TextNormalizer.compact(text)
        _ = try? DateParser.parse(text, field: "acceptance_date")
        _ = try? regions.resolve(text)
        _ = try? CreditCode(parsing: text).organisationCodeIssue
        _ = try? IDNumber(parsing: text).masked
        _ = try? Phone(parsing: text).masked
        _ = try? Amount.parse(text)
        _ = try? YesNo.parse(text, field: "petitioned_before")
        if let serial = Double(text) { _ = try? DateParser.fromExcelSerial(serial, field: "acceptance_date") }
    }

    /// Reads the whole payload the way intake does and normalizes every row.
    static func readAll(_ bytes: [UInt8]) {
        guard let batch = try? BatchReader.read(bytes, limits: .init(maximumRows: 10_000)) else { return }
        while let row = try? batch.rows.next() {
            _ = normalizer.normalize(row)
        }
    }

    /// Liaoning's divisions from `fixtures/reference/`, so region lookups run on real names.
    static let regions: RegionResolver = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("fixtures/reference/liaoning-divisions.csv")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return RegionResolver(divisions: []) }
        let divisions = text.split(whereSeparator: \.isNewline).dropFirst().compactMap { line -> Division? in
            let c = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard c.count >= 4, let level = Division.Level(rawValue: c[2]) else { return nil }
            return Division(code: c[0], name: c[1], level: level, parentCode: c[3].isEmpty ? nil : c[3])
        }
        return RegionResolver(divisions: divisions)
    }()

    static let normalizer = RowNormalizer(regions: regions, uploadDate: CalendarDate(year: 2026, month: 11, day: 26)!)
}
