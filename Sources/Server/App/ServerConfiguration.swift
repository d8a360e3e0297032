import Foundation

/// Settings of the HTTP server, read from the environment (see README "Configuration").
public struct ServerConfiguration: Sendable {
    /// Address to bind, `HUQI_HOST` (default `127.0.0.1`: TLS is terminated by a reverse proxy).
    public var host: String
    /// Port, `HUQI_PORT` (default 8080).
    public var port: Int

    /// Seconds a connection may stay without a complete request part before it is closed,
    /// `HUQI_IDLE_TIMEOUT` (default 30): idle keep-alive connections, and clients that trickle
    /// their request headers (slowloris), are dropped. A request being answered is never cut.
    public var idleTimeoutSeconds: Int

    /// Creates a configuration.
    public init(host: String = "127.0.0.1", port: Int = 8080, idleTimeoutSeconds: Int = 30) {
        self.host = host
        self.port = port
        self.idleTimeoutSeconds = idleTimeoutSeconds
    }

    /// Reads `HUQI_HOST`, `HUQI_PORT` and `HUQI_IDLE_TIMEOUT`; throws a Chinese message for a bad value.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ServerConfiguration {
        var configuration = ServerConfiguration()
        if let host = environment["HUQI_HOST"], !host.isEmpty { configuration.host = host }
        if let text = environment["HUQI_PORT"], !text.isEmpty {
            guard let port = Int(text), (1...65_535).contains(port) else {
                throw ConfigurationError(code: "config.port_invalid", message: "HUQI_PORT=\(text) 不是有效端口号（1–65535）。")
            }
            configuration.port = port
        }
        if let text = environment["HUQI_IDLE_TIMEOUT"], !text.isEmpty {
            guard let seconds = Int(text), (1...3_600).contains(seconds) else {
                throw ConfigurationError(code: "config.idle_timeout_invalid", message: "HUQI_IDLE_TIMEOUT=\(text) 应为 1–3600 之间的秒数。")
            }
            configuration.idleTimeoutSeconds = seconds
        }
        return configuration
    }
}

/// A setting in the environment is unusable. `message` is Chinese, for the operator.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    /// A stable identifier, e.g. `config.port_invalid`.
    public let code: String
    /// What is wrong and what to do.
    public let message: String

    /// Creates an error.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(message) [\(code)]" }
}
