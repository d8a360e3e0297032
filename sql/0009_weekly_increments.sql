-- The weekly summary's increment cache.
--
-- Events, deadline changes and batches are written with now(), so a week that ended before every
-- transaction still open began can never change again. For each such week we keep its
-- *increments* per unit and partner (cases taken in, stage entered and left, resolutions, reply
-- closures, deadlines opened and closed by due date, …). A summary then reads sums of small rows
-- instead of the whole history: cumulative figures are Σ increments since the programme start,
-- the stock of a stage at week end is Σ(entered − left), the open deadlines at week end by due
-- date are Σ(opened − closed). Only the weeks not yet cached (normally the current one) are
-- computed from the events, with the same function.
--
-- Rows written with an earlier timestamp than now() (hand repairs, imported history) invalidate
-- the cached weeks from theirs on through the triggers below. A bulk load with
-- session_replication_role = replica skips triggers: it must `DELETE FROM weekly_cache_weeks`.

-- The Monday (Asia/Shanghai) of the ISO week containing `t`.
CREATE FUNCTION shanghai_monday(t timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT date_trunc('week', t AT TIME ZONE 'Asia/Shanghai')::date $$;

-- Weeks whose increments are cached (complete for every unit and partner).
CREATE TABLE weekly_cache_weeks (
    week        date PRIMARY KEY CHECK (extract(isodow FROM week) = 1),
    computed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE weekly_increments (
    week       date NOT NULL REFERENCES weekly_cache_weeks (week) ON DELETE CASCADE,
    unit_code  text NOT NULL,
    partner_id integer NOT NULL,
    metric     text NOT NULL,
    key        text NOT NULL,
    n          bigint NOT NULL,
    PRIMARY KEY (week, unit_code, partner_id, metric, key)
);

-- Range scans of the increment function and the summary's overdue list.
CREATE INDEX case_deadlines_created_idx ON case_deadlines (created_at);
CREATE INDEX case_deadlines_closed_idx ON case_deadlines (closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX case_deadlines_original_due_idx ON case_deadlines (original_due_on, id);
CREATE INDEX deadline_due_history_changed_idx ON deadline_due_history (changed_at);
CREATE INDEX batches_received_idx ON batches (received_at);

-- The increments of every week touched by [from_at, to_at), one row per
-- (week, unit, partner, metric, key). Metrics:
--   intake, override, taken (triage → evaluation), unresolved, clue_created, clue_transferred,
--   clue_result                           key ''
--   entered / left                        key = stage (left counts transitions out of it)
--   resolved                              key = 化解方式
--   petition                              key = the case's intake date; +1/−1 as the triage
--                                         decision changes (intake counts as a change from "no")
--   new_petition                          key ''; the same, only for cases taken in that week
--   lead                                  key = level of the leader's unit; first 包案 of a case per level
--   open_due                              key = due date; +1 when a deadline opens or moves there,
--                                         −1 when it moves away or closes
--   reply_all / reply_on_time             key = deadline kind (procedural_reply, result_reply)
--   rows_accepted / rows_updated / rows_duplicate   key = batch id (rows of batches received)
CREATE FUNCTION weekly_increments(from_at timestamptz, to_at timestamptz)
RETURNS TABLE (week date, unit_code text, partner_id integer, metric text, key text, n bigint)
-- History tables are written in time order, so a week's rows sit together and the cases they
-- name are few: index lookups beat scanning every case (the default cost of 4 picks the scan).
LANGUAGE plpgsql STABLE SET random_page_cost = 1.1 AS $fn$
BEGIN
    -- EXECUTE: planned for each call with its bounds (a week, or months when the cache is filled).
    RETURN QUERY EXECUTE $q$
        -- Events grouped by what tells them apart first (few groups), then spread over the metrics.
        SELECT g.week, g.unit_code, g.partner_id, m.metric, m.key, sum(g.n)::bigint
        FROM (SELECT shanghai_monday(e.occurred_at) AS week, c.unit_code, c.partner_id, e.kind, e.from_stage, e.to_stage,
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
        SELECT shanghai_monday(e.occurred_at), c.unit_code, c.partner_id, m.metric, m.key, count(*)
        FROM case_events e JOIN cases c ON c.id = e.case_id
        CROSS JOIN LATERAL (VALUES ('petition', (e.occurred_at AT TIME ZONE 'Asia/Shanghai')::date::text), ('new_petition', '')) AS m (metric, key)
        WHERE e.kind = 'intake' AND e.occurred_at >= $1 AND e.occurred_at < $2
          AND coalesce((e.payload->>'petition_related')::boolean, false)
        GROUP BY 1, 2, 3, 4, 5
      UNION ALL
        -- Later decisions (override, retriage, corrected re-upload): the change from the one before
        -- in time (a case's decision as of a moment is its latest decision before it).
        SELECT shanghai_monday(e.occurred_at), c.unit_code, c.partner_id, m.metric, m.key,
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
        SELECT shanghai_monday(e.occurred_at), c.unit_code, c.partner_id, 'lead', u.level, count(*)
        FROM case_events e JOIN cases c ON c.id = e.case_id
        JOIN users lu ON lu.id = e.actor_id JOIN units u ON u.code = lu.unit_code
        WHERE e.kind = 'lead' AND e.occurred_at >= $1 AND e.occurred_at < $2
          AND NOT EXISTS (SELECT 1 FROM case_events p JOIN users pu ON pu.id = p.actor_id JOIN units pn ON pn.code = pu.unit_code
                          WHERE p.case_id = e.case_id AND p.kind = 'lead' AND (p.occurred_at, p.id) < (e.occurred_at, e.id)
                            AND pn.level = u.level)
        GROUP BY 1, 2, 3, 4, 5
      UNION ALL
        -- Deadlines opened, at their first due date.
        SELECT shanghai_monday(d.created_at), c.unit_code, c.partner_id, 'open_due', d.original_due_on::text, count(*)
        FROM case_deadlines d JOIN cases c ON c.id = d.case_id
        WHERE d.created_at >= $1 AND d.created_at < $2
        GROUP BY 1, 2, 3, 4, 5
      UNION ALL
        -- Due dates moved: away from the previous one, to the new one.
        SELECT shanghai_monday(h.changed_at), c.unit_code, c.partner_id, 'open_due', x.due::text, sum(x.delta)
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
        SELECT shanghai_monday(d.closed_at), c.unit_code, c.partner_id, 'open_due',
               coalesce((SELECT h.due_on FROM deadline_due_history h WHERE h.deadline_id = d.id AND h.changed_at <= d.closed_at
                         ORDER BY h.changed_at DESC, h.id DESC LIMIT 1), d.original_due_on)::text, -count(*)
        FROM case_deadlines d JOIN cases c ON c.id = d.case_id
        WHERE d.closed_at >= $1 AND d.closed_at < $2
        GROUP BY 1, 2, 3, 4, 5
      UNION ALL
        -- Replies given: all, and on time.
        SELECT shanghai_monday(d.closed_at), c.unit_code, c.partner_id, m.metric, d.kind, count(*)
        FROM case_deadlines d JOIN cases c ON c.id = d.case_id
        CROSS JOIN LATERAL (VALUES ('reply_all'), (CASE WHEN d.closed_on <= d.due_on THEN 'reply_on_time' END)) AS m (metric)
        WHERE d.kind IN ('procedural_reply', 'result_reply') AND d.closed_at >= $1 AND d.closed_at < $2
          AND m.metric IS NOT NULL
        GROUP BY 1, 2, 3, 4, 5
      UNION ALL
        -- Batch rows that made or updated a case, per batch (a leader's intake figures).
        SELECT shanghai_monday(b.received_at), c.unit_code, c.partner_id, 'rows_' || r.outcome, b.id::text, count(*)
        FROM batches b JOIN batch_rows r ON r.batch_id = b.id JOIN cases c ON c.id = r.case_id
        WHERE b.received_at >= $1 AND b.received_at < $2 AND r.outcome IN ('accepted', 'updated', 'duplicate')
        GROUP BY 1, 2, 3, 4, 5
    $q$ USING from_at, to_at;
END
$fn$;

-- Forgets the cached weeks from the one containing `since` on (they are computed again when
-- next needed).
CREATE FUNCTION weekly_cache_forget(since timestamptz) RETURNS void
LANGUAGE sql AS $$ DELETE FROM weekly_cache_weeks WHERE week >= shanghai_monday(since) $$;

CREATE FUNCTION weekly_cache_forget_event() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM weekly_cache_forget(NEW.occurred_at);
    RETURN NULL;
END
$$;
CREATE TRIGGER case_events_weekly_cache AFTER INSERT ON case_events
    FOR EACH ROW WHEN (NEW.occurred_at < now()) EXECUTE FUNCTION weekly_cache_forget_event();

CREATE FUNCTION weekly_cache_forget_deadline() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM weekly_cache_forget(NEW.created_at);
    ELSE
        PERFORM weekly_cache_forget(least(OLD.created_at, NEW.created_at, OLD.closed_at, NEW.closed_at));
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER case_deadlines_weekly_cache_insert AFTER INSERT ON case_deadlines
    FOR EACH ROW WHEN (NEW.created_at < now()) EXECUTE FUNCTION weekly_cache_forget_deadline();
-- A reply closes a deadline at now(): nothing cached can change. Anything else that touches a
-- past week's figures does.
CREATE TRIGGER case_deadlines_weekly_cache_update AFTER UPDATE ON case_deadlines
    FOR EACH ROW WHEN (OLD.created_at IS DISTINCT FROM NEW.created_at OR OLD.original_due_on IS DISTINCT FROM NEW.original_due_on
                       OR OLD.case_id IS DISTINCT FROM NEW.case_id OR OLD.kind IS DISTINCT FROM NEW.kind
                       OR (OLD.closed_at IS DISTINCT FROM NEW.closed_at AND least(OLD.closed_at, NEW.closed_at) < now())
                       OR (OLD.closed_at IS NOT NULL AND (OLD.due_on, OLD.closed_on) IS DISTINCT FROM (NEW.due_on, NEW.closed_on)))
    EXECUTE FUNCTION weekly_cache_forget_deadline();

CREATE FUNCTION weekly_cache_forget_due_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM weekly_cache_forget(NEW.changed_at);
    RETURN NULL;
END
$$;
CREATE TRIGGER deadline_due_history_weekly_cache AFTER INSERT ON deadline_due_history
    FOR EACH ROW WHEN (NEW.changed_at < now()) EXECUTE FUNCTION weekly_cache_forget_due_change();

-- A case that moves to another unit (a corrected re-upload with another region) takes its whole
-- history with it: forget the weeks from its first event on.
CREATE FUNCTION weekly_cache_forget_case() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM weekly_cache_forget(least((SELECT min(occurred_at) FROM case_events WHERE case_id = NEW.id),
                                      (SELECT min(created_at) FROM case_deadlines WHERE case_id = NEW.id)));
    RETURN NULL;
END
$$;
CREATE TRIGGER cases_weekly_cache AFTER UPDATE ON cases
    FOR EACH ROW WHEN (OLD.unit_code IS DISTINCT FROM NEW.unit_code OR OLD.partner_id IS DISTINCT FROM NEW.partner_id)
    EXECUTE FUNCTION weekly_cache_forget_case();

CREATE FUNCTION weekly_cache_forget_batch() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM weekly_cache_forget(least(OLD.received_at, NEW.received_at));
    RETURN NULL;
END
$$;
CREATE TRIGGER batches_weekly_cache AFTER UPDATE ON batches
    FOR EACH ROW WHEN (OLD.received_at IS DISTINCT FROM NEW.received_at) EXECUTE FUNCTION weekly_cache_forget_batch();
