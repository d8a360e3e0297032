-- 核对疑似重复: intake flags a case as a possible duplicate of a stored one (same credit code
-- and respondent, a similar claim within a year: `possible_duplicate_of`). Whoever works the
-- case (its holder, a leader of its unit) checks the flag once: `confirmed` (the same matter,
-- handled together with the other case) or `dismissed` (a different matter). The link stays
-- either way; the check is a `duplicate_review` event on the case with the note, and an audit
-- row `case.duplicate_review`.
ALTER TABLE cases ADD COLUMN duplicate_review text CHECK (duplicate_review IN ('confirmed', 'dismissed'));
ALTER TABLE cases ADD CONSTRAINT cases_duplicate_review_needs_flag
    CHECK (duplicate_review IS NULL OR possible_duplicate_of IS NOT NULL);

ALTER TABLE case_events DROP CONSTRAINT case_events_kind_check;
ALTER TABLE case_events ADD CONSTRAINT case_events_kind_check
    CHECK (kind IN ('intake', 'update', 'transition', 'claim', 'release', 'lease_expired',
                    'assign', 'override', 'hold', 'resume', 'reply', 'extension',
                    'escalation', 'clue_created', 'clue_transferred', 'clue_result',
                    'lead', 'typical', 'retriage', 'recomputed', 'transfer', 'duplicate_review'));
