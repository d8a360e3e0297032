import Foundation
import Testing
import TestSupport

@Suite("huqi import progress")
struct ImportProgressTests {
    @Test("a large file shows a running row count on stderr and the summary on stdout")
    func runningCount() async throws {
        let huqi = ChildProcess.huqiExecutable
        let database = try await TestDatabase.create()
        let env: [String: String?] = ["HUQI_DATABASE_URL": try TestDatabase.connectionString(database: database)]
        _ = try await ChildProcess.run([huqi, "partner", "add", "LNFIC", "--name", "辽宁省工商业联合会"], environment: env)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("progress-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(BatchSamples.csv(BatchSamples.validRows(20_500))).write(to: file)
        // 20 500 rows take ~25 s in a debug build alone; beside the other suites on two cores, longer.
        let result = try await ChildProcess.run([huqi, "import", file.path, "--partner", "LNFIC"], environment: env, timeout: .seconds(300))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("已校验并写入 10000 行…"))
        #expect(result.stderr.contains("已校验并写入 20000 行…"))
        #expect(result.stdout.contains("共 20500 行"))
    }
}
