import Domain
import Foundation
import Intake
import Testing

/// `huqi import` maps its file (`MappedFile`) and every pass drops the pages it has read: the
/// memory of an import must not grow with the file.
@Suite("mapped upload files")
struct MappedFileTests {
    /// A CSV batch of `rows` rows (about 190 bytes each), with a BOM, in a temporary file.
    static func csvFile(rows: Int, gb18030: Bool = false) throws -> (url: URL, bytes: [UInt8]) {
        var text = ReaderTests.header + "\r\n"
        for index in 1...rows {
            text += "\(index),LN-MAP-\(index),锦州宏达机械有限公司,91210700MADR9L8F50,凌海市,民营,王某,13804165678,某区市场监管局,申诉,"
                + #""要求退还保证金\#(index)万元，""已多次反映""，未果",是"# + "\r\n"
        }
        let bytes = gb18030 ? try #require(TextDecoding.encodeGB18030(text)) : [0xEF, 0xBB, 0xBF] + Array(text.utf8)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("huqi-mapped-\(UUID().uuidString).csv")
        try Data(bytes).write(to: url)
        return (url, bytes)
    }

    /// Resident kilobytes of the mapping that starts at `bytes`' first byte (from /proc/self/smaps).
    static func residentKilobytes(of bytes: PayloadBytes) throws -> Int {
        let start = String(UInt(bitPattern: bytes.unsafeBuffer.baseAddress), radix: 16)
        // /proc files report size 0: read to the end, not up to the size.
        let handle = try #require(FileHandle(forReadingAtPath: "/proc/self/smaps"))
        defer { try? handle.close() }
        let lines = String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self).split(separator: "\n")
        let header = try #require(lines.firstIndex { $0.hasPrefix(start + "-") }, "the mapping is listed")
        let rss = try #require(lines[(header + 1)...].first { $0.hasPrefix("Rss:") })
        return try #require(Int(rss.split(separator: " ")[1]))
    }

    @Test("a mapped file gives the same batch as its bytes in memory, UTF-8 and GB18030")
    func sameAsInMemory() throws {
        for gb18030 in [false, true] {
            let (url, bytes) = try Self.csvFile(rows: 500, gb18030: gb18030)
            defer { try? FileManager.default.removeItem(at: url) }
            let mapped = try #require(MappedFile.open(atPath: url.path))
            #expect(mapped.count == bytes.count)
            let fromMap = try BatchReader.read(mapped)
            let fromArray = try BatchReader.read(bytes)
            #expect(fromMap.encoding == (gb18030 ? .gb18030 : .utf8BOM))
            #expect(fromMap.encoding == fromArray.encoding)
            let rows = try fromMap.rows.all()
            #expect(rows.count == 500)
            #expect(rows == (try fromArray.rows.all()))
            #expect(rows[499].cells["claim"] == #"要求退还保证金500万元，"已多次反映"，未果"#)
        }
    }

    @Test("the JSON and XLSX fixtures read the same mapped as in memory, and leave nothing of the file resident")
    func jsonAndXLSX() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for name in ["batch3.json", "batch4.xlsx"] {
            let path = root.appendingPathComponent("fixtures/batches/\(name)").path
            let mapped = try #require(MappedFile.open(atPath: path))
            let fromMap = try BatchReader.read(mapped)
            let fromArray = try BatchReader.read(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
            #expect(fromMap.format == fromArray.format)
            let rows = try fromMap.rows.all()
            #expect(!rows.isEmpty)
            #expect(rows == (try fromArray.rows.all()), "\(name)")
            #expect(try Self.residentKilobytes(of: mapped) == 0, "\(name): read whole once, then dropped")
        }
    }

    /// Resident sizes (kB) of a mapped 24 MB file at each step of the intake's passes.
    struct PassMeasures: Sendable {
        var size = 0, touched = 0, dropped = 0, afterCheck = 0, whileReading = 0, rows = 0, whileHashing = 0, chunks = 0
    }

    /// Maps a 24 MB CSV file and runs the intake's passes over it, measuring as they go. Runs on a
    /// thread of its own: ten seconds of parsing (debug build) on the cooperative pool would starve
    /// other suites' tasks (ConcurrencyTests' ticker).
    static func measurePasses() throws -> PassMeasures {
        let (url, bytes) = try csvFile(rows: 130_000)
        defer { try? FileManager.default.removeItem(at: url) }
        guard let mapped = MappedFile.open(atPath: url.path) else { throw CocoaError(.fileReadUnknown) }
        var measures = PassMeasures(size: bytes.count)
        // Control: touching every page without discarding makes the whole file resident.
        var sum = 0
        for index in stride(from: 0, to: mapped.count, by: 4096) { sum &+= Int(mapped.unsafeBuffer[index]) }
        measures.touched = sum > 0 ? try residentKilobytes(of: mapped) : 0
        mapped.discard(before: mapped.count)
        measures.dropped = try residentKilobytes(of: mapped)
        // The encoding check and the CSV reader, then the chunked pass of the digest and the COPY.
        let batch = try BatchReader.read(mapped)
        measures.afterCheck = try residentKilobytes(of: mapped)
        while try batch.rows.next() != nil {
            measures.rows += 1
            if measures.rows % 10_000 == 0 { measures.whileReading = max(measures.whileReading, try residentKilobytes(of: mapped)) }
        }
        try mapped.forEachChunk { _ in
            measures.chunks += 1
            measures.whileHashing = max(measures.whileHashing, try residentKilobytes(of: mapped))
        }
        return measures
    }

    @Test("each pass over a 24 MB file drops what it has read: a few MB resident, not the file")
    func passesDropPages() async throws {
        let measures = try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try Self.measurePasses() }) }.start()
        }
        #expect(measures.size > 24_000_000)
        #expect(measures.touched > 20_000, "the measure sees a touched file")
        #expect(measures.dropped < 100)
        #expect(measures.afterCheck < 8_192)
        #expect(measures.rows == 130_000)
        #expect(measures.whileReading < 8_192, "resident while reading rows: \(measures.whileReading) kB")
        #expect(measures.chunks == (measures.size + (4 << 20) - 1) / (4 << 20))
        #expect(measures.whileHashing < 8_192, "resident while hashing: \(measures.whileHashing) kB")
    }

    @Test("a file written to after it was opened is noticed (file.changed); an untouched one is not")
    func changeNoticed() throws {
        let (url, _) = try Self.csvFile(rows: 10)
        defer { try? FileManager.default.removeItem(at: url) }
        let mapped = try #require(MappedFile.open(atPath: url.path))
        try mapped.checkUnchanged()
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("11,LN-MAP-11,后来写入\r\n".utf8))
        try handle.close()
        let error = #expect(throws: PayloadChanged.self) { try mapped.checkUnchanged() }
        #expect(error?.code == "file.changed")
        try PayloadBytes([1, 2, 3]).checkUnchanged()  // bytes in memory never change
    }

    @Test("a pipe is read to its end (huqi import /dev/stdin); /dev/null is an empty file; a directory is unreadable")
    func pipesAndDevices() throws {
        let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("huqi-fifo-\(UUID().uuidString)").path
        #expect(mkfifo(fifo, 0o600) == 0)
        defer { unlink(fifo) }
        // 200 KB: more than a pipe holds at once, so the reader must loop until the writer closes.
        let text = ReaderTests.header + "\n" + Array(repeating: ReaderTests.row, count: 1_000).joined(separator: "\n") + "\n"
        let writer = Thread {
            guard let handle = FileHandle(forWritingAtPath: fifo) else { return }
            handle.write(Data(text.utf8))
            try? handle.close()
        }
        writer.start()
        let piped = try #require(MappedFile.open(atPath: fifo))
        #expect(piped.array == Array(text.utf8))
        #expect(try BatchReader.read(piped).rows.all().count == 1_000)
        let null = try #require(MappedFile.open(atPath: "/dev/null"))
        #expect(null.isEmpty)
        #expect(MappedFile.open(atPath: FileManager.default.temporaryDirectory.path) == nil)
    }

    @Test("an empty file reads as empty (batch.empty), a missing one as nil")
    func emptyAndMissing() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("huqi-empty-\(UUID().uuidString).csv")
        try Data().write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let empty = try #require(MappedFile.open(atPath: url.path))
        #expect(empty.isEmpty)
        #expect((#expect(throws: BatchReadError.self) { try BatchReader.read(empty) })?.code == "file.empty")
        #expect(MappedFile.open(atPath: url.path + ".missing") == nil)
    }

    @Test("views share their storage: dropFirst, starts(with:), chunks of a slice")
    func views() {
        let bytes = PayloadBytes(Array(0..<100).map(UInt8.init))
        let tail = bytes.dropFirst(90)
        #expect(tail.array == Array(90..<100).map(UInt8.init))
        #expect(tail.starts(with: [90, 91]))
        #expect(bytes.dropFirst(200).isEmpty)
        var seen: [[UInt8]] = []
        tail.forEachChunk(size: 4) { seen.append(Array($0)) }
        #expect(seen == [[90, 91, 92, 93], [94, 95, 96, 97], [98, 99]])
    }
}
