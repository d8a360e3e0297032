import Domain
import Postgres

/// The versioned triage rule sets (`triage_rule_sets`).
public enum TriageRules {
    /// The newest rule set; it decides every case of a batch.
    public static func current(using client: PostgresClient) async throws -> TriageRuleSet {
        try await client.query("SELECT rules FROM triage_rule_sets ORDER BY version DESC LIMIT 1")[0]
            .decode(PostgresJSON<TriageRuleSet>.self, at: 0).value
    }
}
