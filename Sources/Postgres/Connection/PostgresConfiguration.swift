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

    /// Creates a configuration with huqi's session defaults.
    public init(
        connectionString: String, applicationName: String = "huqi",
        timeZone: String = "UTC", connectTimeoutSeconds: Int = 5
    ) {
        self.connectionString = connectionString
        self.applicationName = applicationName
        self.timeZone = timeZone
        self.connectTimeoutSeconds = connectTimeoutSeconds
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
                + "-c bytea_output=hex -c extra_float_digits=3"),
        ]
    }
}
