-- Issued weekly summaries: immutable snapshots. Issuing a week again adds a version; the old
-- one stays. `numbers` is the JSON of every figure (WeeklySummary), the rendered files are kept
-- as issued, and sha256 is the digest of `numbers` as stored text.
CREATE TABLE weekly_reports (
    id        bigserial PRIMARY KEY,
    week      text NOT NULL CHECK (week ~ '^[0-9]{4}-W[0-9]{2}$'),
    version   integer NOT NULL CHECK (version > 0),
    numbers   text NOT NULL,
    html      text NOT NULL,
    csv       bytea NOT NULL,
    markdown  text NOT NULL,
    sha256    bytea NOT NULL CHECK (length(sha256) = 32),
    issued_by text NOT NULL,
    issued_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (week, version)
);

CREATE TRIGGER weekly_reports_no_update BEFORE UPDATE OR DELETE ON weekly_reports
    FOR EACH ROW EXECUTE FUNCTION history_append_only();
CREATE TRIGGER weekly_reports_no_truncate BEFORE TRUNCATE ON weekly_reports
    FOR EACH STATEMENT EXECUTE FUNCTION history_append_only();
