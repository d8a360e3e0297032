import Foundation
import Postgres

extension UserRepository {
    /// When each of these people was last active in a signed-in browser session (the newest
    /// `last_seen_at` of their sessions, ended ones included); absent: never signed in on the
    /// pages. For the users page, where an administrator looks for accounts nobody uses.
    public func lastActive(_ logins: [String]) async throws -> [String: Date] {
        guard !logins.isEmpty else { return [:] }
        let rows = try await client.query("""
            SELECT u.login, max(s.last_seen_at) FROM users u JOIN sessions s ON s.user_id = u.id
            WHERE u.login = ANY(\(logins)) GROUP BY u.login
            """)
        return try rows.reduce(into: [:]) { result, row in
            let (login, at) = try row.decode((String, Date).self)
            result[login] = at
        }
    }
}
