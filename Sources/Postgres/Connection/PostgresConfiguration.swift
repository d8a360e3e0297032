/// How to reach PostgreSQL and which session settings every connection pins.
public struct PostgresConfiguration: Sendable {
    /// A libpq connection string: a URL (`postgresql://user@host/db`) or `key=value` pairs
    /// (`host=/path/to/socket dbname=huqi`).
    public var connectionString: String
    /// Shown in `pg_stat_activity.application_name`.
    public var applicationName: String
    /// The session time zone; text timestamps are decoded relative to it. Default `UTC`.
    public var timeZone: String
    /// Seconds libpq waits for a connection before giving up.
    public var connectTimeoutSeconds: Int
    /// How often, in milliseconds, the server checks during a statement that its client is
    /// still there (`client_connection_check_interval`; 0 turns the check off). Without it a
    /// killed process's statement runs on to its end — a large import's for many minutes,
    /// holding its locks — because PostgreSQL otherwise notices a closed socket only when it
    /// next writes to it.
    public var clientCheckIntervalMilliseconds: Int

    /// Creates a configuration with huqi's session defaults.
    public init(
        connectionString: String, applicationName: String = "huqi",
        timeZone: String = "UTC", connectTimeoutSeconds: Int = 5, clientCheckIntervalMilliseconds: Int = 1000
    ) {
        self.connectionString = connectionString
        self.applicationName = applicationName
        self.timeZone = timeZone
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.clientCheckIntervalMilliseconds = clientCheckIntervalMilliseconds
    }

    /// The keyword/value pairs given to `PQconnectdbParams`. The connection string comes first
    /// (expanded by libpq) and the pinned settings after it, so they always win: text decoding
    /// must not depend on a server's or user's defaults.
    var libpqParameters: [(String, String)] {
        [
            ("dbname", connectionString),
            ("application_name", applicationName),
            ("client_encoding", "UTF8"),
            ("connect_timeout", String(connectTimeoutSeconds)),
            ("options", "-c DateStyle=ISO,YMD -c TimeZone=\(timeZone) -c IntervalStyle=iso_8601 "
                + "-c bytea_output=hex -c extra_float_digits=3 "
                + "-c client_connection_check_interval=\(clientCheckIntervalMilliseconds)"),
        ]
    }
}
