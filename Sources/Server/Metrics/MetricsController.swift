import Hummingbird
import Postgres
import Prometheus

/// `GET /metrics`: everything recorded through swift-metrics (request counts and durations
/// from Hummingbird's `MetricsMiddleware`, huqi's own counters) in Prometheus text format,
/// plus gauges sampled at scrape time: the database pool's, and whether this instance is using
/// its read caches (an instance that cannot hear the database's announcements reads every
/// request from the database — correct, but slower: worth an alert).
struct MetricsController<Context: RequestContext>: Sendable {
    let registry: PrometheusCollectorRegistry
    let database: PostgresClient
    let caches: ReadCaches

    func register(on router: Router<Context>) {
        func gauge(_ name: String, _ unit: String, _ help: String) -> Gauge {
            registry.makeGauge(descriptor: .init(namespace: "huqi", subsystem: "db_pool", metricName: name, unitName: unit, helpText: help))
        }
        let open = gauge("connections_open", "count", "Database connections open in the pool")
        let idle = gauge("connections_idle", "count", "Database connections idle in the pool")
        let waiting = gauge("waiters", "count", "Callers waiting for a database connection")
        func cacheGauge(_ name: String, _ help: String) -> Gauge {
            registry.makeGauge(descriptor: .init(namespace: "huqi", subsystem: "read_cache", metricName: name, helpText: help))
        }
        let usable = cacheGauge("usable", "1 while this instance hears the database's change announcements and uses its read caches")
        let answers = cacheGauge("answers", "Answers kept in this instance's read cache")
        let callers = cacheGauge("callers", "API-key callers kept in this instance's read cache")
        router.get("metrics") { _, _ -> Response in
            let statistics = await database.statistics
            open.set(to: Double(statistics.open))
            idle.set(to: Double(statistics.idle))
            waiting.set(to: Double(statistics.waiting))
            usable.set(to: caches.isUsable ? 1 : 0)
            answers.set(to: Double(caches.responses.count.answers))
            callers.set(to: Double(caches.principals.count))
            var buffer: [UInt8] = []
            registry.emit(into: &buffer)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
    }
}
