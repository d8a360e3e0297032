-- Loading a year of holiday data (or correcting one) computes the open deadlines over it again
-- (`huqi calendar load`): a due date that moves is shown on the case's timeline as its own
-- event, 'recomputed', with the old and new date. The due-date history trigger of 0008 keeps
-- past weeks' summaries as they were.
ALTER TABLE case_events DROP CONSTRAINT case_events_kind_check;
ALTER TABLE case_events ADD CONSTRAINT case_events_kind_check
    CHECK (kind IN ('intake', 'update', 'transition', 'claim', 'release', 'lease_expired',
                    'assign', 'override', 'hold', 'resume', 'reply', 'extension',
                    'escalation', 'clue_created', 'clue_transferred', 'clue_result',
                    'lead', 'typical', 'retriage', 'recomputed'));
