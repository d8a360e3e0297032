import Domain
import Foundation
import Postgres
import Testing
import TestSupport

/// The workflow commands run as the real binary: calendar load, settings, queue list/claim.
@Suite("huqi calendar / settings / queue commands")
struct WorkflowCommandTests {
    let huqi = ChildProcess.huqiExecutable

    @Test("a new year of holidays is a data load; settings change with an audit row; a script claims until the queue is empty (exit 3)")
    func scriptedWorkflow() async throws {
        let database = try await TestDatabase.create()
        let url = try TestDatabase.connectionString(database: database)
        let env: [String: String?] = ["HUQI_DATABASE_URL": url]
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("huqi-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        let calendar = folder.appendingPathComponent("cn-calendar-2027.csv")
        try "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-06,workday,春节调休上班\n".write(to: calendar, atomically: true, encoding: .utf8)
        let preview = try await ChildProcess.run([huqi, "calendar", "load", calendar.path, "--dry-run"], environment: env)
        #expect(preview.status == 0 && preview.stdout.contains("预览（未保存）：将载入 2 个日期，年份：2027，替换现有的 0 个日期。"), "\(preview.stdout)\(preview.stderr)")
        let load = try await ChildProcess.run([huqi, "calendar", "load", calendar.path], environment: env)
        #expect(load.status == 0, "\(load.stderr)")
        #expect(load.stdout.contains("2027"))
        #expect(load.stdout.contains("未结期限按新日历重算：检查 0 个"), "\(load.stdout)")
        let broken = folder.appendingPathComponent("broken.csv")
        try "date,kind,name\n2027-13-01,holiday,x\n".write(to: broken, atomically: true, encoding: .utf8)
        let refused = try await ChildProcess.run([huqi, "calendar", "load", broken.path], environment: env)
        #expect(refused.status == 1 && refused.stderr.contains("第 2 行"), "\(refused.stderr)")

        let settings = try await ChildProcess.run([huqi, "settings", "--day-mode", "working", "--lease-minutes", "45"], environment: env)
        #expect(settings.status == 0, "\(settings.stderr)")
        #expect(settings.stdout.contains("工作日") && settings.stdout.contains("45 分钟"))

        _ = try await ChildProcess.run([huqi, "partner", "add", "LNFIC", "--name", "辽宁省工商业联合会"], environment: env)
        _ = try await ChildProcess.run([huqi, "user", "add", "pros.jz", "--unit", "210700", "--role", "prosecutor", "--name", "锦州检察官"], environment: env)
        let file = folder.appendingPathComponent("batch.csv")
        try Data(BatchSamples.csv([
            "1,Q-1,甲有限公司,91210700MADR9L8F50,锦州,民营,王某,,,某局,申诉,多次到市信访局反映要求退还保证金,是,2026-11-20",
            "2,Q-2,乙有限公司,91210231550644863P,锦州,民营,李某,,,某委,申诉,要求支付工程款,否,2026-11-20",
        ])).write(to: file)
        let imported = try await ChildProcess.run([huqi, "import", file.path, "--partner", "LNFIC"], environment: env)
        #expect(imported.status == 0, "\(imported.stderr)")

        let list = try await ChildProcess.run([huqi, "queue", "list", "--as", "pros.jz"], environment: env)
        #expect(list.stdout.contains("锦州市人民检察院(210700)\t分流\t2\t2"), "\(list.stdout)")
        for _ in 0..<2 {
            let claim = try await ChildProcess.run([huqi, "queue", "claim", "--as", "pros.jz", "--stage", "triage"], environment: env)
            #expect(claim.status == 0, "\(claim.stderr)")
            #expect(claim.stdout.contains("已领取案件"))
        }
        let empty = try await ChildProcess.run([huqi, "queue", "claim", "--as", "pros.jz", "--stage", "triage"], environment: env)
        #expect(empty.status == 3)
        #expect(empty.stderr.contains("暂无可领取"))

        let client = PostgresClient(configuration: .init(connectionString: url), logger: TestDatabase.logger)
        let mode = try await client.query("SELECT day_mode FROM case_deadlines LIMIT 1")[0].decode(String.self, at: 0)
        #expect(mode == "working", "deadlines follow the configured day mode")
        let years = try await client.query("SELECT count(*) FROM calendar_years WHERE year = 2027")[0].decode(Int.self, at: 0)
        #expect(years == 1)
        let actions = try await client.query("""
            SELECT action FROM audit_events WHERE action IN ('calendar.load', 'settings.update', 'case.claim') ORDER BY id
            """).map { try $0.decode(String.self, at: 0) }
        #expect(actions == ["calendar.load", "settings.update", "case.claim", "case.claim"])

        // A correction of 2027 that makes 03-01 a day off: the preview names each moved due date by the case's number.
        try await client.query("""
            UPDATE case_deadlines SET starts_on = '2026-12-01', original_due_on = '2027-03-01', due_on = '2027-03-01', provisional = true
            WHERE kind = 'result_reply' AND case_id = (SELECT id FROM cases WHERE external_ref = 'Q-1')
            """)
        let q1 = try await client.query("SELECT id FROM cases WHERE external_ref = 'Q-1'")[0].decode(Int64.self, at: 0)
        let corrected = folder.appendingPathComponent("cn-calendar-2027-corrected.csv")
        try "date,kind,name\n2027-01-01,holiday,元旦\n2027-03-01,holiday,假日\n".write(to: corrected, atomically: true, encoding: .utf8)
        let moves = try await ChildProcess.run([huqi, "calendar", "load", corrected.path, "--dry-run"], environment: env)
        #expect(moves.status == 0 && moves.stdout.contains("  案件 Q-1（\(q1)）结果或进展答复（3个月）：2027-03-01 → 2027-03-02"),
                "\(moves.stdout)\(moves.stderr)")
        await client.shutdown()
    }
}

/// `huqi report weekly` through the real binary.
@Suite("huqi report weekly")
struct ReportCommandTests {
    let huqi = ChildProcess.huqiExecutable

    @Test("prints Markdown by default, writes HTML to a file, issues versioned snapshots, refuses a week that does not exist")
    func weekly() async throws {
        let database = try await TestDatabase.create()
        let env: [String: String?] = ["HUQI_DATABASE_URL": try TestDatabase.connectionString(database: database)]
        let markdown = try await ChildProcess.run([huqi, "report", "weekly", "--week", "2026-W48"], environment: env)
        #expect(markdown.status == 0, "\(markdown.stderr)")
        #expect(markdown.stdout.contains("# 检察护企十项举措周报 2026-W48（2026年11月23日—2026年11月29日）"))
        #expect(markdown.stdout.contains("化解率 = 已化解件数 ÷ 同期进入评估的涉信访事项件数"))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("周报-\(UUID().uuidString).html")
        defer { try? FileManager.default.removeItem(at: file) }
        for _ in 0..<2 {
            let html = try await ChildProcess.run([huqi, "report", "weekly", "--week", "2026-W48", "--format", "html", "-o", file.path, "--issue"],
                                                  environment: env)
            #expect(html.status == 0, "\(html.stderr)")
        }
        #expect(try String(contentsOf: file, encoding: .utf8).contains("<svg"))
        let client = PostgresClient(configuration: .init(connectionString: try TestDatabase.connectionString(database: database)),
                                    logger: TestDatabase.logger)
        let versions = try await client.query("SELECT array_agg(version ORDER BY version) FROM weekly_reports WHERE week = '2026-W48'")[0]
            .decode([Int].self, at: 0)
        #expect(versions == [1, 2])
        await client.shutdown()
        // -o writes in place: a symlink (like /dev/null, a device) stays what it is.
        let target = file.deletingLastPathComponent().appendingPathComponent("target-\(UUID().uuidString).md")
        let link = file.deletingLastPathComponent().appendingPathComponent("link-\(UUID().uuidString).md")
        FileManager.default.createFile(atPath: target.path, contents: nil)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)
        defer { try? FileManager.default.removeItem(at: link); try? FileManager.default.removeItem(at: target) }
        let viaLink = try await ChildProcess.run([huqi, "report", "weekly", "--week", "2026-W48", "-o", link.path], environment: env)
        #expect(viaLink.status == 0, "\(viaLink.stderr)")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: link.path)) == target.path, "the link was not replaced")
        #expect(try String(contentsOf: target, encoding: .utf8).hasPrefix("# 检察护企十项举措周报"))
        let wrong = try await ChildProcess.run([huqi, "report", "weekly", "--week", "2025-W53"], environment: env)
        #expect(wrong.status != 0)
        #expect(wrong.stderr.contains("2026-W48 这样的 ISO 周"))
        let next = ISOWeek(containing: CalendarDate.today()).adding(weeks: 1)
        let future = try await ChildProcess.run([huqi, "report", "weekly", "--week", next.description, "--issue"], environment: env)
        #expect(future.status != 0 && future.stderr.contains("\(next) 尚未开始"), "\(future.stderr)")
    }
}
