import Domain
import Foundation
import Postgres

/// The versioned triage rule sets (`triage_rule_sets`): the newest decides every new or
/// corrected case; publishing a new version is audited; re-triage applies it to the cases still
/// waiting in triage, keeping every prosecutor's override.
public enum TriageRules {
    /// One stored version.
    public struct Version: Sendable, Codable, Equatable {
        public var version: Int
        public var note: String
        public var createdBy: String
        public var createdAt: Date
        public var rules: TriageRuleSet
        /// Who published it, as pages name them (a person's name, 命令行（root）); not in the API.
        public var createdByName: String? = nil

        enum CodingKeys: String, CodingKey { case version, note, createdBy = "created_by", createdAt = "created_at", rules }
    }

    /// The newest rule set; it decides every case of a batch.
    public static func current(using client: PostgresClient) async throws -> TriageRuleSet {
        try await client.query("SELECT rules FROM triage_rule_sets ORDER BY version DESC LIMIT 1")[0]
            .decode(PostgresJSON<TriageRuleSet>.self, at: 0).value
    }

    /// Every version, newest first.
    public static func versions(using client: PostgresClient) async throws -> [Version] {
        try await client.query("""
            SELECT version, note, created_by, created_at, rules, actor_name(created_by) FROM triage_rule_sets ORDER BY version DESC
            """).map { row in
            let (version, note, by, at, rules, name) = try row.decode((Int, String, String, Date, PostgresJSON<TriageRuleSet>, String?).self)
            return Version(version: version, note: note, createdBy: by, createdAt: at, rules: rules.value, createdByName: name)
        }
    }

    /// Stores `rules` as the next version (its `version` field is set here) and audits it.
    /// Refuses a rule set without petition terms or with blank entries, and a blank note.
    public static func publish(_ rules: TriageRuleSet, note: String, by actor: AuditEvent, using client: PostgresClient) async throws -> Int {
        let note = try CaseActionError.requiredText(note, limit: 500, field: "note", code: "triage_rules.note_missing", message: "请说明本次修改规则的原因（不超过 500 字）。")
        let lists = [rules.petitionTerms, rules.negations, rules.hypotheticals, rules.affirmations, rules.placeAfter, rules.placeBefore]
        guard !rules.petitionTerms.isEmpty, lists.allSatisfy({ $0.allSatisfy { !$0.trimmingCharacters(in: .whitespaces).isEmpty } }) else {
            throw CaseActionError(.invalid, code: "triage_rules.invalid", message: "规则至少要有一个信访用语，且各列表中不能有空白项。", field: "rules")
        }
        return try await client.withTransaction { connection in
            try await connection.query("LOCK TABLE triage_rule_sets IN EXCLUSIVE MODE")
            let next = try await connection.query("SELECT coalesce(max(version), 0) + 1 FROM triage_rule_sets")[0].decode(Int.self, at: 0)
            var stored = rules
            stored.version = next
            try await connection.query("""
                INSERT INTO triage_rule_sets (version, rules, note, created_by) VALUES (\(next), \(PostgresJSON(stored)), \(note), \(actor.actor))
                """)
            var event = actor
            (event.action, event.entity, event.entityID, event.summary) = ("triage_rules.publish", "triage_rules", String(next), ["note": note])
            try await AuditLog.append(event, on: connection)
            return next
        }
    }

    /// Re-decides every case still in the triage stage under the newest rules. An override
    /// stays in force (the automatic decision is updated beside it). Returns how many cases
    /// changed their effective decision.
    public static func retriageWaitingCases(by actor: AuditEvent, using client: PostgresClient) async throws -> Int {
        try await client.withTransaction { connection in
            let rules = try await connection.query("SELECT rules FROM triage_rule_sets ORDER BY version DESC LIMIT 1")[0]
                .decode(PostgresJSON<TriageRuleSet>.self, at: 0).value
            var changed = 0
            for row in try await connection.query("""
                SELECT id, petitioned_before, petition_count, first_petition_date, claim, remarks, petition_related, triage_override
                FROM cases WHERE stage = 'triage' ORDER BY id FOR UPDATE
                """) {
                let (id, before, count, first, claim, remarks, current, override) =
                    try row.decode((Int64, Bool?, Int?, CalendarDate?, String, String?, Bool?, Bool?).self)
                let decision = Triage.decide(TriageInput(petitionedBefore: before, petitionCount: count, firstPetitionDate: first,
                                                         claim: claim, remarks: remarks), rules: rules)
                let effective = override ?? decision.petitionRelated
                try await connection.query("""
                    UPDATE cases SET triage_auto = \(decision.petitionRelated), petition_related = \(effective),
                           triage_reasons = \(decision.reasons), triage_rule_version = \(rules.version)
                    WHERE id = \(id)
                    """)
                if effective != current {
                    changed += 1
                    try await connection.query("""
                        INSERT INTO case_events (case_id, kind, actor, note, payload)
                        VALUES (\(id), 'retriage', \(actor.actor), '按新规则重新分流',
                                jsonb_build_object('rule_version', \(rules.version)::int, 'petition_related', \(effective)::boolean))
                        """)
                }
            }
            var event = actor
            (event.action, event.entity, event.entityID, event.summary) = ("triage_rules.rerun", "triage_rules", String(rules.version),
                                                                           ["changed": String(changed)])
            try await AuditLog.append(event, on: connection)
            return changed
        }
    }
}
