/// `eventually` gave up: the condition named `what` never held in time.
public struct EventuallyTimedOut: Error, CustomStringConvertible {
    public let what: String
    public var description: String { "timed out waiting until \(what)" }
}

/// Waits (up to `seconds`) until `condition` holds, checking every 20 ms.
public func eventually(_ what: String, seconds: Double = 5, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    throw EventuallyTimedOut(what: what)
}
