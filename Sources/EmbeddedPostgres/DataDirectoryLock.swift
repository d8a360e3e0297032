import Foundation

/// An exclusive lock on a data directory, held by the `huqi serve` that uses its cluster, so
/// a second server on the same directory stops with a clear message instead of sharing it.
///
/// The lock is an `flock` on `serve.lock`; the kernel releases it when the process dies, so a
/// crashed server never leaves a stale lock behind.
public final class DataDirectoryLock: Sendable {
    private let descriptor: Int32

    /// Takes the lock or throws `cluster.in_use` naming the holder's process id.
    public init(directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = "\(directory)/serve.lock"
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw EmbeddedClusterError("cluster.lock_failed", "无法创建锁文件 \(path)：\(String(cString: strerror(errno)))。")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = read(descriptor, &buffer, buffer.count)
            close(descriptor)
            let pid = count > 0 ? Int32(String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) : nil
            throw EmbeddedClusterError.inUse(path: directory, pid: pid)
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pwrite(descriptor, pid, pid.count, 0)
        self.descriptor = descriptor
    }

    deinit {
        _ = flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
