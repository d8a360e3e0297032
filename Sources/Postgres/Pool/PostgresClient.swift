import Logging
import ServiceLifecycle

/// A bounded pool of `PostgresConnection`s, run as a lifecycle `Service`.
///
/// - At most `maximumConnections` are open; further callers wait in FIFO order, up to
///   `leaseTimeout`.
/// - A connection that comes back broken or still inside a transaction is closed, not reused.
/// - An idle connection is checked (without a round trip) before it is handed out, so after a
///   server restart dead connections are replaced transparently on next use.
/// - `run()` returns on graceful shutdown after closing every connection.
public actor PostgresClient: Service {
    /// Pool limits.
    public struct Options: Sendable {
        /// The most connections open at once.
        public var maximumConnections: Int
        /// How long a caller waits for a free connection before `poolTimeout`.
        public var leaseTimeout: Duration

        /// Creates options; the defaults suit one gateway instance.
        public init(maximumConnections: Int = 8, leaseTimeout: Duration = .seconds(10)) {
            self.maximumConnections = maximumConnections
            self.leaseTimeout = leaseTimeout
        }
    }

    /// Where and how to connect.
    public nonisolated let configuration: PostgresConfiguration
    /// The pool limits.
    public nonisolated let options: Options
    private let logger: Logger
    private var idle: [PostgresConnection] = []
    private var openCount = 0
    private var waiters = WaiterQueue()
    private var isClosed = false
    /// Fails waiters at their deadlines; runs only while somebody waits (see `startSweeperIfNeeded`).
    private var sweeper: Task<Void, Never>?

    /// Creates a pool; connections are opened lazily on first use.
    public init(configuration: PostgresConfiguration, options: Options = Options(), logger: Logger) {
        self.configuration = configuration
        self.options = options
        self.logger = logger
    }

    /// Lends a connection to `body` and takes it back afterwards, whatever happens.
    @discardableResult
    public func withConnection<Result>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let connection = try await lease()
        do {
            let result = try await body(connection)
            await release(connection)
            return result
        } catch {
            await release(connection)
            throw error
        }
    }

    /// Runs `body` in a transaction on a pooled connection (commit on return, rollback on throw).
    @discardableResult
    public func withTransaction<Result>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await withConnection { connection in
            try await connection.withTransaction { try await body($0) }
        }
    }

    /// Runs one statement on a pooled connection.
    @discardableResult
    public nonisolated func query(_ query: PostgresQuery) async throws -> PostgresRows {
        try await withConnection { try await $0.query(query) }
    }

    /// Numbers for `/metrics` and tests: open, idle and waiting.
    public var statistics: (open: Int, idle: Int, waiting: Int) {
        (openCount, idle.count, waiters.count)
    }

    public func run() async throws {
        try? await gracefulShutdown()
        await shutdown()
    }

    /// Closes every idle connection and fails waiters; connections in use close on return.
    public func shutdown() async {
        guard !isClosed else { return }
        isClosed = true
        waiters.failAll(PostgresError(code: .poolClosed, message: "the pool is shut down"))
        sweeper?.cancel()
        let connections = idle
        idle.removeAll()
        for connection in connections {
            await connection.close()
            openCount -= 1
        }
        logger.debug("postgres pool shut down")
    }

    // MARK: leasing

    func lease() async throws -> PostgresConnection {
        while true {
            guard !isClosed else { throw PostgresError(code: .poolClosed, message: "the pool is shut down") }
            if let connection = idle.popLast() {
                if await connection.checkAlive() { return connection }
                await discard(connection, reason: "dead while idle")
                openCount += 1  // take the freed slot for a new connection
                return try await openNewConnection()
            }
            if openCount < options.maximumConnections {
                openCount += 1
                return try await openNewConnection()
            }
            let handoff = try await waitForConnection()
            switch handoff {
            case .connection(let connection):
                if await connection.checkAlive() { return connection }
                await discard(connection, reason: "dead while idle")
                openCount += 1
                return try await openNewConnection()
            case .slot:
                return try await openNewConnection()
            }
        }
    }

    /// Opens a connection for a slot already counted in `openCount`.
    private func openNewConnection() async throws -> PostgresConnection {
        do {
            return try await PostgresConnection.connect(configuration: configuration, logger: logger)
        } catch {
            openCount -= 1
            passSlotToWaiter()
            throw error
        }
    }

    func release(_ connection: PostgresConnection) async {
        let reusable = await connection.isReusable
        if isClosed || !reusable {
            await discard(connection, reason: isClosed ? "pool closed" : "broken or inside a transaction")
            passSlotToWaiter()
            return
        }
        if !waiters.resumeFirst(with: .connection(connection)) {
            idle.append(connection)
        }
    }

    private func discard(_ connection: PostgresConnection, reason: String) async {
        await connection.close()
        openCount -= 1
        logger.debug("postgres connection discarded", metadata: ["pg.connection": "\(connection.id)", "reason": "\(reason)"])
    }

    private func passSlotToWaiter() {
        guard !isClosed, openCount < options.maximumConnections, waiters.count > 0 else { return }
        openCount += 1
        if !waiters.resumeFirst(with: .slot) { openCount -= 1 }
    }

    private func waitForConnection() async throws -> WaiterQueue.Handoff {
        try await waitCancellably(id: waiters.makeID())
    }

    /// One task per pool enforces the lease timeout while anybody waits: it sleeps until the
    /// oldest waiter's deadline, fails whoever is past theirs, and ends when nobody waits. (A
    /// timer task per waiter, started and cancelled on every contended lease, cost about 10 µs of
    /// CPU per statement: `ops/bench/roundtrip`, NOTES session 9.)
    private func startSweeperIfNeeded() {
        guard sweeper == nil else { return }
        sweeper = Task { [weak self] in
            while let deadline = await self?.sweep() {
                try? await Task.sleep(until: deadline, clock: .continuous)
            }
        }
    }

    /// Fails the waiters whose time is up; the next deadline, or nil (and the sweeper ends)
    /// when nobody waits.
    private func sweep() -> ContinuousClock.Instant? {
        waiters.failExpired(now: .now, PostgresError(code: .poolTimeout, message: "no database connection became free in time"))
        guard let next = waiters.firstDeadline else {
            sweeper = nil
            return nil
        }
        return next
    }

    /// Nonisolated for the same reason as `PostgresConnection.cancellable`: the operation of
    /// `withTaskCancellationHandler` must hop onto the actor explicitly.
    private nonisolated func waitCancellably(id: Int) async throws -> WaiterQueue.Handoff {
        try await withTaskCancellationHandler {
            try await self.enqueueWaiter(id: id)
        } onCancel: {
            Task { await self.failWaiter(id, CancellationError()) }
        }
    }

    private func enqueueWaiter(id: Int) async throws -> WaiterQueue.Handoff {
        try await withCheckedThrowingContinuation { continuation in
            waiters.append(id: id, deadline: .now + options.leaseTimeout, continuation)
            startSweeperIfNeeded()
        }
    }

    private func failWaiter(_ id: Int, _ error: any Error) {
        waiters.fail(id: id, error)
    }
}
