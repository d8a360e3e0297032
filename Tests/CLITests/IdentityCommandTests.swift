import Foundation
import Postgres
import Server
import Store
import Testing
import TestSupport

/// The identity commands other tools script, run as the real binary against a test database.
@Suite("huqi partner / user / audit commands")
struct IdentityCommandTests {
    let huqi = ChildProcess.huqiExecutable

    @Test("partner add prints a working key once; users are added, listed, re-roled, given tokens, disabled and enabled; the audit chain verifies")
    func scriptedSetup() async throws {
        let database = try await TestDatabase.create()
        let url = try TestDatabase.connectionString(database: database)
        let env: [String: String?] = ["HUQI_DATABASE_URL": url]

        let partner = try await ChildProcess.run([huqi, "partner", "add", "LNFIC", "--name", "辽宁省工商业联合会"], environment: env)
        #expect(partner.status == 0, "\(partner.stderr)")
        let key = try #require(partner.stdout.split(separator: "\n").last.map(String.init))
        #expect(key.hasPrefix("huqi_"))
        let partners = try await ChildProcess.run([huqi, "partner", "list"], environment: env).stdout
        #expect(partners == "代码\t名称\t有效密钥\t最近使用\nLNFIC\t辽宁省工商业联合会\t1\t从未使用\n", "\(partners)")

        let leader = try await ChildProcess.run(
            [huqi, "user", "add", "wang.jz", "--unit", "210700", "--role", "leader", "--name", "王锦州", "--password-stdin", "--bcrypt-cost", "4"],
            environment: env, input: "a long enough password\n")
        #expect(leader.status == 0, "\(leader.stderr)")
        #expect(leader.stdout.contains("院领导"))

        let duplicate = try await ChildProcess.run([huqi, "user", "add", "wang.jz", "--unit", "210700", "--role", "prosecutor", "--name", "重名"], environment: env)
        #expect(duplicate.status == 1)
        #expect(duplicate.stderr.contains("登录名 wang.jz 已被使用"))

        let unknownUnit = try await ChildProcess.run([huqi, "user", "add", "li", "--unit", "219999", "--role", "prosecutor", "--name", "李"], environment: env)
        #expect(unknownUnit.status == 1)
        #expect(unknownUnit.stderr.contains("单位代码 219999 不存在"))

        let role = try await ChildProcess.run([huqi, "user", "role", "wang.jz", "--grant", "prosecutor"], environment: env)
        #expect(role.status == 0, "\(role.stderr)")

        let token = try await ChildProcess.run([huqi, "user", "token", "wang.jz"], environment: env)
        #expect(token.status == 0)
        #expect(token.stdout.hasPrefix("huqi_"))

        let list = try await ChildProcess.run([huqi, "user", "list"], environment: env)
        #expect(list.stdout == "登录名\t姓名\t单位或合作单位\t角色\t状态\nwang.jz\t王锦州\t210700\tleader,prosecutor\t在用\n", "\(list.stdout)")

        let client = PostgresClient(configuration: .init(connectionString: url), logger: TestDatabase.logger)
        let stored = try await client.query("SELECT password_hash FROM users WHERE login = 'wang.jz'")[0].decode(String.self, at: 0)
        #expect(stored.hasPrefix("$2"), "the password is stored as a bcrypt hash")
        #expect(!stored.contains("a long enough password"))
        let actions = try await client.query("SELECT action FROM audit_events ORDER BY id").map { try $0.decode(String.self, at: 0) }
        #expect(actions == ["partner.create", "user.create", "user.roles", "api_key.create"])
        let unsealed = try await client.query("""
            SELECT count(*) FROM audit_events WHERE tx_id >= coalesce((SELECT max(tx_to) FROM audit_seal_ranges), 0)
            """)[0].decode(Int.self, at: 0)
        #expect(unsealed == 0, "each command sealed what it wrote to the audit log before it exited")

        let verify = try await ChildProcess.run([huqi, "audit", "verify"], environment: env)
        #expect(verify.status == 0)
        #expect(verify.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "intact, 4 events")

        // A person who leaves: disabled (their token refused), listed as such, enabled again.
        let disable = try await ChildProcess.run([huqi, "user", "disable", "wang.jz"], environment: env)
        #expect(disable.status == 0, "\(disable.stderr)")
        #expect(disable.stdout.contains("已停用 wang.jz（王锦州），结束了 0 个登录会话"))
        #expect(try await ChildProcess.run([huqi, "user", "list"], environment: env).stdout.contains("leader,prosecutor\t已停用"))
        let presented = token.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        await #expect(throws: (any Error).self) { _ = try await APIKeyRepository(client: client).authenticate(presented) }
        #expect(try await ChildProcess.run([huqi, "user", "enable", "wang.jz"], environment: env).status == 0)
        #expect(try await APIKeyRepository(client: client).authenticate(presented).label == "wang.jz")
        let revoked = try await ChildProcess.run([huqi, "user", "token", "wang.jz", "--revoke"], environment: env)
        #expect(revoked.stdout.contains("已吊销 wang.jz 的 1 个 API 令牌"), "\(revoked.stderr)")
        await #expect(throws: IdentityError.self) { _ = try await APIKeyRepository(client: client).authenticate(presented) }
        let unknown = try await ChildProcess.run([huqi, "user", "disable", "nobody"], environment: env)
        #expect(unknown.status == 1 && unknown.stderr.contains("用户 nobody 不存在"))
        let statusActions = try await client.query("""
            SELECT action FROM audit_events WHERE action IN ('user.disable', 'user.enable', 'api_key.revoke') ORDER BY id
            """).map { try $0.decode(String.self, at: 0) }
        #expect(statusActions == ["user.disable", "user.enable", "api_key.revoke"])

        // An operator rotating keys sees whether a key is still in use, and a partner left without one.
        _ = try await APIKeyRepository(client: client).authenticate(key)
        let used = try await ChildProcess.run([huqi, "partner", "list"], environment: env).stdout.split(separator: "\n")[1].split(separator: "\t")
        #expect(used.count == 4 && used[2] == "1" && used[3].hasPrefix("20") && used[3].count == 16, "\(used)")
        let revoke = try await ChildProcess.run([huqi, "partner", "key", "revoke", "LNFIC"], environment: env)
        #expect(revoke.status == 0)
        let revokedList = try await ChildProcess.run([huqi, "partner", "list"], environment: env).stdout.split(separator: "\n")[1].split(separator: "\t")
        #expect(revokedList.count == 4 && revokedList[2] == "0" && revokedList[3] == used[3], "\(revokedList)")
        let lastAction = try await client.query("SELECT action FROM audit_events ORDER BY id DESC LIMIT 1")[0].decode(String.self, at: 0)
        #expect(lastAction == "api_key.revoke")
        let keyState = try await client.query("SELECT count(*) FILTER (WHERE revoked_at IS NULL) FROM api_keys WHERE partner_id IS NOT NULL")
        #expect(try keyState[0].decode(Int.self, at: 0) == 0)

        try await client.withConnection { connection in
            try await connection.query("SET session_replication_role = replica")
            try await connection.query("UPDATE audit_events SET actor_label = 'someone else' WHERE id = 2")
        }
        await client.shutdown()
        let tampered = try await ChildProcess.run([huqi, "audit", "verify"], environment: env)
        #expect(tampered.status == 1)
        #expect(tampered.stdout.contains("broken at event 2"))
    }

    @Test("user password gives a forgotten account a new initial password from stdin only, ends its web sessions, and is audited")
    func passwordReset() async throws {
        let database = try await TestDatabase.create()
        let url = try TestDatabase.connectionString(database: database)
        let env: [String: String?] = ["HUQI_DATABASE_URL": url]
        let added = try await ChildProcess.run(
            [huqi, "user", "add", "admin.one", "--role", "admin", "--name", "管理员", "--password-stdin", "--bcrypt-cost", "4"],
            environment: env, input: "the first password\n")
        #expect(added.status == 0, "\(added.stderr)")
        let client = PostgresClient(configuration: .init(connectionString: url), logger: TestDatabase.logger)
        let id = try await UserRepository(client: client).id(ofLogin: "admin.one")
        let session = try await SessionRepository(client: client).start(userID: id, login: "admin.one", address: "127.0.0.1")
        func stored() async throws -> String {
            try await client.query("SELECT password_hash FROM users WHERE login = 'admin.one'")[0].decode(String.self, at: 0)
        }
        let before = try await stored()

        let onCommandLine = try await ChildProcess.run([huqi, "user", "password", "admin.one"], environment: env, input: "a new password 1\n")
        #expect(onCommandLine.status != 0 && onCommandLine.stderr.contains("--password-stdin"), "\(onCommandLine.stderr)")
        let short = try await ChildProcess.run([huqi, "user", "password", "admin.one", "--password-stdin"], environment: env, input: "short\n")
        #expect(short.status == 1 && short.stderr.contains("密码至少需要 10 个字符"), "\(short.stderr)")
        let unknown = try await ChildProcess.run([huqi, "user", "password", "nobody", "--password-stdin"], environment: env, input: "a new password 1\n")
        #expect(unknown.status == 1 && unknown.stderr.contains("用户 nobody 不存在"), "\(unknown.stderr)")
        #expect(try await stored() == before, "nothing changed so far")

        let reset = try await ChildProcess.run([huqi, "user", "password", "Admin.One", "--password-stdin", "--bcrypt-cost", "4"],
                                               environment: env, input: "a new password 1\n")
        #expect(reset.status == 0 && reset.stdout.contains("已为 admin.one 设置新的初始密码，结束了 1 个网页登录。本人登录后须先在“账号”页修改"), "\(reset.stdout) \(reset.stderr)")
        let after = try await stored()
        #expect(after != before && after.hasPrefix("$2") && !after.contains("a new password"))
        #expect(try await PasswordHasher(cost: 4).verify("a new password 1", against: after))
        await #expect(throws: AuthError.sessionExpired) { try await SessionRepository(client: client).resolve(token: session.token) }
        let initial = try await client.query("SELECT password_is_initial FROM users WHERE login = 'admin.one'")[0].decode(Bool.self, at: 0)
        #expect(initial, "set by an operator: the pages ask its owner to replace it")
        let actions = try await client.query("SELECT action, actor_label FROM audit_events WHERE action LIKE 'user.password%'")
            .map { try $0.decode((String, String).self) }
        #expect(actions.count == 1 && actions.first?.0 == "user.password_reset" && actions.first?.1.isEmpty == false, "\(actions)")

        // The same event through huqi audit list, as an operator reads the log.
        let listed = try await ChildProcess.run([huqi, "audit", "list", "--action", "user.", "--entity", "user", "--id", "admin.one"], environment: env)
        let lines = listed.stdout.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        #expect(listed.status == 0 && lines.count == 3, "header, the reset, the creation: \(listed.stdout) \(listed.stderr)")
        #expect(lines.first?.prefix(4) == ["编号", "时间（北京）", "操作人", "操作"])
        #expect(lines.dropFirst().first.map { Array($0[3...6]) } == ["重置密码", "user.password_reset", "user", "admin.one"])
        #expect(lines.dropFirst().first?.last == "sessions_ended=1")
        let noEntity = try await ChildProcess.run([huqi, "audit", "list", "--id", "42"], environment: env)
        #expect(noEntity.status != 0 && noEntity.stderr.contains("--id 需要和 --entity 一起使用"), "\(noEntity.stderr)")
        let badDay = try await ChildProcess.run([huqi, "audit", "list", "--from", "2026-13-01"], environment: env)
        #expect(badDay.status != 0 && badDay.stderr.contains("--from 应为 2026-11-28 这样的日期"), "\(badDay.stderr)")
        await client.shutdown()
    }
}
