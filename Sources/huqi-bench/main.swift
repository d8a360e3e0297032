// huqi-bench-claims: the huqi side of ops/bench/claims. N concurrent workers, each with its own
// pooled connection, claim the next case of one queue through huqi's claim path
// (CaseQueue.claimNext) and complete it through huqi's transition path (triage → evaluation),
// until the queue is empty. Prints one JSON line: claims, seconds, claims/s, p50/p99 claim
// latency (ms), distinct cases. The audit sealer runs every second meanwhile, as in `huqi serve`.
// Not part of the product; built only by the benchmark.
//
//   huqi-bench-claims CONNINFO LOGIN UNIT WORKERS
import Domain
import Foundation
import Logging
import Postgres
import Store

let arguments = CommandLine.arguments
guard arguments.count == 5, let workers = Int(arguments[4]), workers > 0 else {
    FileHandle.standardError.write(Data("usage: huqi-bench-claims CONNINFO LOGIN UNIT WORKERS\n".utf8))
    exit(2)
}
let (connectionString, login, unit) = (arguments[1], arguments[2], arguments[3])
let logger = Logger(label: "huqi-bench")
let client = PostgresClient(configuration: .init(connectionString: connectionString),
                            options: .init(maximumConnections: workers + 3), logger: logger)
let users = UserRepository(client: client)
let principal = try await users.principal(userID: try await users.id(ofLogin: login))

let clock = ContinuousClock()
let started = clock.now
let results = try await Drain.run(workers: workers, unit: unit, principal: principal, client: client)
let elapsed = clock.now - started
await client.shutdown()

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}
let latencies = results.map { milliseconds($0.1) }.sorted()
func percentile(_ p: Double) -> Double { latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
let seconds = milliseconds(elapsed) / 1000
let line: [String: Double] = [
    "claims": Double(results.count), "distinct": Double(Set(results.map(\.0)).count), "seconds": seconds,
    "claims_per_s": Double(results.count) / seconds, "p50_ms": percentile(0.5), "p99_ms": percentile(0.99),
]
let encoder = JSONEncoder()
encoder.outputFormatting = .sortedKeys
print(String(decoding: try encoder.encode(line), as: UTF8.self))

/// The workers, outside the main actor; beside them the audit sealer runs every second, as in
/// `huqi serve` (sealing is part of what every audited write costs).
enum Drain {
    static func run(workers: Int, unit: String, principal: Principal, client: PostgresClient) async throws -> [(Int64, Duration)] {
        let clock = ContinuousClock()
        // HUQI_BENCH_SEAL_SECONDS changes the interval (to see what sealing costs).
        let interval = ProcessInfo.processInfo.environment["HUQI_BENCH_SEAL_SECONDS"].flatMap(Double.init) ?? 1
        let sealer = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(interval))
                _ = try? await AuditLog.sealPending(using: client)
            }
        }
        defer { sealer.cancel() }
        return try await withThrowingTaskGroup(of: [(Int64, Duration)].self) { group in
            for _ in 0..<workers {
                group.addTask {
                    var mine: [(Int64, Duration)] = []
                    while true {
                        let before = clock.now
                        guard let id = try await CaseQueue.claimNext(unit: unit, stage: .triage, by: principal, address: "bench", using: client) else { break }
                        mine.append((id, clock.now - before))
                        _ = try await CaseTransitions.perform(caseID: id, TransitionRequest(to: .evaluation), by: principal, address: "bench", using: client)
                    }
                    return mine
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
    }
}
