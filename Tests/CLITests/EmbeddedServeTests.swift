import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TestSupport

@Suite("huqi serve on the embedded cluster")
struct EmbeddedServeTests {
    let huqi = ChildProcess.huqiExecutable

    func get(_ url: String) async throws -> (Int, String) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test("serve initialises and starts its own cluster, is ready, refuses a second serve on the same data dir, and stops it all on SIGTERM")
    func lifecycle() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("huqi-serve-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let port = freePort()
        let environment: [String: String?] = ["HUQI_DATA_DIR": directory, "HUQI_PORT": String(port), "HUQI_DATABASE_URL": nil, "DATABASE_URL": nil]

        let server = try ChildProcess([huqi, "serve"], environment: environment)
        do {
            try await checkRunningServer(server, port: port, environment: environment)
        } catch {
            // Never leave a server (and its cluster) behind when an expectation throws.
            server.signal(SIGTERM)
            _ = try? await server.wait(timeout: .seconds(30))
            throw error
        }
        server.signal(SIGTERM)
        #expect(try await server.wait(timeout: .seconds(30)) == 0)
        let stopped = try await ChildProcess.run([huqi, "db", "status"], environment: environment)
        #expect(stopped.status == 3)
        #expect(stopped.stdout.contains("状态：已停止"))
    }

    private func checkRunningServer(_ server: ChildProcess, port: Int, environment: [String: String?]) async throws {
        try await server.waitForOutput(containing: "huqi 已启动：http://127.0.0.1:\(port)")

        let (status, body) = try await get("http://127.0.0.1:\(port)/readyz")
        #expect(status == 200)
        #expect(body.contains("ready"))

        let second = try await ChildProcess.run([huqi, "serve"], environment: environment.merging(["HUQI_PORT": String(freePort())]) { $1 })
        #expect(second.status == 1)
        #expect(second.stderr.contains("正被另一个 huqi serve（进程 \(server.pid)）使用"))

        let running = try await ChildProcess.run([huqi, "db", "status"], environment: environment)
        #expect(running.status == 0)
        #expect(running.stdout.contains("状态：运行中"))
    }
}
