import CLibPQ
import Glibc
import Logging

/// A message sent with `NOTIFY channel, 'payload'` or `pg_notify`.
public struct PostgresNotification: Sendable, Hashable {
    /// The channel name.
    public var channel: String
    /// The payload (empty when none was given).
    public var payload: String
    /// The process id of the notifying backend.
    public var backendPID: Int32
}

extension PostgresConnection {
    /// Subscribes this session to `channel` (quoted as an identifier).
    public func listen(_ channel: String) throws {
        let handle = try usableHandle()
        guard let quoted = PQescapeIdentifier(handle, channel, channel.utf8.count) else {
            throw PostgresError.fromConnection(handle, code: .server)
        }
        defer { PQfreemem(quoted) }
        _ = try execute(PostgresQuery(unsafeSQL: "LISTEN " + String(cString: quoted)))
    }

    /// Waits up to `timeoutMilliseconds` on the socket and returns the notifications that
    /// arrived. Blocks this connection's own thread only. Statements may run on the connection
    /// between polls: notifications that arrive during them are returned by the next poll.
    public func pollNotifications(timeoutMilliseconds: Int32) throws -> [PostgresNotification] {
        let handle = try usableHandle()
        var notifications = drainNotifications(handle)
        if !notifications.isEmpty { return notifications }
        var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
        if poll(&descriptor, 1, timeoutMilliseconds) > 0 {
            guard PQconsumeInput(handle) == 1 else { throw PostgresError.fromConnection(handle, code: .connectionLost) }
        }
        notifications = drainNotifications(handle)
        return notifications
    }

    private func drainNotifications(_ handle: OpaquePointer) -> [PostgresNotification] {
        var notifications: [PostgresNotification] = []
        while let notify = PQnotifies(handle) {
            notifications.append(PostgresNotification(
                channel: String(cString: notify.pointee.relname),
                payload: notify.pointee.extra.map { String(cString: $0) } ?? "",
                backendPID: notify.pointee.be_pid
            ))
            PQfreemem(notify)
        }
        return notifications
    }

    /// Subscribes to `channels` and returns a stream of their notifications. The connection
    /// should not be used for anything else afterwards. Subscription is complete when this
    /// returns, so nothing sent after that is missed. The stream ends with an error when the
    /// connection breaks; ending the iteration closes the connection.
    public func notifications(
        channels: [String]
    ) throws -> AsyncThrowingStream<PostgresNotification, any Error> {
        for channel in channels { try listen(channel) }
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: PostgresNotification.self)
        let task = Task.detached { [self] in
            do {
                while !Task.isCancelled {
                    for notification in try await self.pollNotifications(timeoutMilliseconds: 200) {
                        continuation.yield(notification)
                    }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
            await self.close()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}
