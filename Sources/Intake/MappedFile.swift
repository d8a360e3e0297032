import Domain
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Opens a file (`huqi import`) as `PayloadBytes`.
///
/// A regular file is mapped read-only, not read: the intake's passes over it (SHA-256, encoding
/// check, rows, the kept copy) each drop the pages they are done with, so the memory of an import
/// does not grow with the file (measured: 43 MB for a 45 MB file, 49 MB for a 230 MB one). The
/// file is kept open to notice a change during the import (`PayloadChanged`: the batch is rolled
/// back). A pipe (`/dev/stdin`) or a device is read into memory.
///
/// A file truncated by another program while it is mapped would end the import with SIGBUS on
/// the missing pages (the transaction is then rolled back, as after any crash).
public enum MappedFile {
    /// The file's bytes, or nil when it cannot be opened or read.
    public static func open(atPath path: String) -> PayloadBytes? {
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            close(descriptor)
            return nil
        }
        // A pipe or a device has no size to map; an empty file cannot be mapped.
        guard status.st_mode & S_IFMT == S_IFREG, status.st_size > 0 else {
            defer { close(descriptor) }
            return readToEnd(descriptor).map { PayloadBytes($0) }
        }
        let length = Int(status.st_size)
        guard let address = mmap(nil, length, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else {
            close(descriptor)
            return nil
        }
        _ = madvise(address, length, MADV_SEQUENTIAL)
        let opened = Stamp(status)
        return PayloadBytes(
            unsafeBytes: UnsafeRawBufferPointer(start: address, count: length),
            release: { base in
                munmap(UnsafeMutableRawPointer(mutating: base.baseAddress), base.count)
                close(descriptor)
            },
            discard: { base, range in
                // Whole pages: from the page holding range's start to the last page ending inside
                // it, or to the end of the mapping when the range reaches the end of the file.
                let page = Int(sysconf(Int32(_SC_PAGESIZE)))
                let start = range.lowerBound / page * page
                let end = range.upperBound == base.count ? (base.count + page - 1) / page * page : range.upperBound / page * page
                guard end > start, let address = base.baseAddress else { return }
                _ = madvise(UnsafeMutableRawPointer(mutating: address + start), end - start, MADV_DONTNEED)
            },
            checkUnchanged: {
                var now = stat()
                guard fstat(descriptor, &now) == 0, Stamp(now) == opened else { throw PayloadChanged() }
            })
    }

    /// Everything a pipe, a device or an empty-looking file gives until its end; nil when
    /// reading fails (a directory: EISDIR).
    static func readToEnd(_ descriptor: Int32) -> [UInt8]? {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let got = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if got < 0, errno == EINTR { continue }
            if got < 0 { return nil }
            if got == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<got])
        }
    }

    /// What changes when a file is written: its size and modification time.
    private struct Stamp: Equatable {
        let size: Int
        let seconds: Int
        let nanoseconds: Int

        init(_ status: stat) {
            size = Int(status.st_size)
            seconds = Int(status.st_mtim.tv_sec)
            nanoseconds = Int(status.st_mtim.tv_nsec)
        }
    }
}
