import Foundation

/// Runs the built `huqi` binary (or any program) as a child process for end-to-end tests.
///
/// Uses `posix_spawn` and `waitpid(WNOHANG)` polling instead of Foundation's `Process`, whose
/// exit detection on Linux breaks when a grandchild (the postmaster) inherits its descriptor.
public final class ChildProcess: @unchecked Sendable {
    // @unchecked Sendable: `pid` and the paths are immutable; `exitStatus` is written only by
    // `wait`, which tests call from one task.
    public let pid: pid_t
    private let stdoutPath: String
    private let stderrPath: String
    private var exitStatus: Int32?

    /// The `huqi` executable built next to the test bundle.
    public static var huqiExecutable: String {
        let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [folder, folder.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("huqi").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return TestDatabase.repositoryRoot.appendingPathComponent(".build/debug/huqi").path
    }

    /// Starts `arguments[0]` with `environment` added to (or, for nil values, removed from) ours.
    public init(_ arguments: [String], environment: [String: String?] = [:], input: String? = nil) throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("huqi-child-\(UUID().uuidString)").path
        stdoutPath = base + ".out"
        stderrPath = base + ".err"
        let stdinPath = base + ".in"
        if let input { try input.write(toFile: stdinPath, atomically: true, encoding: .utf8) }
        defer { unlink(stdinPath) }
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, input == nil ? "/dev/null" : stdinPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        // The child starts with no signal blocked, as from a shell: a posix_spawn child inherits
        // the calling thread's mask, and the test runner's threads block SIGINT and SIGTERM (a
        // daemon such as PgBouncer then cannot be stopped).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        let result = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, envp)
        guard result == 0 else { throw TestSetupError("cannot start \(arguments[0]): \(String(cString: strerror(result)))") }
        self.pid = pid
    }

    deinit {
        if exitStatus == nil { kill(pid, SIGKILL); waitpid(pid, nil, 0) }
        unlink(stdoutPath)
        unlink(stderrPath)
    }

    /// What the process printed so far.
    public var standardOutput: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    /// What the process printed to stderr so far.
    public var standardError: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Waits for the exit (or kills the process after `timeout`) and returns its status.
    @discardableResult
    public func wait(timeout: Duration = .seconds(60)) async throws -> Int32 {
        if let exitStatus { return exitStatus }
        let deadline = ContinuousClock.now + timeout
        while true {
            var raw: Int32 = 0
            if waitpid(pid, &raw, WNOHANG) == pid {
                let signal = raw & 0x7f
                exitStatus = signal == 0 ? (raw >> 8) & 0xff : 128 + signal
                return exitStatus!
            }
            if ContinuousClock.now > deadline {
                kill(pid, SIGKILL)
                throw TestSetupError("process \(pid) did not exit within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Waits until stdout contains `text`, or fails after `timeout`.
    public func waitForOutput(containing text: String, timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !standardOutput.contains(text) {
            var raw: Int32 = 0
            if waitpid(pid, &raw, WNOHANG) == pid {
                exitStatus = (raw >> 8) & 0xff
                throw TestSetupError("process exited before printing \(text): \(standardError)")
            }
            if ContinuousClock.now > deadline { throw TestSetupError("no \(text) within \(timeout): \(standardError)") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Waits until stderr contains `text`, or fails after `timeout`.
    public func waitForError(containing text: String, timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !standardError.contains(text) {
            if ContinuousClock.now > deadline { throw TestSetupError("no \(text) on stderr within \(timeout): \(standardError)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Sends a signal.
    public func signal(_ signal: Int32) { kill(pid, signal) }

    /// Runs a command to completion (`timeout` guards against a hang, not a slow machine).
    public static func run(_ arguments: [String], environment: [String: String?] = [:], input: String? = nil,
                           timeout: Duration = .seconds(60)) async throws -> (status: Int32, stdout: String, stderr: String) {
        let child = try ChildProcess(arguments, environment: environment, input: input)
        let status = try await child.wait(timeout: timeout)
        return (status, child.standardOutput, child.standardError)
    }
}

/// A TCP socket bound to 127.0.0.1:`port` (listening when asked), or nil when the port is taken.
/// The caller closes it.
public func boundSocket(port: Int, listening: Bool = false) -> Int32? {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    let bound = withLoopbackAddress(port: port) { bind(descriptor, $0, $1) }
    guard bound == 0, !listening || listen(descriptor, 1) == 0 else {
        close(descriptor)
        return nil
    }
    return descriptor
}

/// A TCP port that is free right now on 127.0.0.1.
public func freePort() -> Int {
    for _ in 0..<50 {
        let port = Int.random(in: 20_000...60_000)
        if let descriptor = boundSocket(port: port) {
            close(descriptor)
            return port
        }
    }
    return 18_080
}

/// Sends `request` as raw bytes to 127.0.0.1:`port` and returns everything the server sends back
/// until it closes the connection (or 10 s pass): for requests no HTTP client would write.
public func rawHTTPExchange(port: Int, request: [UInt8]) -> String {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    var timeout = timeval(tv_sec: 10, tv_usec: 0)
    setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    let connected = withLoopbackAddress(port: port) { connect(descriptor, $0, $1) }
    guard connected == 0 else { return "" }
    _ = request.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
    var answer: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count <= 0 { break }
        answer += chunk[0..<count]
    }
    return String(decoding: answer, as: UTF8.self)
}

/// Calls `body` with the socket address 127.0.0.1:`port` and its length (for bind or connect).
private func withLoopbackAddress(port: Int, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32) -> Int32 {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
}
