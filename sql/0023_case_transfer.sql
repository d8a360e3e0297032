-- 移送: a leader moves a case to another procuratorate (`POST /api/v1/cases/{id}/transfer`).
-- The case keeps its stage, deadlines, hold and clues; whoever held it lets go. The time of
-- the last transfer is kept on the case: from then on its unit is a person's decision, so a
-- partner's later correction of the region no longer moves it, even while it waits in triage
-- (the correction's `update` event says where the corrected region points instead).
ALTER TABLE cases ADD COLUMN unit_transferred_at timestamptz;

ALTER TABLE case_events DROP CONSTRAINT case_events_kind_check;
ALTER TABLE case_events ADD CONSTRAINT case_events_kind_check
    CHECK (kind IN ('intake', 'update', 'transition', 'claim', 'release', 'lease_expired',
                    'assign', 'override', 'hold', 'resume', 'reply', 'extension',
                    'escalation', 'clue_created', 'clue_transferred', 'clue_result',
                    'lead', 'typical', 'retriage', 'recomputed', 'transfer'));
