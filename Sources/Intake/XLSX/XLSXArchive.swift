import Foundation
import ZIPFoundation

/// The ZIP container of an `.xlsx` file, opened with the protections an upload needs: at most
/// `maximumEntries` entries, no entry name that climbs out of the archive, and no more than
/// `maximumUncompressed` bytes or `maximumRatio` times its compressed size extracted from any
/// entry — counted while extracting, because a ZIP bomb can lie in its headers.
struct XLSXArchive {
    static let maximumEntries = 2_000
    static let maximumUncompressed = 256 * 1_048_576
    static let maximumRatio = 200

    private let archive: Archive
    private var budget = XLSXArchive.maximumUncompressed

    init(_ bytes: [UInt8]) throws {
        guard let archive = try Self.open(bytes) else {
            throw BatchReadError("xlsx.not_a_zip", "文件以 XLSX 的标记开头，但不是完整的 XLSX 文件，可能已损坏。请在 Excel 中重新保存后上传。")
        }
        var count = 0
        for entry in archive {
            count += 1
            guard count <= Self.maximumEntries else {
                throw BatchReadError("xlsx.too_many_entries", "XLSX 文件包含的部件过多（超过 \(Self.maximumEntries) 个），已拒收。")
            }
            let path = entry.path
            guard !path.hasPrefix("/"), !path.contains("\\"), !path.split(separator: "/").contains("..") else {
                throw BatchReadError("xlsx.unsafe_path", "XLSX 文件中有指向文件夹之外的部件名（\(path)），已拒收。")
            }
        }
        self.archive = archive
    }

    /// The bytes of one part, or nil when the archive has no such part.
    mutating func part(_ path: String) throws -> Data? {
        guard let entry = archive[path] else { return nil }
        let byRatio = entry.compressedSize > UInt64(Int.max / (2 * Self.maximumRatio)) ? Int.max
            : Int(entry.compressedSize) * Self.maximumRatio + 65_536
        let limit = min(budget, byRatio)
        var data = Data()
        do {
            _ = try archive.extract(entry, skipCRC32: false) { chunk in
                data.append(chunk)
                if data.count > limit { throw Bomb() }
            }
        } catch is Bomb {
            throw BatchReadError("xlsx.too_large", "XLSX 文件解压后过大（疑似压缩炸弹），已拒收。请确认文件内容后重新导出。")
        } catch {
            throw BatchReadError("xlsx.corrupt", "XLSX 文件中的部件 \(path) 无法解压，文件可能已损坏。请在 Excel 中重新保存后上传。")
        }
        budget -= data.count
        return data
    }

    private struct Bomb: Error {}

    /// Opens the bytes as a file-backed archive. ZIPFoundation's in-memory mode lets a damaged
    /// archive seek past the end of its buffer and then traps reading there (found by
    /// `ops/fuzz xlsx`; `fixtures/fuzz/xlsx/crash-zip-offset-past-end.bin`) — a crash of the
    /// whole server on one upload. A real file simply reads short. The file is unlinked as soon
    /// as the archive holds it open, so nothing is left behind whatever happens next.
    private static func open(_ bytes: [UInt8]) throws -> Archive? {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("huqi-xlsx-\(UUID().uuidString).zip")
        do {
            try Data(bytes).write(to: url, options: [.withoutOverwriting])
        } catch {
            throw BatchReadError("xlsx.temporary_file", "无法为读取 XLSX 文件创建临时文件（\(url.deletingLastPathComponent().path)），请联系管理员。")
        }
        defer { try? FileManager.default.removeItem(at: url) }
        return try? Archive(url: url, accessMode: .read, pathEncoding: nil)
    }
}
