import Postgres

/// What the database announces on the `huqi_cache` channel when data under the gateway's cached
/// answers changes (`sql/0016_read_cache_notifications.sql`).
///
/// Announcements are sent at commit, in commit order, to every listening session; a rolled-back
/// change announces nothing.
public enum DataChange: Sendable, Hashable {
    /// Something on this case's page changed: its row, deadlines, timeline or clues.
    case oneCase(Int64)
    /// Something any answer may depend on changed (people, roles, keys, units, partners,
    /// settings, the calendar), or a bulk write changed too many cases to name.
    case everything
    /// A gateway instance's heartbeat (`beat:<instance>:<n>`): proof that announcements arrive.
    case heartbeat(instance: String, sequence: Int)

    /// The channel the triggers notify.
    public static let channel = "huqi_cache"

    /// Reads a notification's payload; nil for a payload this version does not know (a newer
    /// instance's message), which the listener treats as `everything` to stay safe.
    public init?(payload: String) {
        if payload == "all" {
            self = .everything
        } else if payload.hasPrefix("case:"), let id = Int64(payload.dropFirst(5)) {
            self = .oneCase(id)
        } else if payload.hasPrefix("beat:") {
            let parts = payload.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, let sequence = Int(parts[2]) else { return nil }
            self = .heartbeat(instance: String(parts[1]), sequence: sequence)
        } else {
            return nil
        }
    }

    /// Marks the current transaction as a bulk write of cases: the per-row triggers stay quiet
    /// and one `everything` is announced at commit instead (nothing, if it rolls back).
    public static func announceBulkWrite(on connection: PostgresConnection) async throws {
        try await connection.query("SELECT set_config('huqi.cache_bulk', 'on', true), pg_notify(\(channel), 'all')")
    }

    /// The payload of a heartbeat (see `heartbeat`).
    public static func heartbeatPayload(instance: String, sequence: Int) -> String {
        "beat:\(instance):\(sequence)"
    }
}
