-- Every gateway instance keeps the answers of its busiest reads (a case's page, the queue
-- counts, a queue's page) and the callers behind API keys in memory, and forgets them when the
-- data under them changes. This migration makes the database say so: on the channel
-- 'huqi_cache', at commit (NOTIFY is transactional; a rolled-back change says nothing),
--   'case:<id>'  — something on that case's page changed (its row, deadlines, timeline, clues);
--   'all'        — something every answer may depend on changed (people, roles, keys, units,
--                  partners, the workflow settings, the holiday calendar), or a bulk write
--                  (the intake) changed too many cases to name.
-- The reader is `Store/Cache/DataChange.swift`; the caches are in `Sources/Server/Cache`.
--
-- A transaction that writes cases in bulk sets `huqi.cache_bulk = 'on'` (SET LOCAL) and sends
-- one 'all' itself: the per-row triggers skip their rows then, so an import of a million rows
-- does not queue a million notifications. The skip is the trigger's WHEN clause, evaluated
-- before any function is called.

CREATE FUNCTION cache_notify_case() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('huqi_cache', 'case:' || OLD.id);
    ELSE
        PERFORM pg_notify('huqi_cache', 'case:' || NEW.id);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION cache_notify_case_part() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('huqi_cache', 'case:' || OLD.case_id);
    ELSE
        PERFORM pg_notify('huqi_cache', 'case:' || NEW.case_id);
        IF TG_OP = 'UPDATE' AND NEW.case_id IS DISTINCT FROM OLD.case_id THEN
            PERFORM pg_notify('huqi_cache', 'case:' || OLD.case_id);
        END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION cache_notify_all() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('huqi_cache', 'all');
    RETURN NULL;
END $$;

CREATE TRIGGER cases_cache_notify AFTER INSERT OR UPDATE OR DELETE ON cases
    FOR EACH ROW WHEN (current_setting('huqi.cache_bulk', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION cache_notify_case();
CREATE TRIGGER case_deadlines_cache_notify AFTER INSERT OR UPDATE OR DELETE ON case_deadlines
    FOR EACH ROW WHEN (current_setting('huqi.cache_bulk', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION cache_notify_case_part();
CREATE TRIGGER case_events_cache_notify AFTER INSERT ON case_events
    FOR EACH ROW WHEN (current_setting('huqi.cache_bulk', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION cache_notify_case_part();
CREATE TRIGGER supervision_clues_cache_notify AFTER INSERT OR UPDATE OR DELETE ON supervision_clues
    FOR EACH ROW WHEN (current_setting('huqi.cache_bulk', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION cache_notify_case_part();

-- Who a caller is and what the pages name: a login, key or role that changes must stop
-- working at once everywhere, and a renamed person or unit must not linger on cached pages.
-- (A password change or a key's last-use time changes no answer.)
CREATE TRIGGER users_cache_notify
    AFTER UPDATE OF login, display_name, unit_code, partner_id, disabled_at OR DELETE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION cache_notify_all();
CREATE TRIGGER user_roles_cache_notify AFTER INSERT OR UPDATE OR DELETE ON user_roles
    FOR EACH STATEMENT EXECUTE FUNCTION cache_notify_all();
CREATE TRIGGER api_keys_cache_notify
    AFTER UPDATE OF prefix, secret_sha256, partner_id, user_id, expires_at, revoked_at OR DELETE ON api_keys
    FOR EACH STATEMENT EXECUTE FUNCTION cache_notify_all();
CREATE TRIGGER partners_cache_notify AFTER UPDATE OR DELETE ON partners
    FOR EACH STATEMENT EXECUTE FUNCTION cache_notify_all();
CREATE TRIGGER units_cache_notify AFTER INSERT OR UPDATE OR DELETE ON units
    FOR EACH STATEMENT EXECUTE FUNCTION cache_notify_all();
CREATE TRIGGER workflow_settings_cache_notify AFTER INSERT OR UPDATE OR DELETE ON workflow_settings
    FOR EACH STATEMENT EXECUTE FUNCTION cache_notify_all();
CREATE TRIGGER calendar_years_cache_notify AFTER INSERT OR UPDATE OR DELETE ON calendar_years
    FOR EACH STATEMENT EXECUTE FUNCTION cache_notify_all();
CREATE TRIGGER calendar_days_cache_notify AFTER INSERT OR UPDATE OR DELETE ON calendar_days
    FOR EACH STATEMENT EXECUTE FUNCTION cache_notify_all();
CREATE TRIGGER cases_cache_truncate AFTER TRUNCATE ON cases
    FOR EACH STATEMENT EXECUTE FUNCTION cache_notify_all();
CREATE TRIGGER case_deadlines_cache_truncate AFTER TRUNCATE ON case_deadlines
    FOR EACH STATEMENT EXECUTE FUNCTION cache_notify_all();
CREATE TRIGGER supervision_clues_cache_truncate AFTER TRUNCATE ON supervision_clues
    FOR EACH STATEMENT EXECUTE FUNCTION cache_notify_all();
