import Crypto
import Domain
import Foundation
import Postgres

/// A freshly issued API key. `plaintext` is shown once and never stored.
public struct IssuedKey: Sendable {
    /// Internal id of the key row.
    public let id: Int
    /// The public part, used to find the row (safe to log).
    public let prefix: String
    /// The whole key, `huqi_<prefix>_<secret>`, sent as `Authorization: Bearer …`.
    public let plaintext: String
}

/// Issues, checks, rotates and revokes API keys of partners and API tokens of users.
///
/// A key is `huqi_` + 10 base32 characters (prefix) + `_` + 52 base32 characters (256 random
/// bits). The table keeps the prefix and the SHA-256 of the secret only.
public struct APIKeyRepository: Sendable {
    let client: PostgresClient

    /// Creates a repository on a pool.
    public init(client: PostgresClient) { self.client = client }

    /// Whose key it is.
    public enum Owner: Sendable {
        case partner(id: Int)
        case user(id: Int)
    }

    static func insertKey(owner: Owner, on connection: PostgresConnection) async throws -> IssuedKey {
        let prefix = Base32.random(bytes: 6).prefix(10)
        let secret = Base32.random(bytes: 32)
        let digest = Data(SHA256.hash(data: Data(secret.utf8)))
        let (partnerID, userID): (Int?, Int?) = switch owner {
        case .partner(let id): (id, nil)
        case .user(let id): (nil, id)
        }
        let id = try await connection.query("""
            INSERT INTO api_keys (prefix, secret_sha256, partner_id, user_id)
            VALUES (\(String(prefix)), \(digest), \(partnerID), \(userID)) RETURNING id
            """)[0].decode(Int.self, at: 0)
        return IssuedKey(id: id, prefix: String(prefix), plaintext: "huqi_\(prefix)_\(secret)")
    }

    /// Revokes every active key of the owner and issues a new one, audited.
    public func rotate(owner: Owner, by actor: AuditEvent, entity: String, entityID: String) async throws -> IssuedKey {
        try await client.withTransaction { connection in
            let revoked = try await revokeAll(owner: owner, on: connection)
            let key = try await Self.insertKey(owner: owner, on: connection)
            var event = actor
            event.action = "api_key.rotate"
            event.entity = entity
            event.entityID = entityID
            event.summary = ["new_prefix": key.prefix, "revoked": String(revoked)]
            try await AuditLog.append(event, on: connection)
            return key
        }
    }

    /// Issues an additional key (e.g. a user's API token), audited.
    public func issue(owner: Owner, by actor: AuditEvent, entity: String, entityID: String) async throws -> IssuedKey {
        try await client.withTransaction { connection in
            let key = try await Self.insertKey(owner: owner, on: connection)
            var event = actor
            event.action = "api_key.create"
            event.entity = entity
            event.entityID = entityID
            event.summary = ["prefix": key.prefix]
            try await AuditLog.append(event, on: connection)
            return key
        }
    }

    /// Revokes every active key of the owner, audited; returns how many were revoked.
    @discardableResult
    public func revoke(owner: Owner, by actor: AuditEvent, entity: String, entityID: String) async throws -> Int {
        try await client.withTransaction { connection in
            let count = try await revokeAll(owner: owner, on: connection)
            var event = actor
            event.action = "api_key.revoke"
            event.entity = entity
            event.entityID = entityID
            event.summary = ["revoked": String(count)]
            try await AuditLog.append(event, on: connection)
            return count
        }
    }

    private func revokeAll(owner: Owner, on connection: PostgresConnection) async throws -> Int {
        let condition: PostgresQuery = switch owner {
        case .partner(let id): "partner_id = \(id)"
        case .user(let id): "user_id = \(id)"
        }
        return try await connection.query("UPDATE api_keys SET revoked_at = now() WHERE \(condition) AND revoked_at IS NULL").affectedRows
    }

    /// Checks a presented key and returns who it belongs to. Throws `auth.key_malformed`,
    /// `auth.key_invalid` (unknown or wrong secret: indistinguishable on purpose),
    /// `auth.key_revoked`, `auth.key_expired` or `auth.user_disabled`.
    public func authenticate(_ presented: String) async throws -> Principal {
        try await authenticateWithExpiry(presented).principal
    }

    /// `authenticate`, and when the key expires (nil: never) — how long a caller may be remembered.
    public func authenticateWithExpiry(_ presented: String) async throws -> (principal: Principal, expiresAt: Date?) {
        let parts = presented.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "huqi", parts[1].count == 10, parts[2].count == 52,
              (parts[1] + parts[2]).allSatisfy({ Base32.alphabet.contains($0) })
        else { throw AuthError.keyMalformed }
        // One statement per request: the key, its partner or user with roles, and whether its
        // last use is stale enough to record (at most once a minute per key).
        let rows = try await client.query("""
            SELECT k.id, k.secret_sha256, k.revoked_at IS NOT NULL, coalesce(k.expires_at < now(), false),
                   k.partner_id, p.code, k.user_id,
                   k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute',
                   u.login, u.unit_code, un.path, u.partner_id, coalesce(u.disabled_at IS NOT NULL, false),
                   coalesce((SELECT array_agg(r.role) FROM user_roles r WHERE r.user_id = u.id), '{}'), k.expires_at,
                   coalesce(u.display_name, p.name)
            FROM api_keys k LEFT JOIN partners p ON p.id = k.partner_id
                 LEFT JOIN users u ON u.id = k.user_id LEFT JOIN units un ON un.code = u.unit_code
            WHERE k.prefix = \(String(parts[1]))
            """)
        let presentedDigest = Data(SHA256.hash(data: Data(parts[2].utf8)))
        guard let row = rows.first else { throw AuthError.keyInvalid }
        let (keyID, storedDigest, revoked, expired, partnerID, partnerCode, userID, stale) =
            try row.decode((Int, Data, Bool, Bool, Int?, String?, Int?, Bool).self)
        guard constantTimeEqual(storedDigest, presentedDigest) else { throw AuthError.keyInvalid }
        guard !revoked else { throw AuthError.keyRevoked }
        guard !expired else { throw AuthError.keyExpired }
        if stale {
            try await client.query("""
                UPDATE api_keys SET last_used_at = now()
                WHERE id = \(keyID) AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
                """)
        }
        let expiresAt = try row.decode(Date?.self, at: 14)
        if let partnerID, let partnerCode {
            return (Principal(kind: .partnerKey(partnerID: partnerID, keyID: keyID), label: partnerCode, roles: [], partnerID: partnerID,
                              displayName: try row.decode(String?.self, at: 15)),
                    expiresAt)
        }
        guard let userID, let login = try row.decode(String?.self, at: 8) else { throw AuthError.keyInvalid }
        guard try !row.decode(Bool.self, at: 12) else { throw AuthError.userDisabled }
        return (Principal(kind: .user(id: userID, login: login), label: login,
                          roles: Set(try row.decode([String].self, at: 13).compactMap(Role.init(rawValue:))),
                          unitCode: try row.decode(String?.self, at: 9), unitPath: try row.decode(String?.self, at: 10),
                          partnerID: try row.decode(Int?.self, at: 11), displayName: try row.decode(String?.self, at: 15)),
                expiresAt)
    }
}

/// Compares two digests without an early exit.
func constantTimeEqual(_ lhs: Data, _ rhs: Data) -> Bool {
    guard lhs.count == rhs.count else { return false }
    var difference: UInt8 = 0
    for (a, b) in zip(lhs, rhs) { difference |= a ^ b }
    return difference == 0
}

/// RFC 4648 base32, lower case, no padding: readable, URL- and header-safe.
enum Base32 {
    static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")

    /// `bytes` random bytes from the system's secure generator, encoded.
    static func random(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return encode((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [Character] = []
        var buffer = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return String(output)
    }
}
