// A serial executor backed by one dedicated OS thread.
//
// libpq calls block and a PGconn must not be used by two threads at once. Giving every
// connection actor its own thread keeps both rules: blocking calls never run on Swift's
// cooperative pool, and the actor's serialisation means one thread touches one PGconn.
import Foundation

/// A `SerialExecutor` that runs every job on a single thread it owns.
///
/// The thread lives as long as the executor: when the last reference goes away the thread
/// drains its queue and exits.
final class ThreadExecutor: SerialExecutor, @unchecked Sendable {
    // @unchecked Sendable: all mutable state lives in `JobQueue`, which is guarded by its condition lock.
    private let queue: JobQueue

    /// Starts the thread. `name` shows in debuggers and `top -H`.
    init(name: String) {
        queue = JobQueue()
        let queue = self.queue
        let thread = Thread { queue.runLoop() }
        thread.name = name
        thread.stackSize = 1 << 20
        thread.start()
        queue.setExecutor(self)
    }

    deinit {
        queue.stop()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        queue.push(UnownedJob(job))
    }

    /// True when the caller runs on this executor's thread.
    var isCurrentThread: Bool { queue.isCurrentThread }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }
}

/// The job list shared by an executor and its thread.
private final class JobQueue: @unchecked Sendable {
    // @unchecked Sendable: every field is read and written only while `condition` is locked.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var head = 0
    private var stopped = false
    private var executor: UnownedSerialExecutor?
    private var thread: pthread_t?

    var isCurrentThread: Bool {
        condition.lock()
        defer { condition.unlock() }
        return thread.map { pthread_equal($0, pthread_self()) != 0 } ?? false
    }

    func setExecutor(_ executor: ThreadExecutor) {
        condition.lock()
        self.executor = UnownedSerialExecutor(ordinary: executor)
        condition.broadcast()
        condition.unlock()
    }

    func push(_ job: UnownedJob) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    /// The thread body: run jobs in order until stopped and drained.
    func runLoop() {
        condition.lock()
        thread = pthread_self()
        condition.unlock()
        while true {
            condition.lock()
            while (head == jobs.count || executor == nil) && !stopped {
                condition.wait()
            }
            if head == jobs.count {  // stopped and drained
                condition.unlock()
                return
            }
            let job = jobs[head]
            head += 1
            if head > 64 && head * 2 > jobs.count {
                jobs.removeFirst(head)
                head = 0
            }
            let executor = self.executor!
            condition.unlock()
            job.runSynchronously(on: executor)
        }
    }
}
