import Domain
import Foundation
import Postgres

/// An organisation that uploads batches.
public struct Partner: Sendable, Equatable, Codable {
    /// Internal id.
    public var id: Int
    /// Short code, e.g. `LNFIC`.
    public var code: String
    /// Chinese name, e.g. 辽宁省工商业联合会.
    public var name: String
}

/// Creates and reads partners.
public struct PartnerRepository: Sendable {
    let client: PostgresClient

    /// Creates a repository on a pool.
    public init(client: PostgresClient) { self.client = client }

    /// Creates a partner and its first API key in one transaction, audited.
    /// Returns the partner and the key's plaintext (shown once, never stored).
    public func add(code: String, name: String, by actor: AuditEvent) async throws -> (Partner, IssuedKey) {
        guard code.range(of: #"^[A-Za-z0-9][A-Za-z0-9_-]{1,31}$"#, options: .regularExpression) != nil else {
            throw IdentityError.invalidPartnerCode
        }
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...100).contains(name.count) else { throw IdentityError.invalidName }
        do {
            return try await client.withTransaction { connection in
                let id = try await connection.query(
                    "INSERT INTO partners (code, name) VALUES (\(code), \(name)) RETURNING id")[0].decode(Int.self, at: 0)
                let key = try await APIKeyRepository.insertKey(owner: .partner(id: id), on: connection)
                var event = actor
                event.action = "partner.create"
                event.entity = "partner"
                event.entityID = code
                event.summary = ["name": name, "key_prefix": key.prefix]
                try await AuditLog.append(event, on: connection)
                return (Partner(id: id, code: code, name: name), key)
            }
        } catch let error as PostgresError where error.sqlState == PostgresError.SQLState.uniqueViolation {
            throw IdentityError.duplicatePartner(code)
        }
    }

    /// The partner with `code`, or nil when unknown or outside the principal's scope.
    public func find(code: String, for principal: Principal) async throws -> Partner? {
        let scope = AccessPolicy.scope(of: principal, over: .partner).condition(partnerColumn: "p.id")
        return try await client.query("SELECT p.id, p.code, p.name FROM partners p WHERE lower(p.code) = lower(\(code)) AND \(scope)")
            .first.map(Self.decode)
    }

    /// Partners the principal may see.
    public func list(for principal: Principal) async throws -> [Partner] {
        let scope = AccessPolicy.scope(of: principal, over: .partner).condition(partnerColumn: "p.id")
        return try await client.query("SELECT p.id, p.code, p.name FROM partners p WHERE \(scope) ORDER BY p.code").map(Self.decode)
    }

    /// The partner with `code` regardless of scope (operator commands).
    public func find(code: String) async throws -> Partner {
        guard let partner = try await client.query("SELECT id, code, name FROM partners WHERE lower(code) = lower(\(code))").first.map(Self.decode) else {
            throw IdentityError.unknownPartner(code)
        }
        return partner
    }

    static func decode(_ row: PostgresRow) throws -> Partner {
        let (id, code, name) = try row.decode((Int, String, String).self)
        return Partner(id: id, code: code, name: name)
    }
}
