import Foundation

/// Runs a program to completion without blocking a thread of the cooperative pool.
///
/// Not Foundation's `Process`: on Linux it notices a child's exit through a descriptor the
/// child inherits, and `pg_ctl start` hands that descriptor on to the daemonized postmaster,
/// so the exit is never seen. Here the child is started with `posix_spawn` and reaped by
/// `waitpid` on a short-lived thread of its own.
enum Command {
    struct Output: Sendable {
        let status: Int32
        let text: String
    }

    /// Runs `executable` with `arguments`; as `user` (via runuser) when given.
    /// Standard output and error are captured together through a temporary file.
    static func run(_ executable: String, _ arguments: [String], as user: String? = nil) async throws -> Output {
        let argv = user.map { ["/usr/sbin/runuser", "-u", $0, "--", executable] } ?? [executable]
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("huqi-cmd-\(UUID().uuidString).log").path
        defer { unlink(outputPath) }
        let pid = try spawn(argv + arguments, outputPath: outputPath)
        let status = await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
            let waiter = Thread {
                var raw: Int32 = 0
                while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
                let signal = raw & 0x7f
                continuation.resume(returning: signal == 0 ? (raw >> 8) & 0xff : 128 + signal)
            }
            waiter.start()
        }
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return Output(status: status, text: text)
    }

    private static func spawn(_ argv: [String], outputPath: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let arguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { arguments.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, argv[0], &actions, nil, arguments, environ)
        guard result == 0 else {
            throw EmbeddedClusterError("cluster.spawn_failed", "无法启动 \(argv[0])：\(String(cString: strerror(result)))。")
        }
        return pid
    }
}
