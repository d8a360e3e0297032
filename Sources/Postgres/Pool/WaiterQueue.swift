/// The callers waiting for a pooled connection, in arrival order.
struct WaiterQueue {
    /// What a waiter receives: a free connection, or the right to open a new one.
    enum Handoff: Sendable {
        case connection(PostgresConnection)
        case slot
    }

    private var entries: [(id: Int, continuation: CheckedContinuation<Handoff, any Error>)] = []
    private var lastID = 0

    var count: Int { entries.count }

    mutating func makeID() -> Int {
        lastID += 1
        return lastID
    }

    mutating func append(id: Int, _ continuation: CheckedContinuation<Handoff, any Error>) {
        entries.append((id, continuation))
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
