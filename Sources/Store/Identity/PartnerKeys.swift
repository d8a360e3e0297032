import Domain
import Foundation
import Postgres

/// A partner and the state of its API keys, for the people who hand keys out and rotate them:
/// whether the partner can upload at all, and whether a key is still in use.
public struct PartnerKeys: Sendable, Equatable {
    public var partner: Partner
    /// Keys neither revoked nor past their expiry.
    public var activeKeys: Int
    /// The last time any of its keys was accepted (recorded at most once a minute); nil when never.
    public var lastUsedAt: Date?
}

extension PartnerRepository {
    /// Every partner the principal may see with its keys' state, by code.
    public func keys(for principal: Principal) async throws -> [PartnerKeys] {
        try await keys(where: AccessPolicy.scope(of: principal, over: .partner).condition(partnerColumn: "p.id"))
    }

    /// Every partner with its keys' state, by code (operator commands).
    public func allKeys() async throws -> [PartnerKeys] {
        try await keys(where: "true")
    }

    private func keys(where scope: PostgresQuery) async throws -> [PartnerKeys] {
        try await client.query("""
            SELECT p.id, p.code, p.name,
                   count(k.id) FILTER (WHERE k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())),
                   max(k.last_used_at)
            FROM partners p LEFT JOIN api_keys k ON k.partner_id = p.id
            WHERE \(scope) GROUP BY p.id ORDER BY p.code
            """).map { row in
            PartnerKeys(partner: try Self.decode(row), activeKeys: try row.decode(Int.self, at: 3), lastUsedAt: try row.decode(Date?.self, at: 4))
        }
    }
}
