// huqi-bench-roundtrip: the huqi side of ops/bench/roundtrip. W concurrent tasks run one small
// prepared statement (`SELECT $1::int`) through huqi's pool (`PostgresClient.query`: lease,
// statement on the connection's own thread, release) for S seconds. Prints one JSON line:
// statements, seconds, statements/s, p50/p99 latency (ms), and the process's CPU seconds (user,
// system) — what huqi's client path costs per statement, beside pgbench doing the same.
// Not part of the product; built only by the benchmark.
//
//   huqi-bench-roundtrip CONNINFO WORKERS SECONDS [POOL]    (POOL: connections, default WORKERS)
import Foundation
import Logging
import Postgres

let arguments = CommandLine.arguments
guard [4, 5].contains(arguments.count), let workers = Int(arguments[2]), workers > 0, let seconds = Double(arguments[3]), seconds > 0,
      let pool = arguments.count == 5 ? Int(arguments[4]) : workers, pool > 0 else {
    FileHandle.standardError.write(Data("usage: huqi-bench-roundtrip CONNINFO WORKERS SECONDS [POOL]\n".utf8))
    exit(2)
}
// With fewer connections than workers, workers queue for one, as requests do in `huqi serve`.
let client = PostgresClient(configuration: .init(connectionString: arguments[1]),
                            options: .init(maximumConnections: pool), logger: Logger(label: "huqi-bench"))
// Every connection opened and its statement prepared before the clock starts.
try await Loop.run(workers: workers, for: .milliseconds(300), client: client)
let cpuBefore = ProcessCPU.now()
let started = ContinuousClock.now
let latencies = try await Loop.run(workers: workers, for: .milliseconds(Int(seconds * 1000)), client: client)
let elapsed = Loop.seconds(ContinuousClock.now - started)
let cpu = ProcessCPU.now() - cpuBefore
await client.shutdown()

let sorted = latencies.sorted()
func percentile(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] * 1000 }
let line: [String: Double] = [
    "statements": Double(sorted.count), "seconds": elapsed, "per_s": Double(sorted.count) / elapsed,
    "p50_ms": percentile(0.5), "p99_ms": percentile(0.99), "cpu_user_s": cpu.user, "cpu_system_s": cpu.system,
]
let encoder = JSONEncoder()
encoder.outputFormatting = .sortedKeys
print(String(decoding: try encoder.encode(line), as: UTF8.self))

/// The workers, outside the main actor.
enum Loop {
    /// Each worker runs statements back to back until `duration` has passed; every latency, in seconds.
    @discardableResult
    static func run(workers: Int, for duration: Duration, client: PostgresClient) async throws -> [Double] {
        let deadline = ContinuousClock.now + duration
        return try await withThrowingTaskGroup(of: [Double].self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var latencies: [Double] = []
                    while ContinuousClock.now < deadline {
                        let start = ContinuousClock.now
                        _ = try await client.query("SELECT \(worker)::int")
                        latencies.append(seconds(ContinuousClock.now - start))
                    }
                    return latencies
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// The process's CPU time so far (`getrusage`).
struct ProcessCPU {
    var user: Double
    var system: Double

    static func now() -> ProcessCPU {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return ProcessCPU(user: seconds(usage.ru_utime), system: seconds(usage.ru_stime))
    }

    static func - (lhs: ProcessCPU, rhs: ProcessCPU) -> ProcessCPU {
        ProcessCPU(user: lhs.user - rhs.user, system: lhs.system - rhs.system)
    }
}
