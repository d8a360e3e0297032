/// The callers waiting for a pooled connection, in arrival order.
struct WaiterQueue {
    /// What a waiter receives: a free connection, or the right to open a new one.
    enum Handoff: Sendable {
        case connection(PostgresConnection)
        case slot
    }

    private var entries: [(id: Int, deadline: ContinuousClock.Instant, continuation: CheckedContinuation<Handoff, any Error>)] = []
    private var lastID = 0

    var count: Int { entries.count }

    mutating func makeID() -> Int {
        lastID += 1
        return lastID
    }

    mutating func append(id: Int, deadline: ContinuousClock.Instant, _ continuation: CheckedContinuation<Handoff, any Error>) {
        entries.append((id, deadline, continuation))
    }

    /// The earliest deadline of those waiting: all share one timeout, so the oldest's.
    var firstDeadline: ContinuousClock.Instant? { entries.first?.deadline }

    /// Fails every waiter whose deadline is not after `now`.
    mutating func failExpired(now: ContinuousClock.Instant, _ error: any Error) {
        while let first = entries.first, first.deadline <= now {
            entries.removeFirst().continuation.resume(throwing: error)
        }
    }

    /// Resumes the oldest waiter; false when nobody waits.
    mutating func resumeFirst(with handoff: Handoff) -> Bool {
        guard !entries.isEmpty else { return false }
        entries.removeFirst().continuation.resume(returning: handoff)
        return true
    }

    /// Fails one waiter (timeout or cancellation) if it still waits.
    mutating func fail(id: Int, _ error: any Error) {
        guard let index = entries.firstIndex(where: { $0.id == id }) else { return }
        entries.remove(at: index).continuation.resume(throwing: error)
    }

    mutating func failAll(_ error: any Error) {
        for entry in entries { entry.continuation.resume(throwing: error) }
        entries.removeAll()
    }
}
