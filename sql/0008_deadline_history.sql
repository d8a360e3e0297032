-- Due dates move (a hold resumed, the one 信访条例 extension). For the weekly summary to give the
-- same "overdue at week end" and "due next week" when a past week is regenerated, each change is
-- kept: a deadline's due date as of a moment is its latest change before it, else the first
-- computation (original_due_on). created_at says since when the deadline exists.
ALTER TABLE case_deadlines ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();

CREATE TABLE deadline_due_history (
    id          bigserial PRIMARY KEY,
    deadline_id bigint NOT NULL REFERENCES case_deadlines (id),
    changed_at  timestamptz NOT NULL DEFAULT now(),
    due_on      date NOT NULL
);
CREATE INDEX deadline_due_history_idx ON deadline_due_history (deadline_id, changed_at);

CREATE FUNCTION case_deadlines_record_due() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO deadline_due_history (deadline_id, due_on) VALUES (NEW.id, NEW.due_on);
    RETURN NULL;
END
$$;
CREATE TRIGGER case_deadlines_record_due AFTER UPDATE OF due_on ON case_deadlines
    FOR EACH ROW WHEN (OLD.due_on IS DISTINCT FROM NEW.due_on) EXECUTE FUNCTION case_deadlines_record_due();

CREATE TRIGGER deadline_due_history_no_update BEFORE UPDATE OR DELETE ON deadline_due_history
    FOR EACH ROW EXECUTE FUNCTION history_append_only();
CREATE TRIGGER deadline_due_history_no_truncate BEFORE TRUNCATE ON deadline_due_history
    FOR EACH STATEMENT EXECUTE FUNCTION history_append_only();
