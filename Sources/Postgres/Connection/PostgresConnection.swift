import CLibPQ
import Foundation
import Logging

/// One PostgreSQL connection, an actor whose executor is a dedicated OS thread.
///
/// Every libpq call happens on that thread, so blocking calls never occupy Swift's
/// cooperative pool, and the actor guarantees one caller at a time per `PGconn`.
/// Use it through `PostgresClient` (the pool) unless you need a session of your own.
public actor PostgresConnection {
    private let executor: ThreadExecutor
    /// The connection's dedicated thread.
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    private let native = NativeHandles()
    private var handle: OpaquePointer? {
        get { native.connection }
        set { native.connection = newValue }
    }
    private var cancelHandle: OpaquePointer? {
        get { native.cancel }
        set { native.cancel = newValue }
    }
    let logger: Logger
    /// The statements prepared on this connection (see `PreparedStatements`).
    var prepared = PreparedStatements()
    /// Set by `planEveryExecution()`; cleared by the first statement after the transaction ended.
    var unpreparedInTransaction = false
    /// A number unique within the process, for logs.
    public nonisolated let id: Int

    private init(id: Int, logger: Logger) {
        self.id = id
        self.logger = logger
        executor = ThreadExecutor(name: "huqi-pg-\(id)")
    }

    /// Opens a connection; the blocking connect runs on the connection's own thread.
    public static func connect(
        configuration: PostgresConfiguration, id: Int = ConnectionIDs.next(), logger: Logger
    ) async throws -> PostgresConnection {
        let connection = PostgresConnection(id: id, logger: logger)
        try await connection.open(configuration)
        return connection
    }

    private func open(_ configuration: PostgresConfiguration) throws {
        let parameters = configuration.libpqParameters
        let connection = withCStringArray(parameters.map { $0.0 }) { keys in
            withCStringArray(parameters.map { $0.1 }) { values in
                PQconnectdbParams(keys, values, 1)
            }
        }
        guard let connection, PQstatus(connection) == CONNECTION_OK else {
            let error = PostgresError.fromConnection(connection, code: .connectionFailed)
            if let connection { PQfinish(connection) }
            throw error
        }
        if let ignored = configuration.ignoredPin(reported: { name in PQparameterStatus(connection, name).map { String(cString: $0) } }) {
            PQfinish(connection)
            throw PostgresError(code: .sessionSettingsIgnored, message: ignored)
        }
        // libpq prints NOTICEs to stderr by default; the library must stay quiet.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        handle = connection
        cancelHandle = PQgetCancel(connection)
        logger.debug("postgres connection opened", metadata: ["pg.connection": "\(id)"])
    }

    /// Closes the connection. Later calls fail with `connectionClosed`.
    public func close() {
        if let cancelHandle { PQfreeCancel(cancelHandle) }
        if let handle { PQfinish(handle) }
        cancelHandle = nil
        handle = nil
        logger.debug("postgres connection closed", metadata: ["pg.connection": "\(id)"])
    }

    /// True while the connection is open and its server connection is good.
    public var isOpen: Bool {
        guard let handle else { return false }
        return PQstatus(handle) == CONNECTION_OK
    }

    /// True when the connection can go back to a pool: open, good, and not inside a transaction.
    public var isReusable: Bool {
        guard let handle, PQstatus(handle) == CONNECTION_OK else { return false }
        return PQtransactionStatus(handle) == PQTRANS_IDLE
    }

    /// Reads whatever the server sent while the connection was idle (without blocking) and
    /// reports whether it is still alive. A server restart shows up here as a closed socket.
    func checkAlive() -> Bool {
        guard let handle, PQstatus(handle) == CONNECTION_OK else { return false }
        guard PQconsumeInput(handle) == 1 else { return false }
        while let notice = PQnotifies(handle) { PQfreemem(notice) }
        return PQstatus(handle) == CONNECTION_OK
    }

    /// The open handle, or an error when the connection is closed or broken.
    func usableHandle() throws -> OpaquePointer {
        precondition(executor.isCurrentThread, "libpq called off the connection's dedicated thread")
        guard let handle else { throw PostgresError(code: .connectionClosed, message: "connection is closed") }
        guard PQstatus(handle) == CONNECTION_OK else { throw PostgresError.fromConnection(handle, code: .connectionLost) }
        return handle
    }

    /// Runs `work` on this connection's thread with a per-statement cancellation: cancelling
    /// the calling task sends `PQcancel` from the cancelling thread while `work` blocks in libpq.
    ///
    /// Deliberately `nonisolated`: the operation of `withTaskCancellationHandler` does not run
    /// on an actor's custom executor, so the work must hop onto the connection explicitly.
    nonisolated func cancellable<Result: Sendable>(
        _ work: @escaping @Sendable (isolated PostgresConnection) throws -> Result
    ) async throws -> Result {
        let cancellation = QueryCancellation()
        return try await withTaskCancellationHandler {
            try await self.run(work, cancellation: cancellation)
        } onCancel: {
            cancellation.cancel()
        }
    }

    private func run<Result: Sendable>(
        _ work: @Sendable (isolated PostgresConnection) throws -> Result, cancellation: QueryCancellation
    ) throws -> Result {
        try cancellation.begin(handle: cancelHandle)
        defer { cancellation.end() }
        return try work(self)
    }

    /// Turns a `PGresult` into rows, or throws its error (and frees it).
    func consume(_ result: OpaquePointer?, query: String, expecting expected: ExecStatusType? = nil) throws -> PostgresRows {
        guard let result else { throw PostgresError.fromConnection(handle, code: .connectionLost, query: query) }
        let status = PQresultStatus(result)
        if let expected {
            if status == expected { return PostgresRows(result: PostgresResult(result)) }
        } else if status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK || status == PGRES_EMPTY_QUERY {
            return PostgresRows(result: PostgresResult(result))
        }
        let error = PostgresError.fromResult(result, connection: handle, query: query)
        PQclear(result)
        logger.debug("postgres statement failed", metadata: ["pg.connection": "\(id)", "pg.error": "\(error)"])
        throw error
    }
}

/// The libpq objects of one connection; frees them if the actor goes away unclosed.
private final class NativeHandles: @unchecked Sendable {
    // @unchecked Sendable: only the owning actor touches the fields (on its own thread);
    // deinit runs after the actor is gone, when nothing else can.
    var connection: OpaquePointer?
    var cancel: OpaquePointer?

    deinit {
        if let cancel { PQfreeCancel(cancel) }
        if let connection { PQfinish(connection) }
    }
}

/// Hands out process-unique connection numbers.
public enum ConnectionIDs {
    private static let counter = LockedCounter()
    /// The next connection number.
    public static func next() -> Int { counter.next() }
}

final class LockedCounter: @unchecked Sendable {
    // @unchecked Sendable: `value` is only touched under `lock`.
    private let lock = NSLock()
    private var value = 0
    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}

/// Calls `body` with NUL-terminated copies of `strings` (nil stays a NULL pointer) that live
/// for the duration of the call.
func withCStringArray<Result>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> Result) -> Result {
    let copies: [UnsafeMutablePointer<CChar>?] = strings.map { $0.map { strdup($0)! } }
    defer { copies.forEach { free($0) } }
    return body(copies.map { $0.map { UnsafePointer($0) } } + [nil])
}
