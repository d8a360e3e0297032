import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads a file for `huqi import` straight into the byte array the intake keeps.
///
/// `FileManager.contents(atPath:)` gives a `Data`, and the intake takes `[UInt8]`: converting
/// held the file twice for the whole import (a 70 MB file: 140 MB of the peak memory).
enum FileBytes {
    /// The file's bytes, or nil when it cannot be opened or read.
    static func read(atPath path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return nil }
        // A pipe or a device has no size to read up to.
        guard status.st_mode & S_IFMT == S_IFREG else { return FileManager.default.contents(atPath: path).map { Array($0) } }
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: Int(status.st_size)) { buffer, count in
            count = 0
            while count < buffer.count {
                let got = Glibc.read(descriptor, buffer.baseAddress! + count, buffer.count - count)
                if got < 0, errno == EINTR { continue }
                if got <= 0 {
                    failed = got < 0
                    break
                }
                count += got
            }
        }
        return failed ? nil : bytes
    }
}
