-- Each figure of the weekly summary counts where it happened: a case's history stays with the
-- unit that had the case then.
--
-- Until now every increment of a case went to the unit the case has *now*. A 移送 (0023) or a
-- corrected region while in triage therefore moved the case's whole history: a week-20 intake
-- counted for the new unit when week 20 was summed again, and the cached weeks were forgotten
-- back to the case's first event (a refill of months of history, 23 s at 1 000 000 cases).
--
-- Now every change of `cases.unit_code`, by any statement, is recorded in `case_unit_moves` (a
-- trigger: the intake's inserts pay nothing). An increment counts for the unit the case had at
-- its moment (`case_unit_then`):
--   * flows (taken in, stages entered and left, resolved, replies, clues, 包案, deadlines opened,
--     moved, closed) for the unit at the event;
--   * the triage decision of a case (`petition`, `new_petition`) for the unit that took it in,
--     like the intake it qualifies, whoever changes it later;
--   * a move itself carries the stocks across: the case's stage (`moved_out` / `moved_in`, key =
--     stage) and each deadline open then (`open_due`, −1 and +1 at its due date then).
-- A move happens at now(), in the current week, so nothing cached changes and nothing is
-- forgotten; a move dated into a past week by hand forgets the weeks from it on.
-- Something that happens in the same transaction as a move counts for the new unit.

CREATE TABLE case_unit_moves (
    id         bigserial PRIMARY KEY,
    case_id    bigint NOT NULL REFERENCES cases (id),
    moved_at   timestamptz NOT NULL DEFAULT now(),
    from_unit  text NOT NULL,
    to_unit    text NOT NULL
);
CREATE INDEX case_unit_moves_case_idx ON case_unit_moves (case_id, moved_at);
CREATE INDEX case_unit_moves_moved_idx ON case_unit_moves (moved_at);

CREATE FUNCTION cases_record_unit_move() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO case_unit_moves (case_id, moved_at, from_unit, to_unit) VALUES (NEW.id, now(), OLD.unit_code, NEW.unit_code);
    RETURN NULL;
END
$$;
CREATE TRIGGER cases_unit_move AFTER UPDATE OF unit_code ON cases
    FOR EACH ROW WHEN (OLD.unit_code IS DISTINCT FROM NEW.unit_code) EXECUTE FUNCTION cases_record_unit_move();

-- The moves recorded before: 移送 events (`from`, `to`) and corrections that moved a case in
-- triage (`unit_from`, `unit_to`), for the cases whose last recorded move ends at their unit.
INSERT INTO case_unit_moves (case_id, moved_at, from_unit, to_unit)
SELECT m.case_id, m.moved_at, m.from_unit, m.to_unit
FROM (SELECT e.case_id, e.id, e.occurred_at AS moved_at,
             coalesce(e.payload->>'from', e.payload->>'unit_from') AS from_unit, coalesce(e.payload->>'to', e.payload->>'unit_to') AS to_unit
      FROM case_events e
      WHERE (e.kind = 'transfer' AND e.payload ? 'from' AND e.payload ? 'to')
         OR (e.kind = 'update' AND e.payload ? 'unit_from' AND e.payload ? 'unit_to')) m
WHERE (SELECT coalesce(l.payload->>'to', l.payload->>'unit_to') FROM case_events l
       WHERE l.case_id = m.case_id AND (l.kind = 'transfer' AND l.payload ? 'to' OR l.kind = 'update' AND l.payload ? 'unit_to')
       ORDER BY l.occurred_at DESC, l.id DESC LIMIT 1) = (SELECT c.unit_code FROM cases c WHERE c.id = m.case_id)
ORDER BY m.moved_at, m.id;

-- The unit case `case_id` had at moment `t` when it has moved since: the unit its first later
-- move left. NULL when it has not moved since (its unit is the one it has now), so callers say
-- `coalesce(case_unit_then(c.id, t), c.unit_code)`. Something at the very moment of a move (in
-- its transaction) is the new unit's.
CREATE FUNCTION case_unit_then(case_id bigint, t timestamptz) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT m.from_unit FROM case_unit_moves m WHERE m.case_id = $1 AND m.moved_at > $2 ORDER BY m.moved_at, m.id LIMIT 1
$$;

-- The increments (0009), each for the unit at its moment, plus the moves. Only the cases that
-- ever moved (passed as an array, hashed by the planner) look their unit up; the rest take their
-- unit now at the cost of a hash probe, and the statement keeps its parallel plan. New metrics:
--   moved_out / moved_in                  key = stage; the case's stage leaving or joining a unit
--   open_due                              also −1 / +1 for each deadline open at a move
CREATE OR REPLACE FUNCTION weekly_increments(from_at timestamptz, to_at timestamptz)
RETURNS TABLE (week date, unit_code text, partner_id integer, metric text, key text, n bigint)
-- History tables are written in time order, so a week's rows sit together and the cases they
-- name are few: index lookups beat scanning every case (the default cost of 4 picks the scan).
LANGUAGE plpgsql STABLE SET random_page_cost = 1.1 AS $fn$
BEGIN
    -- EXECUTE: planned for each call with its bounds (a week, or months when the cache is filled).
    RETURN QUERY EXECUTE $q$
        -- Events grouped by what tells them apart first (few groups), then spread over the metrics.
        SELECT g.week, g.unit_code, g.partner_id, m.metric, m.key, sum(g.n)::bigint
        FROM (SELECT shanghai_monday(e.occurred_at) AS week, CASE WHEN c.id = ANY ($3) THEN coalesce(case_unit_then(c.id, e.occurred_at), c.unit_code) ELSE c.unit_code END AS unit_code, c.partner_id, e.kind, e.from_stage, e.to_stage,
                     CASE WHEN e.kind = 'transition' AND e.to_stage = 'resolved' THEN coalesce(e.payload->>'how', '') END AS how,
                     count(*) AS n
              FROM case_events e JOIN cases c ON c.id = e.case_id
              WHERE e.occurred_at >= $1 AND e.occurred_at < $2
                AND (e.kind IN ('intake', 'override', 'transition', 'clue_created', 'clue_transferred', 'clue_result') OR e.to_stage IS NOT NULL)
              GROUP BY 1, 2, 3, 4, 5, 6, 7) g
        CROSS JOIN LATERAL (VALUES
            (CASE WHEN g.kind = 'intake' THEN 'intake' END, ''),
            (CASE WHEN g.kind = 'override' THEN 'override' END, ''),
            (CASE WHEN g.to_stage IS NOT NULL THEN 'entered' END, g.to_stage),
            (CASE WHEN g.kind = 'transition' THEN 'left' END, g.from_stage),
            (CASE WHEN g.how IS NOT NULL THEN 'resolved' END, g.how),
            (CASE WHEN g.kind = 'transition' AND g.to_stage = 'unresolved' THEN 'unresolved' END, ''),
            (CASE WHEN g.kind = 'transition' AND g.from_stage = 'triage' AND g.to_stage = 'evaluation' THEN 'taken' END, ''),
            (CASE WHEN g.kind IN ('clue_created', 'clue_transferred', 'clue_result') THEN g.kind END, '')
        ) AS m (metric, key)
        WHERE m.metric IS NOT NULL
        GROUP BY 1, 2, 3, 4, 5
      UNION ALL
        -- Triage decisions carried by intake events: no earlier decision to look up.
        SELECT shanghai_monday(e.occurred_at), CASE WHEN c.id = ANY ($3) THEN coalesce(case_unit_then(c.id, e.occurred_at), c.unit_code) ELSE c.unit_code END, c.partner_id, m.metric, m.key, count(*)
        FROM case_events e JOIN cases c ON c.id = e.case_id
        CROSS JOIN LATERAL (VALUES ('petition', (e.occurred_at AT TIME ZONE 'Asia/Shanghai')::date::text), ('new_petition', '')) AS m (metric, key)
        WHERE e.kind = 'intake' AND e.occurred_at >= $1 AND e.occurred_at < $2
          AND coalesce((e.payload->>'petition_related')::boolean, false)
        GROUP BY 1, 2, 3, 4, 5
      UNION ALL
        -- Later decisions (override, retriage, corrected re-upload): the change from the one before
        -- in time (a case's decision as of a moment is its latest decision before it).
        SELECT shanghai_monday(e.occurred_at), CASE WHEN c.id = ANY ($3) THEN coalesce(case_unit_then(c.id, i.intake_at), c.unit_code) ELSE c.unit_code END, c.partner_id, m.metric, m.key,
               sum(coalesce((e.payload->>'petition_related')::boolean, false)::int - coalesce(p.before, false)::int)
        FROM case_events e JOIN cases c ON c.id = e.case_id
        CROSS JOIN LATERAL (SELECT i.occurred_at AS intake_at FROM case_events i
                            WHERE i.case_id = e.case_id AND i.kind = 'intake' ORDER BY i.id LIMIT 1) i
        LEFT JOIN LATERAL (SELECT (p.payload->>'petition_related')::boolean AS before FROM case_events p
                           WHERE p.case_id = e.case_id AND (p.occurred_at, p.id) < (e.occurred_at, e.id) AND p.payload ? 'petition_related'
                           ORDER BY p.occurred_at DESC, p.id DESC LIMIT 1) p ON true
        CROSS JOIN LATERAL (VALUES
            ('petition', (i.intake_at AT TIME ZONE 'Asia/Shanghai')::date::text),
            (CASE WHEN shanghai_monday(i.intake_at) = shanghai_monday(e.occurred_at) THEN 'new_petition' END, '')
        ) AS m (metric, key)
        WHERE e.kind <> 'intake' AND e.payload ? 'petition_related' AND e.occurred_at >= $1 AND e.occurred_at < $2
          AND m.metric IS NOT NULL
        GROUP BY 1, 2, 3, 4, 5
      UNION ALL
        -- 包案: the first by a leader of each level counts a case for that level.
        SELECT shanghai_monday(e.occurred_at), CASE WHEN c.id = ANY ($3) THEN coalesce(case_unit_then(c.id, e.occurred_at), c.unit_code) ELSE c.unit_code END, c.partner_id, 'lead', u.level, count(*)
        FROM case_events e JOIN cases c ON c.id = e.case_id
        JOIN users lu ON lu.id = e.actor_id JOIN units u ON u.code = lu.unit_code
        WHERE e.kind = 'lead' AND e.occurred_at >= $1 AND e.occurred_at < $2
          AND NOT EXISTS (SELECT 1 FROM case_events p JOIN users pu ON pu.id = p.actor_id JOIN units pn ON pn.code = pu.unit_code
                          WHERE p.case_id = e.case_id AND p.kind = 'lead' AND (p.occurred_at, p.id) < (e.occurred_at, e.id)
                            AND pn.level = u.level)
        GROUP BY 1, 2, 3, 4, 5
      UNION ALL
        -- Deadlines opened, at their first due date.
        SELECT shanghai_monday(d.created_at), CASE WHEN c.id = ANY ($3) THEN coalesce(case_unit_then(c.id, d.created_at), c.unit_code) ELSE c.unit_code END, c.partner_id, 'open_due', d.original_due_on::text, count(*)
        FROM case_deadlines d JOIN cases c ON c.id = d.case_id
        WHERE d.created_at >= $1 AND d.created_at < $2
        GROUP BY 1, 2, 3, 4, 5
      UNION ALL
        -- Due dates moved: away from the previous one, to the new one.
        SELECT shanghai_monday(h.changed_at), CASE WHEN c.id = ANY ($3) THEN coalesce(case_unit_then(c.id, h.changed_at), c.unit_code) ELSE c.unit_code END, c.partner_id, 'open_due', x.due::text, sum(x.delta)
        FROM deadline_due_history h JOIN case_deadlines d ON d.id = h.deadline_id JOIN cases c ON c.id = d.case_id
        CROSS JOIN LATERAL (VALUES
            (h.due_on, 1),
            (coalesce((SELECT p.due_on FROM deadline_due_history p
                       WHERE p.deadline_id = h.deadline_id AND (p.changed_at, p.id) < (h.changed_at, h.id)
                       ORDER BY p.changed_at DESC, p.id DESC LIMIT 1), d.original_due_on), -1)
        ) AS x (due, delta)
        WHERE h.changed_at >= $1 AND h.changed_at < $2
        GROUP BY 1, 2, 3, 4, 5
      UNION ALL
        -- Deadlines closed, at their due date when closed.
        SELECT shanghai_monday(d.closed_at), CASE WHEN c.id = ANY ($3) THEN coalesce(case_unit_then(c.id, d.closed_at), c.unit_code) ELSE c.unit_code END, c.partner_id, 'open_due',
               coalesce((SELECT h.due_on FROM deadline_due_history h WHERE h.deadline_id = d.id AND h.changed_at <= d.closed_at
                         ORDER BY h.changed_at DESC, h.id DESC LIMIT 1), d.original_due_on)::text, -count(*)
        FROM case_deadlines d JOIN cases c ON c.id = d.case_id
        WHERE d.closed_at >= $1 AND d.closed_at < $2
        GROUP BY 1, 2, 3, 4, 5
      UNION ALL
        -- Replies given: all, and on time.
        SELECT shanghai_monday(d.closed_at), CASE WHEN c.id = ANY ($3) THEN coalesce(case_unit_then(c.id, d.closed_at), c.unit_code) ELSE c.unit_code END, c.partner_id, m.metric, d.kind, count(*)
        FROM case_deadlines d JOIN cases c ON c.id = d.case_id
        CROSS JOIN LATERAL (VALUES ('reply_all'), (CASE WHEN d.closed_on <= d.due_on THEN 'reply_on_time' END)) AS m (metric)
        WHERE d.kind IN ('procedural_reply', 'result_reply') AND d.closed_at >= $1 AND d.closed_at < $2
          AND m.metric IS NOT NULL
        GROUP BY 1, 2, 3, 4, 5
      UNION ALL
        -- Batch rows that made or updated a case, per batch (a leader's intake figures).
        SELECT shanghai_monday(b.received_at), CASE WHEN c.id = ANY ($3) THEN coalesce(case_unit_then(c.id, b.received_at), c.unit_code) ELSE c.unit_code END, c.partner_id, 'rows_' || r.outcome, b.id::text, count(*)
        FROM batches b JOIN batch_rows r ON r.batch_id = b.id JOIN cases c ON c.id = r.case_id
        WHERE b.received_at >= $1 AND b.received_at < $2 AND r.outcome IN ('accepted', 'updated', 'duplicate')
        GROUP BY 1, 2, 3, 4, 5
      UNION ALL
        -- A case moved to another unit (移送, or a corrected region while in triage) takes its open
        -- work along: its stage then (its last stage change before the move) leaves the old unit's
        -- stock and joins the new one's ...
        SELECT shanghai_monday(m.moved_at), x.unit_code, c.partner_id, x.metric, s.stage, count(*)
        FROM case_unit_moves m JOIN cases c ON c.id = m.case_id
        CROSS JOIN LATERAL (SELECT e.to_stage AS stage FROM case_events e
                            WHERE e.case_id = m.case_id AND e.to_stage IS NOT NULL AND e.occurred_at < m.moved_at
                            ORDER BY e.occurred_at DESC, e.id DESC LIMIT 1) s
        CROSS JOIN LATERAL (VALUES (m.from_unit, 'moved_out'), (m.to_unit, 'moved_in')) AS x (unit_code, metric)
        WHERE m.moved_at >= $1 AND m.moved_at < $2
        GROUP BY 1, 2, 3, 4, 5
      UNION ALL
        -- ... and so does each deadline open at the move, at its due date then.
        SELECT shanghai_monday(m.moved_at), x.unit_code, c.partner_id, 'open_due', due.due_on::text, sum(x.delta)
        FROM case_unit_moves m JOIN cases c ON c.id = m.case_id JOIN case_deadlines d ON d.case_id = m.case_id
        CROSS JOIN LATERAL (SELECT coalesce((SELECT h.due_on FROM deadline_due_history h
                                             WHERE h.deadline_id = d.id AND h.changed_at < m.moved_at
                                             ORDER BY h.changed_at DESC, h.id DESC LIMIT 1), d.original_due_on) AS due_on) due
        CROSS JOIN LATERAL (VALUES (m.from_unit, -1), (m.to_unit, 1)) AS x (unit_code, delta)
        WHERE m.moved_at >= $1 AND m.moved_at < $2 AND d.created_at < m.moved_at AND (d.closed_at IS NULL OR d.closed_at >= m.moved_at)
        GROUP BY 1, 2, 3, 4, 5
    $q$ USING from_at, to_at, ARRAY(SELECT DISTINCT m.case_id FROM case_unit_moves m);
END
$fn$;

-- A move no longer changes past weeks; a new partner still does.
DROP TRIGGER cases_weekly_cache ON cases;
CREATE TRIGGER cases_weekly_cache AFTER UPDATE ON cases
    FOR EACH ROW WHEN (OLD.partner_id IS DISTINCT FROM NEW.partner_id) EXECUTE FUNCTION weekly_cache_forget_case();

-- A move dated into the past by hand (recorded by changing the unit, then its time set back):
-- the weeks from it on are summed again.
CREATE FUNCTION weekly_cache_forget_move() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    since CONSTANT timestamptz := least(NEW.moved_at, CASE WHEN TG_OP = 'UPDATE' THEN OLD.moved_at END);
BEGIN
    IF since < now() THEN
        PERFORM weekly_cache_forget(since);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER case_unit_moves_weekly_cache AFTER INSERT OR UPDATE ON case_unit_moves
    FOR EACH ROW EXECUTE FUNCTION weekly_cache_forget_move();

-- The cached weeks were summed with the old attribution.
DELETE FROM weekly_cache_weeks;

-- The moves are history, like the case timeline: application roles may add to them, not change them.
CREATE OR REPLACE FUNCTION huqi_grant_app_role(target name) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    append_only CONSTANT text[] := ARRAY['audit_events', 'audit_seal_ranges', 'audit_tx_eras', 'case_events',
                                         'case_unit_moves', 'deadline_due_history', 'weekly_reports'];
    read_only CONSTANT text[] := ARRAY['huqi_schema_migrations', 'huqi_app_roles', 'stage_transitions', 'divisions'];
    item record;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = target) THEN
        RAISE EXCEPTION 'role % does not exist', target USING ERRCODE = 'undefined_object';
    END IF;
    IF target = current_user THEN
        RAISE EXCEPTION 'role % is the owner running the migrations, not an application role', target
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- huqi's schema: the first of the search_path, where the migrations created everything
    -- (public unless HUQI_DATABASE_URL's options say `-c search_path=…`).
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', current_schema(), target);
    FOR item IN SELECT c.relname FROM pg_class c
                WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema()) AND c.relkind IN ('r', 'p') ORDER BY c.relname LOOP
        EXECUTE format('REVOKE ALL ON TABLE %I FROM %I', item.relname, target);
        EXECUTE format('GRANT %s ON TABLE %I TO %I',
                       CASE WHEN item.relname = ANY (read_only) THEN 'SELECT'
                            WHEN item.relname = ANY (append_only) THEN 'SELECT, INSERT'
                            ELSE 'SELECT, INSERT, UPDATE, DELETE' END,
                       item.relname, target);
    END LOOP;
    FOR item IN SELECT c.relname FROM pg_class c WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema()) AND c.relkind = 'S' LOOP
        EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE %I TO %I', item.relname, target);
    END LOOP;
    EXECUTE format('GRANT EXECUTE ON FUNCTION huqi_refresh_intake_statistics(text) TO %I', target);
    INSERT INTO huqi_app_roles (role_name) VALUES (target) ON CONFLICT (role_name) DO NOTHING;
END
$$;
