import CLibPQ
import Foundation

/// Cancels the statement a connection is running, from any thread.
///
/// One instance per statement: `begin` marks the statement running, `end` marks it done, and
/// `cancel` (called by a task-cancellation handler on another thread) sends `PQcancel` only
/// while it runs, so a late cancel can never hit the connection's next statement.
final class QueryCancellation: @unchecked Sendable {
    // @unchecked Sendable: `state` is only touched under `lock`; the PGcancel object is
    // documented by libpq as safe to use from another thread than the connection's.
    private enum State { case pending, running, cancelled, finished }

    private let lock = NSLock()
    private var state = State.pending
    private var handle: OpaquePointer?

    /// Marks the statement as running on the connection whose cancel object is `handle`;
    /// throws if the task was cancelled before it started.
    func begin(handle: OpaquePointer?) throws {
        lock.lock()
        defer { lock.unlock() }
        self.handle = handle
        if state == .cancelled || Task.isCancelled {
            state = .finished
            throw PostgresError(code: .queryCancelled, sqlState: PostgresError.SQLState.queryCanceled,
                                message: "cancelled before the statement started")
        }
        state = .running
    }

    /// Marks the statement as done; later cancels do nothing.
    func end() {
        lock.lock()
        state = .finished
        lock.unlock()
    }

    /// Asks the server to cancel the running statement.
    func cancel() {
        lock.lock()
        defer { lock.unlock() }
        switch state {
        case .pending: state = .cancelled
        case .running:
            guard let handle else { return }
            var buffer = [CChar](repeating: 0, count: 256)
            _ = PQcancel(handle, &buffer, Int32(buffer.count))
        case .cancelled, .finished: break
        }
    }
}
