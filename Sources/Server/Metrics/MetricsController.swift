import Hummingbird
import Postgres
import Prometheus

/// `GET /metrics`: everything recorded through swift-metrics (request counts and durations
/// from Hummingbird's `MetricsMiddleware`, huqi's own counters) in Prometheus text format,
/// plus the database pool's gauges sampled at scrape time.
struct MetricsController<Context: RequestContext>: Sendable {
    let registry: PrometheusCollectorRegistry
    let database: PostgresClient

    func register(on router: Router<Context>) {
        func gauge(_ name: String, _ unit: String, _ help: String) -> Gauge {
            registry.makeGauge(descriptor: .init(namespace: "huqi", subsystem: "db_pool", metricName: name, unitName: unit, helpText: help))
        }
        let open = gauge("connections_open", "count", "Database connections open in the pool")
        let idle = gauge("connections_idle", "count", "Database connections idle in the pool")
        let waiting = gauge("waiters", "count", "Callers waiting for a database connection")
        router.get("metrics") { _, _ -> Response in
            let statistics = await database.statistics
            open.set(to: Double(statistics.open))
            idle.set(to: Double(statistics.idle))
            waiting.set(to: Double(statistics.waiting))
            var buffer: [UInt8] = []
            registry.emit(into: &buffer)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
    }
}
