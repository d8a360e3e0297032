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
                         current_setting('client_connection_check_interval'), current_setting('application_name')]
            """)[0].decode([String].self, at: 0)
        await connection.close()
        return values
    }

    @Test("the pinned settings win over the connection string's options; the client check runs every second unless turned off")
    func pinned() async throws {
        let database = try await TestDatabase.create(migrated: false)
        let url = try TestDatabase.connectionString(database: database)
        let contrary = url + " options='-c DateStyle=German -c TimeZone=Asia/Tokyo -c bytea_output=escape'"
        #expect(try await settings(.init(connectionString: contrary)) == ["ISO, YMD", "UTC", "hex", "1s", "huqi"])
        #expect(try await settings(.init(connectionString: url, applicationName: "huqi import", clientCheckIntervalMilliseconds: 0))
                    == ["ISO, YMD", "UTC", "hex", "0", "huqi import"])
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
}
