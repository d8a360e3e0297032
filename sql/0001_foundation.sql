-- Foundation: settings that belong to the deployment, not to the binary.
-- Each later migration adds one concern (identity, intake, workflow, reports).

CREATE TABLE settings (
    key         text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_.]*$'),
    value       jsonb NOT NULL,
    description text NOT NULL DEFAULT '',
    updated_at  timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE settings IS 'Deployment settings changed at run time (programme start date, calendar mode, …).';

INSERT INTO settings (key, value, description) VALUES
    ('programme.start_date', '"2026-01-01"', '检察护企项目起始日期，周报累计数从此日起算'),
    ('programme.timezone', '"Asia/Shanghai"', '周报与期限计算使用的时区');
