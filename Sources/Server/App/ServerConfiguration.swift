import Foundation

/// Settings of the HTTP server, read from the environment (see README "Configuration").
public struct ServerConfiguration: Sendable {
    /// Address to bind, `HUQI_HOST` (default `127.0.0.1`: TLS is terminated by a reverse proxy).
    public var host: String
    /// Port, `HUQI_PORT` (default 8080).
    public var port: Int

    /// Creates a configuration.
    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }

    /// Reads `HUQI_HOST` and `HUQI_PORT`; throws a Chinese message for a bad port.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ServerConfiguration {
        var configuration = ServerConfiguration()
        if let host = environment["HUQI_HOST"], !host.isEmpty { configuration.host = host }
        if let text = environment["HUQI_PORT"], !text.isEmpty {
            guard let port = Int(text), (1...65_535).contains(port) else {
                throw ConfigurationError(code: "config.port_invalid", message: "HUQI_PORT=\(text) 不是有效端口号（1–65535）。")
            }
            configuration.port = port
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
