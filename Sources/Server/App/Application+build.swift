import Hummingbird
import Logging
import Postgres
import Prometheus
import ServiceLifecycle
import Store

/// What the application needs from the outside: the database pool (run by the caller's
/// service group or passed in `services`), the migrations, the metrics registry.
public struct ServerDependencies: Sendable {
    /// The database pool.
    public var database: PostgresClient
    /// The migrations this binary knows (for `/readyz`).
    public var migrator: Migrator
    /// Where swift-metrics records; `/metrics` prints it.
    public var metrics: PrometheusCollectorRegistry
    /// bcrypt for logins.
    public var passwords: PasswordHasher
    /// The largest accepted upload body (`HUQI_MAX_UPLOAD_BYTES`, default 64 MiB).
    public var maximumUploadBytes: Int = 64 * 1_048_576
    /// The per-caller API rate limit (`HUQI_RATE_LIMIT` requests a second).
    public var rateLimit = RateLimiter.Configuration()
    /// The read caches; unused (every read goes to the database) unless a `ChangeListener`
    /// runs for them beside the server.
    public var caches = ReadCaches()

    /// Bundles the dependencies.
    public init(database: PostgresClient, migrator: Migrator, metrics: PrometheusCollectorRegistry, passwords: PasswordHasher = PasswordHasher()) {
        self.database = database
        self.migrator = migrator
        self.metrics = metrics
        self.passwords = passwords
    }
}

/// Builds the router: health, readiness and metrics, the `/api/v1` API and the pages.
public func buildRouter(_ dependencies: ServerDependencies) -> Router<HuqiRequestContext> {
    let router = Router(context: HuqiRequestContext.self)
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: LogRequestsMiddleware(.debug))
    router.add(middleware: UnexpectedErrorMiddleware())
    router.add(middleware: DatabaseOutageMiddleware())
    router.add(middleware: LocalWriteMiddleware(caches: dependencies.caches))
    HealthController(database: dependencies.database, migrator: dependencies.migrator).register(on: router)
    MetricsController(registry: dependencies.metrics, database: dependencies.database, caches: dependencies.caches).register(on: router)
    OpenAPIController().register(on: router)
    let api = router.group("api/v1")
        .add(middleware: AuthenticationMiddleware(keys: APIKeyRepository(client: dependencies.database),
                                                  sessions: SessionRepository(client: dependencies.database),
                                                  caches: dependencies.caches))
        .add(middleware: RateLimitMiddleware(limiter: RateLimiter(dependencies.rateLimit)))
    SessionController(database: dependencies.database, passwords: dependencies.passwords).register(on: api)
    IdentityController(database: dependencies.database).register(on: api)
    UserAdminController(database: dependencies.database, passwords: dependencies.passwords).register(on: api)
    CredentialController(database: dependencies.database).register(on: api)
    BatchController(database: dependencies.database, maximumUploadBytes: dependencies.maximumUploadBytes).register(on: api)
    CaseController(database: dependencies.database, caches: dependencies.caches).register(on: api)
    CaseActionController(database: dependencies.database).register(on: api)
    PersonalDataController(database: dependencies.database).register(on: api)
    QueueController(database: dependencies.database, caches: dependencies.caches).register(on: api)
    TriageRuleController(database: dependencies.database).register(on: api)
    CalendarController(database: dependencies.database).register(on: api)
    SettingsController(database: dependencies.database).register(on: api)
    AuditController(database: dependencies.database).register(on: api)
    ReportController(database: dependencies.database).register(on: api)
    // The pages: same data and rules as the API, for people (sessions, forms, Chinese pages).
    let gate = WebGate(database: dependencies.database)
    StaticAssets.register(on: router)
    WebSession(database: dependencies.database, passwords: dependencies.passwords).register(on: router)
    BatchPages(database: dependencies.database, gate: gate, maximumUploadBytes: dependencies.maximumUploadBytes).register(on: router)
    let casePages = CasePages(database: dependencies.database, gate: gate)
    casePages.register(on: router)
    CaseActionPages(database: dependencies.database, gate: gate, pages: casePages).register(on: router)
    AssignmentPages(database: dependencies.database, gate: gate).register(on: router)
    ReportPages(database: dependencies.database, gate: gate).register(on: router)
    AdminPages(database: dependencies.database, gate: gate, passwords: dependencies.passwords).register(on: router)
    AccountPages(database: dependencies.database, gate: gate, passwords: dependencies.passwords).register(on: router)
    AuditPages(database: dependencies.database, gate: gate).register(on: router)
    CalendarPages(database: dependencies.database, gate: gate).register(on: router)
    SettingsPages(database: dependencies.database, gate: gate).register(on: router)
    TriagePages(database: dependencies.database, gate: gate).register(on: router)
    return router
}

/// Builds the application; `services` run beside the HTTP server and stop after it.
public func buildApplication(
    _ dependencies: ServerDependencies,
    configuration: ServerConfiguration,
    services: [any Service] = [],
    logger: Logger,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    Application(
        router: buildRouter(dependencies),
        server: .http1(configuration: .init(additionalChannelHandlers: [UnreadableRequestHandler()],
                                            idleTimeout: .seconds(Int64(configuration.idleTimeoutSeconds)))),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "huqi"),
        services: services,
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger
    )
}
