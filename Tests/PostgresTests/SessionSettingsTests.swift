import Foundation
@testable import Postgres
import Testing
import TestSupport

/// The settings every connection pins (`PostgresConfiguration`): text decoding must not depend on
/// a server's or a connection string's defaults, and every session asks the server to notice a
/// client that went away.
@Suite("session settings")
struct SessionSettingsTests {
    func settings(_ configuration: PostgresConfiguration) async throws -> [String] {
        let connection = try await PostgresConnection.connect(configuration: configuration, logger: TestDatabase.logger)
        let values = try await connection.query("""
            SELECT ARRAY[current_setting('DateStyle'), current_setting('TimeZone'), current_setting('bytea_output'),
                         current_setting('client_connection_check_interval'), current_setting('application_name'),
                         current_setting('transaction_isolation')]
            """)[0].decode([String].self, at: 0)
        await connection.close()
        return values
    }

    @Test("the pinned settings win over the connection string's options; the client check runs every second unless turned off")
    func pinned() async throws {
        let database = try await TestDatabase.create(migrated: false)
        let url = try TestDatabase.connectionString(database: database)
        // A DBA's stricter default: huqi's statements are written for READ COMMITTED.
        let admin = try await PostgresConnection.connect(configuration: .init(connectionString: try TestDatabase.adminConnectionString),
                                                         logger: TestDatabase.logger)
        try await admin.query("ALTER DATABASE \(unescaped: database) SET default_transaction_isolation = 'serializable'")
        await admin.close()
        let contrary = url + " options='-c DateStyle=German -c TimeZone=Asia/Tokyo -c bytea_output=escape'"
        #expect(try await settings(.init(connectionString: contrary)) == ["ISO, YMD", "UTC", "hex", "1s", "huqi", "read committed"])
        #expect(try await settings(.init(connectionString: url, applicationName: "huqi import", clientCheckIntervalMilliseconds: 0))
                    == ["ISO, YMD", "UTC", "hex", "0", "huqi import", "read committed"])
    }

    @Test("the connection string's other options stay in force beside the pinned ones, in key=value and URL form")
    func ownOptionsKept() async throws {
        let database = try await TestDatabase.create(migrated: false)
        let keywords = try TestDatabase.connectionString(database: database) + " options='-c statement_timeout=4321 -c DateStyle=German'"
        func timeout(_ connectionString: String) async throws -> [String] {
            let connection = try await PostgresConnection.connect(configuration: .init(connectionString: connectionString), logger: TestDatabase.logger)
            let values = try await connection.query("SELECT ARRAY[current_setting('statement_timeout'), current_setting('DateStyle')]")[0]
                .decode([String].self, at: 0)
            await connection.close()
            return values
        }
        #expect(try await timeout(keywords) == ["4321ms", "ISO, YMD"])
        #expect(PostgresConfiguration.options(in: "postgresql://u@localhost/db?options=-c%20search_path%3Dhuqi") == "-c search_path=huqi")
        #expect(PostgresConfiguration.options(in: "host=/tmp dbname=x") == nil)
    }

    @Test("a pooler that drops `options` is refused with a coded error naming the setting; one that refuses `options` says so")
    func poolerDroppingOptions() async throws {
        let database = try await TestDatabase.create(migrated: false)
        let dropping = try await PgBouncer.start(ignoringOptions: true)
        defer { dropping.stop() }
        // The same server, reached directly, reports the pins: the check itself is not the refusal.
        let direct = try await PostgresConnection.connect(configuration: .init(connectionString: try TestDatabase.connectionString(database: database)),
                                                          logger: TestDatabase.logger)
        await direct.close()
        do {
            let connection = try await PostgresConnection.connect(configuration: .init(connectionString: dropping.connectionString(database: database)),
                                                                  logger: TestDatabase.logger)
            await connection.close()
            Issue.record("a session without the pinned settings must be refused (\(dropping.log))")
        } catch let error as PostgresError {
            #expect(error.code == .sessionSettingsIgnored && error.isConnectionError)
            #expect(error.message?.contains("，应为 ") == true, "\(error.debugDescription)")
        }

        let refusing = try await PgBouncer.start(ignoringOptions: false)
        defer { refusing.stop() }
        do {
            _ = try await PostgresConnection.connect(configuration: .init(connectionString: refusing.connectionString(database: database)),
                                                     logger: TestDatabase.logger)
            Issue.record("PgBouncer refuses the options startup parameter")
        } catch let error as PostgresError {
            #expect(error.code == .connectionFailed && error.message?.contains("unsupported startup parameter: options") == true,
                    "\(error.debugDescription)")
        }
    }
}
