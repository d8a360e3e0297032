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

/// How long a connect waits for a server that never answers: huqi's default of 5 s, unless the
/// operator's connection string names its own `connect_timeout` (a distant or busy server).
@Suite("connect timeout")
struct ConnectTimeoutTests {
    /// A TCP port that accepts connections (the kernel completes the handshake) but never
    /// answers: a hung server, or a firewall that swallows packets after the handshake.
    final class SilentListener {
        let socket: Int32
        let port: Int
        init() throws {
            let descriptor = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            socket = descriptor
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                    Glibc.bind(descriptor, raw, length) == 0 && listen(descriptor, 16) == 0 && getsockname(descriptor, raw, &length) == 0
                }
            }
            guard bound else { throw POSIXError(.EADDRNOTAVAIL) }
            port = Int(UInt16(bigEndian: address.sin_port))
        }
        deinit { close(socket) }
    }

    /// Seconds until connecting to `listener` failed, and the error.
    func failedConnect(_ connectionString: String) async -> (seconds: Double, error: PostgresError?) {
        let started = ContinuousClock.now
        do {
            let connection = try await PostgresConnection.connect(configuration: .init(connectionString: connectionString),
                                                                  logger: TestDatabase.logger)
            await connection.close()
            return (0, nil)
        } catch {
            let elapsed = ContinuousClock.now - started
            return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, error as? PostgresError)
        }
    }

    @Test("the connection string's connect_timeout replaces the default of 5 s; without one the default holds")
    func connectionStringWins() async throws {
        let listener = try SilentListener()
        let base = "host=127.0.0.1 port=\(listener.port) user=huqi dbname=huqi sslmode=disable gssencmode=disable"
        async let own = failedConnect(base + " connect_timeout=8")
        async let fallback = failedConnect(base)
        let (longer, standard) = await (own, fallback)
        // Lower bounds only: a loaded machine makes a timeout later, never earlier.
        #expect(longer.seconds >= 7.5, "the operator's 8 s were cut short: \(longer)")
        #expect(standard.seconds >= 4.5 && standard.seconds < 60, "\(standard)")
        for outcome in [longer, standard] {
            #expect(outcome.error?.code == .connectionFailed && outcome.error?.message?.contains("timeout") == true,
                    "\(String(describing: outcome.error))")
        }
    }
}
