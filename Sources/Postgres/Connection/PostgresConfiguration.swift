import CLibPQ
import Foundation

/// How to reach PostgreSQL and which session settings every connection pins.
public struct PostgresConfiguration: Sendable {
    /// A libpq connection string: a URL (`postgresql://user@host/db`) or `key=value` pairs
    /// (`host=/path/to/socket dbname=huqi`).
    public var connectionString: String
    /// Shown in `pg_stat_activity.application_name`.
    public var applicationName: String
    /// The session time zone; text timestamps are decoded relative to it. Default `UTC`.
    public var timeZone: String
    /// Seconds libpq waits for a connection before giving up, unless the connection string
    /// (`connect_timeout=…`) or the environment (`PGCONNECT_TIMEOUT`) names its own: an
    /// operator's choice for a distant or busy server wins over this default.
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
    /// must not depend on a server's or user's defaults, nor may the isolation level huqi's
    /// statements are written for (READ COMMITTED: a batch that waited for its partner's turn
    /// must see the cases the batch before it committed; under a database default of
    /// REPEATABLE READ or SERIALIZABLE its snapshot would be older than its wait).
    ///
    /// The default `connect_timeout` goes *before* the connection string, so libpq lets the
    /// string's own value replace it (the last value of a repeated keyword wins), and it is left
    /// out when `PGCONNECT_TIMEOUT` is set, which libpq reads only for a keyword not given.
    ///
    /// `options` is one keyword, so the pinned `-c` settings are appended to the caller's own
    /// (the connection string's `options`, else `PGOPTIONS`) rather than replacing them: an
    /// operator's `-c statement_timeout=…` or `-c search_path=…` stays in force, and where both
    /// name the same setting the later, pinned one wins.
    var libpqParameters: [(String, String)] {
        let pinned = "-c DateStyle=ISO,YMD -c TimeZone=\(timeZone) -c IntervalStyle=iso_8601 "
            + "-c bytea_output=hex -c extra_float_digits=3 -c default_transaction_isolation=read\\ committed "
            + "-c client_connection_check_interval=\(clientCheckIntervalMilliseconds)"
        let own = (Self.options(in: connectionString) ?? ProcessInfo.processInfo.environment["PGOPTIONS"] ?? "")
            .trimmingCharacters(in: .whitespaces)
        let environmentTimeout = ProcessInfo.processInfo.environment["PGCONNECT_TIMEOUT"] ?? ""
        let timeout = environmentTimeout.isEmpty ? [("connect_timeout", String(connectTimeoutSeconds))] : []
        return timeout + [
            ("dbname", connectionString),
            ("application_name", applicationName),
            ("client_encoding", "UTF8"),
            ("options", own.isEmpty ? pinned : own + " " + pinned),
        ]
    }

    /// The pinned settings the server reports at start-up (ParameterStatus), with the value
    /// each must have: checked after every connect at no cost in round trips. When `options`
    /// was dropped on the way (a pooler told to ignore it), these show the server's defaults
    /// instead, and so do the settings no one reports (`client_connection_check_interval`).
    var reportedPins: [(name: String, value: String)] {
        [("TimeZone", timeZone), ("DateStyle", "ISO, YMD"), ("IntervalStyle", "iso_8601")]
    }

    /// The first reported setting that differs from its pin, as `name 为 reported，应为 value`;
    /// nil when all are in force.
    func ignoredPin(reported: (String) -> String?) -> String? {
        for pin in reportedPins {
            let value = reported(pin.name) ?? "（未报告）"
            if value.caseInsensitiveCompare(pin.value) != .orderedSame { return "\(pin.name) 为 \(value)，应为 \(pin.value)" }
        }
        return nil
    }

    /// The `options` a libpq connection string (URL or key=value) gives, parsed by libpq
    /// itself; nil when it gives none or cannot be parsed (connecting then reports why).
    static func options(in connectionString: String) -> String? {
        guard let parsed = PQconninfoParse(connectionString, nil) else { return nil }
        defer { PQconninfoFree(parsed) }
        var option = parsed
        while let keyword = option.pointee.keyword {
            if String(cString: keyword) == "options" { return option.pointee.val.map { String(cString: $0) } }
            option += 1
        }
        return nil
    }
}
