import Foundation
import Postgres
import Testing
import TestSupport

/// What `huqi import` tells the operator, and its exit codes: 0 when the batch was stored (even
/// with rejected rows), 2 when the file cannot be read — with or without `--dry-run`.
@Suite("huqi import outcomes")
struct ImportOutcomeTests {
    let huqi = ChildProcess.huqiExecutable

    /// A database with partner LNFIC, a folder for files, and the environment to run huqi in.
    func withSetup(_ body: (_ folder: URL, _ env: [String: String?], _ client: PostgresClient) async throws -> Void) async throws {
        let url = try TestDatabase.connectionString(database: try await TestDatabase.create())
        let env: [String: String?] = ["HUQI_DATABASE_URL": url]
        _ = try await ChildProcess.run([huqi, "partner", "add", "LNFIC", "--name", "辽宁省工商业联合会"], environment: env)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("huqi-outcome-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let client = PostgresClient(configuration: .init(connectionString: url), logger: TestDatabase.logger)
        do {
            try await body(folder, env, client)
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
    }

    func batches(_ client: PostgresClient) async throws -> Int {
        try await client.query("SELECT count(*) FROM batches")[0].decode(Int.self, at: 0)
    }

    static let badRow = "3,LN-BAD,某公司,91350100M000100Y4Z,凌海,民营,,,,,申诉,诉求,否,2026-11-20"

    @Test("rows with errors: stored, exit 0, and each problem printed with its row, column and code")
    func storedWithProblems() async throws {
        try await withSetup { folder, env, client in
            let file = folder.appendingPathComponent("batch.csv")
            try Data(BatchSamples.csv(BatchSamples.validRows(1) + [Self.badRow])).write(to: file)
            let result = try await ChildProcess.run([huqi, "import", file.path, "--partner", "LNFIC"], environment: env)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("已保存") && result.stdout.contains("新增 1") && result.stdout.contains("拒绝 1"), "\(result.stdout)")
            #expect(result.stdout.contains("第 3 行 统一社会信用代码 [credit_code.checksum]") && result.stdout.contains("校验位应为“3”"),
                    "\(result.stdout)")
            #expect(try await batches(client) == 1)
        }
    }

    @Test("an import that waits past the operator's lock_timeout for its partner's turn says the database is busy, exits 1 and writes nothing")
    func lockTimeout() async throws {
        try await withSetup { folder, env, client in
            let file = folder.appendingPathComponent("batch.csv")
            try Data(BatchSamples.csv(BatchSamples.validRows(2))).write(to: file)
            let partner = try await client.query("SELECT id FROM partners WHERE code = 'LNFIC'")[0].decode(Int.self, at: 0)
            var impatient = env
            impatient["HUQI_DATABASE_URL"] = (env["HUQI_DATABASE_URL"] ?? nil).map { $0 + " options='-c lock_timeout=300ms'" }
            let result = try await client.withConnection { turn in
                try await turn.query("SELECT pg_advisory_lock(7235012, \(partner))")  // another batch of LNFIC has its turn
                let result = try await ChildProcess.run([huqi, "import", file.path, "--partner", "LNFIC"], environment: impatient)
                try await turn.query("SELECT pg_advisory_unlock(7235012, \(partner))")
                return result
            }
            #expect(result.status == 1)
            #expect(result.stderr.contains("数据库繁忙：等待其他操作释放锁超时（lock_timeout）") && result.stderr.contains("本次操作未完成，也未写入任何数据"),
                    "\(result.stderr)")
            #expect(try await batches(client) == 0)
            #expect(try await ChildProcess.run([huqi, "import", file.path, "--partner", "LNFIC"], environment: impatient).status == 0)
        }
    }

    @Test("an import whose sorts exceed the operator's temp_file_limit says which resource ran out, exits 1 and writes nothing")
    func resources() async throws {
        try await withSetup { folder, env, client in
            let file = folder.appendingPathComponent("batch.csv")
            try Data(BatchSamples.csv(BatchSamples.validRows(3_000))).write(to: file)
            var cramped = env
            cramped["HUQI_DATABASE_URL"] = (env["HUQI_DATABASE_URL"] ?? nil).map { $0 + " options='-c work_mem=64kB -c temp_file_limit=64kB'" }
            let result = try await ChildProcess.run([huqi, "import", file.path, "--partner", "LNFIC"], environment: cramped)
            #expect(result.status == 1)
            #expect(result.stderr.contains("数据库资源不足：超出了数据库设置的上限（如临时文件上限 temp_file_limit")
                    && result.stderr.contains("请联系数据库管理员"), "\(result.stderr)")
            #expect(try await batches(client) == 0)
        }
    }

    @Test("--dry-run prints the same problems from its own answer and stores nothing")
    func dryRunProblems() async throws {
        try await withSetup { folder, env, client in
            let file = folder.appendingPathComponent("batch.csv")
            try Data(BatchSamples.csv(BatchSamples.validRows(1) + [Self.badRow])).write(to: file)
            let result = try await ChildProcess.run([huqi, "import", file.path, "--partner", "LNFIC", "--dry-run"], environment: env)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("校验结果（未写入）") && result.stdout.contains("拒绝 1"), "\(result.stdout)")
            #expect(result.stdout.contains("第 3 行 统一社会信用代码 [credit_code.checksum]"), "\(result.stdout)")
            #expect(try await batches(client) == 0)
        }
    }

    @Test("the summary names the batch record and its handover number; a --batch-no the file contradicts is refused, nothing stored")
    func batchNumbers() async throws {
        try await withSetup { folder, env, client in
            let file = folder.appendingPathComponent("batch.json")
            try Data(#"{"batch_no": 4, "cases": [{"external_ref": "J-1", "enterprise_name": "甲公司", "credit_code": "91110000600037341L", "region": "210781", "claim": "诉求"}]}"#.utf8).write(to: file)
            let conflict = try await ChildProcess.run([huqi, "import", file.path, "--partner", "LNFIC", "--batch-no", "3"], environment: env)
            #expect(conflict.status == 1)
            #expect(conflict.stderr.contains("上传时指定的是第 3 批，但文件中写的是第 4 批"), "\(conflict.stderr)")
            #expect(try await batches(client) == 0)

            let stored = try await ChildProcess.run([huqi, "import", file.path, "--partner", "LNFIC"], environment: env)
            #expect(stored.status == 0, "\(stored.stderr)")
            #expect(stored.stdout.hasPrefix("批次 1（第 4 批）已保存"), "\(stored.stdout)")
            let again = try await ChildProcess.run([huqi, "import", file.path, "--partner", "LNFIC", "--batch-no", "4"], environment: env)
            #expect(again.stdout.hasPrefix("此文件已导入过，未重复写入，见批次 1（第 4 批）："), "\(again.stdout)")
        }
    }

    @Test("an unreadable file: exit 2 and the reason with its code; kept as a rejected batch, but not by a dry run")
    func unreadable() async throws {
        try await withSetup { folder, env, client in
            let file = folder.appendingPathComponent("unicode.txt")
            let text = String(decoding: BatchSamples.csv(BatchSamples.validRows(2)), as: UTF8.self)
            try Data([0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }).write(to: file)

            let dry = try await ChildProcess.run([huqi, "import", file.path, "--partner", "LNFIC", "--dry-run"], environment: env)
            #expect(dry.status == 2)
            #expect(dry.stdout.contains("文件无法读取（试运行，未保存）") && dry.stdout.contains("[encoding.utf16]"), "\(dry.stdout)")
            #expect(try await batches(client) == 0)

            let real = try await ChildProcess.run([huqi, "import", file.path, "--partner", "LNFIC"], environment: env)
            #expect(real.status == 2)
            #expect(real.stdout.contains("已保存原文件") && real.stdout.contains("另存为“CSV UTF-8（逗号分隔）”"), "\(real.stdout)")
            #expect(try await batches(client) == 1)

            let missing = try await ChildProcess.run([huqi, "import", folder.appendingPathComponent("none.csv").path, "--partner", "LNFIC"],
                                                     environment: env)
            #expect(missing.status == 2 && missing.stderr.contains("无法读取文件"), "\(missing.stderr)")
        }
    }
}
