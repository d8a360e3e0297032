import Domain
import Postgres

/// A procuratorate (院), one per GB/T 2260 division.
public struct Unit: Sendable, Equatable, Codable {
    /// The division code, e.g. `210781`.
    public var code: String
    /// The Chinese name, e.g. 凌海市人民检察院.
    public var name: String
    /// `province`, `city` or `county`.
    public var level: String
    /// The unit above, if any.
    public var parentCode: String?
}

/// Reads units within a principal's scope.
public struct UnitRepository: Sendable {
    let client: PostgresClient

    /// Creates a repository on a pool.
    public init(client: PostgresClient) { self.client = client }

    /// Units the principal may see, in tree order.
    public func list(for principal: Principal, limit: Int = 200, offset: Int = 0) async throws -> [Unit] {
        let scope = AccessPolicy.scope(of: principal, over: .unit).condition(unitColumn: "u.code")
        return try await client.query("""
            SELECT u.code, u.name, u.level, u.parent_code FROM units u WHERE \(scope)
            ORDER BY u.path LIMIT \(limit) OFFSET \(offset)
            """).map(Self.decode)
    }

    /// One unit, or nil when it does not exist *or* is outside the principal's scope.
    public func find(code: String, for principal: Principal) async throws -> Unit? {
        let scope = AccessPolicy.scope(of: principal, over: .unit).condition(unitColumn: "u.code")
        return try await client.query("""
            SELECT u.code, u.name, u.level, u.parent_code FROM units u WHERE u.code = \(code) AND \(scope)
            """).first.map(Self.decode)
    }

    /// The unit's path (`/210000/210700/`), for building a principal; nil when unknown.
    public func path(of code: String) async throws -> String? {
        try await client.query("SELECT path FROM units WHERE code = \(code)").first?.decode(String.self, at: 0)
    }

    static func decode(_ row: PostgresRow) throws -> Unit {
        let (code, name, level, parent) = try row.decode((String, String, String, String?).self)
        return Unit(code: code, name: name, level: level, parentCode: parent)
    }
}
