import Foundation
import Logging

/// A log handler that keeps every line in memory, so tests can assert what was (not) logged.
public struct CapturingLogHandler: LogHandler {
    /// The shared store of captured lines.
    public final class Store: @unchecked Sendable {
        // @unchecked Sendable: `lines` is only touched under `lock`.
        private let lock = NSLock()
        private var lines: [String] = []
        public init() {}
        func append(_ line: String) {
            lock.lock()
            lines.append(line)
            lock.unlock()
        }
        /// Everything captured so far, one line per event.
        public var text: String {
            lock.lock()
            defer { lock.unlock() }
            return lines.joined(separator: "\n")
        }
    }

    let store: Store
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .trace

    /// A logger at trace level writing into `store`.
    public static func logger(into store: Store) -> Logger {
        Logger(label: "huqi.captured") { _ in CapturingLogHandler(store: store) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        store.append("\(event.level) \(event.message) \(merged)")
    }
}
