-- The calendar's version, read by every workflow action (WorkflowClock) to know whether its
-- cached calendar is current, becomes one column instead of two aggregates.
--
-- It was count(calendar_years) || max(loaded_at) || count(calendar_days), computed inside the
-- statement that reads (or locks) the case: two subqueries planned and run on every claim,
-- transition, hold and reply — 0.23 of the 0.38 ms that statement took, planning and running,
-- on a warm session. Now any statement that changes either table gives the calendar a new
-- random version (a uuid: a counter would repeat across databases, and one process can serve
-- several, as the tests do), and the clock reads workflow_settings.calendar_version.

ALTER TABLE workflow_settings ADD COLUMN calendar_version uuid NOT NULL DEFAULT gen_random_uuid();

CREATE FUNCTION calendar_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE workflow_settings SET calendar_version = gen_random_uuid();
    RETURN NULL;
END
$$;

CREATE TRIGGER calendar_years_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON calendar_years
    FOR EACH STATEMENT EXECUTE FUNCTION calendar_changed();
CREATE TRIGGER calendar_days_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON calendar_days
    FOR EACH STATEMENT EXECUTE FUNCTION calendar_changed();
