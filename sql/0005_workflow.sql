-- Workflow (issue 5): stages with their transition table enforced by a trigger, case events
-- (the timeline and the weekly summary's source), work-queue claims as leases, deadlines on a
-- calendar of holidays and make-up working days, holds, supervision clues, 包案 and typical cases.

-- Settings a programme changes without a release. One row.
CREATE TABLE workflow_settings (
    id                    boolean PRIMARY KEY DEFAULT true CHECK (id),
    day_mode              text NOT NULL DEFAULT 'calendar' CHECK (day_mode IN ('calendar', 'working')),
    near_due_working_days integer NOT NULL DEFAULT 2 CHECK (near_due_working_days BETWEEN 0 AND 30),
    lease_minutes         integer NOT NULL DEFAULT 30 CHECK (lease_minutes BETWEEN 1 AND 1440),
    review_grades         text[] NOT NULL DEFAULT '{优质,合格,基本合格,不合格}' CHECK (cardinality(review_grades) > 0),
    programme_start       date NOT NULL DEFAULT '2026-01-01'
);
INSERT INTO workflow_settings DEFAULT VALUES;

-- The official calendar: public holidays and make-up working days (调休). A year listed in
-- calendar_years has complete data; dates in other years fall back to "weekends rest" and
-- are marked provisional. Adding a year is `huqi calendar load FILE`, a data change.
CREATE TABLE calendar_days (
    day  date PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name text NOT NULL DEFAULT ''
);
CREATE TABLE calendar_years (
    year      integer PRIMARY KEY,
    source    text NOT NULL,
    loaded_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO calendar_days (day, kind, name) VALUES
    ('2024-01-01', 'holiday', '元旦'),
    ('2024-02-04', 'workday', '春节调休上班'),
    ('2024-02-10', 'holiday', '春节'),
    ('2024-02-11', 'holiday', '春节'),
    ('2024-02-12', 'holiday', '春节'),
    ('2024-02-13', 'holiday', '春节'),
    ('2024-02-14', 'holiday', '春节'),
    ('2024-02-15', 'holiday', '春节'),
    ('2024-02-16', 'holiday', '春节'),
    ('2024-02-17', 'holiday', '春节'),
    ('2024-02-18', 'workday', '春节调休上班'),
    ('2024-04-04', 'holiday', '清明节'),
    ('2024-04-05', 'holiday', '清明节'),
    ('2024-04-06', 'holiday', '清明节'),
    ('2024-04-07', 'workday', '清明节调休上班'),
    ('2024-04-28', 'workday', '劳动节调休上班'),
    ('2024-05-01', 'holiday', '劳动节'),
    ('2024-05-02', 'holiday', '劳动节'),
    ('2024-05-03', 'holiday', '劳动节'),
    ('2024-05-04', 'holiday', '劳动节'),
    ('2024-05-05', 'holiday', '劳动节'),
    ('2024-05-11', 'workday', '劳动节调休上班'),
    ('2024-06-10', 'holiday', '端午节'),
    ('2024-09-14', 'workday', '中秋节调休上班'),
    ('2024-09-15', 'holiday', '中秋节'),
    ('2024-09-16', 'holiday', '中秋节'),
    ('2024-09-17', 'holiday', '中秋节'),
    ('2024-09-29', 'workday', '国庆节调休上班'),
    ('2024-10-01', 'holiday', '国庆节'),
    ('2024-10-02', 'holiday', '国庆节'),
    ('2024-10-03', 'holiday', '国庆节'),
    ('2024-10-04', 'holiday', '国庆节'),
    ('2024-10-05', 'holiday', '国庆节'),
    ('2024-10-06', 'holiday', '国庆节'),
    ('2024-10-07', 'holiday', '国庆节'),
    ('2024-10-12', 'workday', '国庆节调休上班'),
    ('2025-01-01', 'holiday', '元旦'),
    ('2025-01-26', 'workday', '春节调休上班'),
    ('2025-01-28', 'holiday', '春节'),
    ('2025-01-29', 'holiday', '春节'),
    ('2025-01-30', 'holiday', '春节'),
    ('2025-01-31', 'holiday', '春节'),
    ('2025-02-01', 'holiday', '春节'),
    ('2025-02-02', 'holiday', '春节'),
    ('2025-02-03', 'holiday', '春节'),
    ('2025-02-04', 'holiday', '春节'),
    ('2025-02-08', 'workday', '春节调休上班'),
    ('2025-04-04', 'holiday', '清明节'),
    ('2025-04-05', 'holiday', '清明节'),
    ('2025-04-06', 'holiday', '清明节'),
    ('2025-04-27', 'workday', '劳动节调休上班'),
    ('2025-05-01', 'holiday', '劳动节'),
    ('2025-05-02', 'holiday', '劳动节'),
    ('2025-05-03', 'holiday', '劳动节'),
    ('2025-05-04', 'holiday', '劳动节'),
    ('2025-05-05', 'holiday', '劳动节'),
    ('2025-05-31', 'holiday', '端午节'),
    ('2025-06-01', 'holiday', '端午节'),
    ('2025-06-02', 'holiday', '端午节'),
    ('2025-09-28', 'workday', '国庆节调休上班'),
    ('2025-10-01', 'holiday', '国庆节、中秋节'),
    ('2025-10-02', 'holiday', '国庆节、中秋节'),
    ('2025-10-03', 'holiday', '国庆节、中秋节'),
    ('2025-10-04', 'holiday', '国庆节、中秋节'),
    ('2025-10-05', 'holiday', '国庆节、中秋节'),
    ('2025-10-06', 'holiday', '国庆节、中秋节'),
    ('2025-10-07', 'holiday', '国庆节、中秋节'),
    ('2025-10-08', 'holiday', '国庆节、中秋节'),
    ('2025-10-11', 'workday', '国庆节调休上班'),
    ('2026-01-01', 'holiday', '元旦'),
    ('2026-01-02', 'holiday', '元旦'),
    ('2026-01-03', 'holiday', '元旦'),
    ('2026-01-04', 'workday', '元旦调休上班'),
    ('2026-02-14', 'workday', '春节调休上班'),
    ('2026-02-15', 'holiday', '春节'),
    ('2026-02-16', 'holiday', '春节'),
    ('2026-02-17', 'holiday', '春节'),
    ('2026-02-18', 'holiday', '春节'),
    ('2026-02-19', 'holiday', '春节'),
    ('2026-02-20', 'holiday', '春节'),
    ('2026-02-21', 'holiday', '春节'),
    ('2026-02-22', 'holiday', '春节'),
    ('2026-02-23', 'holiday', '春节'),
    ('2026-02-28', 'workday', '春节调休上班'),
    ('2026-04-04', 'holiday', '清明节'),
    ('2026-04-05', 'holiday', '清明节'),
    ('2026-04-06', 'holiday', '清明节'),
    ('2026-05-01', 'holiday', '劳动节'),
    ('2026-05-02', 'holiday', '劳动节'),
    ('2026-05-03', 'holiday', '劳动节'),
    ('2026-05-04', 'holiday', '劳动节'),
    ('2026-05-05', 'holiday', '劳动节'),
    ('2026-05-09', 'workday', '劳动节调休上班'),
    ('2026-06-19', 'holiday', '端午节'),
    ('2026-06-20', 'holiday', '端午节'),
    ('2026-06-21', 'holiday', '端午节'),
    ('2026-09-20', 'workday', '国庆节调休上班'),
    ('2026-09-25', 'holiday', '中秋节'),
    ('2026-09-26', 'holiday', '中秋节'),
    ('2026-09-27', 'holiday', '中秋节'),
    ('2026-10-01', 'holiday', '国庆节'),
    ('2026-10-02', 'holiday', '国庆节'),
    ('2026-10-03', 'holiday', '国庆节'),
    ('2026-10-04', 'holiday', '国庆节'),
    ('2026-10-05', 'holiday', '国庆节'),
    ('2026-10-06', 'holiday', '国庆节'),
    ('2026-10-07', 'holiday', '国庆节'),
    ('2026-10-10', 'workday', '国庆节调休上班');
INSERT INTO calendar_years (year, source) VALUES (2024, 'shared/data/cn-calendar.csv'), (2025, 'shared/data/cn-calendar.csv'), (2026, 'shared/data/cn-calendar.csv');

-- The stage transition table (the same rows as StageTransitions.all in Sources/Domain/Workflow;
-- a test checks they agree). The trigger below refuses every other stage change.
CREATE TABLE stage_transitions (
    from_stage        text NOT NULL,
    to_stage          text NOT NULL,
    roles             text[] NOT NULL,
    requires_petition boolean,
    action_name       text NOT NULL,
    PRIMARY KEY (from_stage, to_stage)
);
INSERT INTO stage_transitions (from_stage, to_stage, roles, requires_petition, action_name) VALUES
    ('triage', 'evaluation', '{prosecutor,leader}', true, '受理评估'),
    ('triage', 'referred', '{prosecutor,leader}', false, '转办'),
    ('evaluation', 'review', '{prosecutor,leader}', NULL, '完成评估'),
    ('review', 'follow_up', '{prosecutor,leader}', NULL, '完成评查'),
    ('follow_up', 'resolved', '{prosecutor,leader}', NULL, '已化解'),
    ('follow_up', 'unresolved', '{leader}', NULL, '认定未化解'),
    ('resolved', 'closed', '{prosecutor,leader}', NULL, '办结'),
    ('unresolved', 'closed', '{prosecutor,leader}', NULL, '办结'),
    ('referred', 'closed', '{prosecutor,leader}', NULL, '办结');

ALTER TABLE cases
    ADD COLUMN stage                  text NOT NULL DEFAULT 'triage'
        CHECK (stage IN ('triage', 'evaluation', 'review', 'follow_up', 'resolved', 'unresolved', 'referred', 'closed')),
    ADD COLUMN stage_changed_at       timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN accepted_on            date NOT NULL DEFAULT (now() AT TIME ZONE 'Asia/Shanghai')::date,
    -- The automatic decision; petition_related is the effective one (the override wins).
    ADD COLUMN triage_auto            boolean,
    ADD COLUMN triage_override        boolean,
    ADD COLUMN triage_override_reason text,
    ADD COLUMN triage_override_by     integer REFERENCES users (id),
    ADD COLUMN triage_override_at     timestamptz,
    -- Who holds the case. A claim is a lease (lease_until set); a leader's assignment has none.
    ADD COLUMN assignee_id            integer REFERENCES users (id),
    ADD COLUMN lease_until            timestamptz,
    ADD COLUMN on_hold_since          date,
    ADD COLUMN hold_reason            text,
    ADD COLUMN regulation_track       boolean NOT NULL DEFAULT false,
    ADD COLUMN lead_leader_id         integer REFERENCES users (id),
    ADD COLUMN lead_since             date,
    ADD COLUMN lead_target_date       date,
    ADD COLUMN typical_summary        text CHECK (length(typical_summary) <= 300),
    ADD COLUMN typical_by             integer REFERENCES users (id),
    ADD COLUMN typical_at             timestamptz,
    ADD COLUMN next_due_on            date,
    ADD CONSTRAINT cases_lease_needs_assignee CHECK (lease_until IS NULL OR assignee_id IS NOT NULL),
    ADD CONSTRAINT cases_override_has_reason CHECK (triage_override IS NULL OR length(btrim(triage_override_reason)) > 0);
UPDATE cases SET triage_auto = petition_related;

-- Claim next: the oldest-due unheld case of one unit's stage queue.
CREATE INDEX cases_queue_idx ON cases (unit_code, stage, next_due_on, id) WHERE assignee_id IS NULL AND on_hold_since IS NULL;
CREATE INDEX cases_assignee_idx ON cases (assignee_id) WHERE assignee_id IS NOT NULL;
CREATE INDEX cases_lease_idx ON cases (lease_until) WHERE lease_until IS NOT NULL;

CREATE FUNCTION cases_stage_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        RAISE EXCEPTION 'a new case starts in stage triage, not %', NEW.stage USING ERRCODE = 'HQ409';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM stage_transitions t
                   WHERE t.from_stage = OLD.stage AND t.to_stage = NEW.stage
                     AND (t.requires_petition IS NULL OR t.requires_petition IS NOT DISTINCT FROM NEW.petition_related)) THEN
        RAISE EXCEPTION 'stage change % -> % is not allowed', OLD.stage, NEW.stage USING ERRCODE = 'HQ409';
    END IF;
    NEW.stage_changed_at := now();
    RETURN NEW;
END
$$;
-- The WHEN conditions are evaluated without calling the function, so bulk inserts and updates
-- that leave the stage alone (intake) pay nothing.
CREATE TRIGGER cases_stage_guard_insert BEFORE INSERT ON cases
    FOR EACH ROW WHEN (NEW.stage <> 'triage') EXECUTE FUNCTION cases_stage_guard();
CREATE TRIGGER cases_stage_guard BEFORE UPDATE OF stage ON cases
    FOR EACH ROW WHEN (OLD.stage IS DISTINCT FROM NEW.stage) EXECUTE FUNCTION cases_stage_guard();

-- Deadlines are rows. due_on moves with holds (paused_days) and the one extension;
-- original_due_on keeps the first computation. Closed when the reply is recorded.
CREATE TABLE case_deadlines (
    id               bigserial PRIMARY KEY,
    case_id          bigint NOT NULL REFERENCES cases (id),
    kind             text NOT NULL CHECK (kind IN ('procedural_reply', 'result_reply', 'followup_reply', 'regulation_handling')),
    seq              integer NOT NULL DEFAULT 1,
    starts_on        date NOT NULL,
    original_due_on  date NOT NULL,
    due_on           date NOT NULL,
    day_mode         text NOT NULL CHECK (day_mode IN ('calendar', 'working')),
    provisional      boolean NOT NULL DEFAULT false,
    paused_days      integer NOT NULL DEFAULT 0,
    extended_days    integer NOT NULL DEFAULT 0 CHECK (extended_days IN (0, 30)),
    extension_reason text,
    extended_by      integer REFERENCES users (id),
    closed_on        date,
    closed_at        timestamptz,
    reply_note       text,
    escalated_at     timestamptz,
    UNIQUE (case_id, kind, seq),
    CHECK (extended_days = 0 OR (kind = 'regulation_handling' AND length(btrim(extension_reason)) > 0)),
    CHECK ((closed_on IS NULL) = (closed_at IS NULL))
);
CREATE INDEX case_deadlines_open_idx ON case_deadlines (due_on) WHERE closed_on IS NULL;
CREATE INDEX case_deadlines_case_idx ON case_deadlines (case_id);

-- The timeline of every case and the source of the weekly summary: append-only, with event time.
CREATE TABLE case_events (
    id          bigserial PRIMARY KEY,
    case_id     bigint NOT NULL REFERENCES cases (id),
    kind        text NOT NULL CHECK (kind IN ('intake', 'update', 'transition', 'claim', 'release', 'lease_expired',
                                               'assign', 'override', 'hold', 'resume', 'reply', 'extension',
                                               'escalation', 'clue_created', 'clue_transferred', 'clue_result',
                                               'lead', 'typical', 'retriage')),
    from_stage  text,
    to_stage    text,
    actor_id    integer REFERENCES users (id),
    actor       text NOT NULL,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    note        text NOT NULL DEFAULT '',
    payload     jsonb NOT NULL DEFAULT '{}',
    deadline_id bigint REFERENCES case_deadlines (id),
    CHECK (kind <> 'transition' OR (from_stage IS NOT NULL AND to_stage IS NOT NULL))
);
CREATE INDEX case_events_case_idx ON case_events (case_id, id);
CREATE INDEX case_events_time_idx ON case_events (occurred_at, kind);
-- One escalation per deadline, even with several gateway instances sweeping.
CREATE UNIQUE INDEX case_events_one_escalation ON case_events (deadline_id) WHERE kind = 'escalation';

CREATE FUNCTION history_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER case_events_no_update BEFORE UPDATE OR DELETE ON case_events
    FOR EACH ROW EXECUTE FUNCTION history_append_only();
CREATE TRIGGER case_events_no_truncate BEFORE TRUNCATE ON case_events
    FOR EACH STATEMENT EXECUTE FUNCTION history_append_only();

-- Supervision clues (监督线索) found in review, transferred to a department, tracked to a result.
CREATE TABLE supervision_clues (
    id             bigserial PRIMARY KEY,
    case_id        bigint NOT NULL REFERENCES cases (id),
    summary        text NOT NULL CHECK (length(btrim(summary)) BETWEEN 1 AND 500),
    created_by     integer REFERENCES users (id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    department     text,
    transferred_at timestamptz,
    result         text CHECK (result IN ('立案', '不立案', '其他')),
    result_note    text,
    result_at      timestamptz,
    CHECK ((department IS NULL) = (transferred_at IS NULL)),
    CHECK (result IS NULL OR transferred_at IS NOT NULL),
    CHECK ((result IS NULL) = (result_at IS NULL))
);
CREATE INDEX supervision_clues_case_idx ON supervision_clues (case_id);

-- The earliest open deadline of each listed case, for "oldest due first" and the queue badges.
CREATE FUNCTION refresh_next_due(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    UPDATE cases c SET next_due_on = (SELECT min(d.due_on) FROM case_deadlines d WHERE d.case_id = c.id AND d.closed_on IS NULL)
    WHERE c.id = ANY (ids)
$$;
