-- Two database roles: the owner, who runs `huqi migrate`, and application roles, which
-- `huqi serve` and the other commands may connect as.
--
-- Until now huqi had to connect as the owner of its tables: `huqi serve` created the migration
-- table on every start, and the intake ANALYZEd `cases`. A role that owns the tables can also
-- disable the audit log's triggers, rewrite its rows or drop them; the hash chain and the seals
-- would notice, but nothing would stop it. An application role granted here can read and write
-- what the gateway writes and nothing more:
--   * the append-only tables (the audit log, its seals and eras, case timelines, deadline
--     history, issued weekly reports): SELECT and INSERT only;
--   * reference data the code never writes (migrations, these grants, the stage transitions,
--     the divisions): SELECT only;
--   * every other table: SELECT, INSERT, UPDATE, DELETE; sequences: USAGE and SELECT;
--   * no ownership, so no ALTER, DROP, TRUNCATE or DISABLE TRIGGER.
-- `huqi db grant ROLE` (run as the owner) calls huqi_grant_app_role; the role is remembered, and
-- every later `huqi migrate` grants it the tables new migrations add.

CREATE TABLE huqi_app_roles (
    role_name   name PRIMARY KEY,
    granted_at  timestamptz NOT NULL DEFAULT now(),
    granted_by  name NOT NULL DEFAULT current_user
);

CREATE FUNCTION huqi_grant_app_role(target name) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    append_only CONSTANT text[] := ARRAY['audit_events', 'audit_seal_ranges', 'audit_tx_eras', 'case_events',
                                         'deadline_due_history', 'weekly_reports'];
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
REVOKE ALL ON FUNCTION huqi_grant_app_role(name) FROM PUBLIC;

-- The intake's statistics refresh (PlannerStatistics.swift) for a large batch: only a table's
-- owner may ANALYZE it, so it runs here, as the owner, for these two tables and columns only.
CREATE FUNCTION huqi_refresh_intake_statistics(target text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
    CASE target
        WHEN 'cases' THEN ANALYZE cases (id, partner_id, external_ref, unit_code);
        WHEN 'batch_rows' THEN ANALYZE batch_rows (batch_id, case_id, outcome);
        ELSE RAISE EXCEPTION 'huqi_refresh_intake_statistics: % is not an intake table', target
                 USING ERRCODE = 'invalid_parameter_value';
    END CASE;
END
$$;
REVOKE ALL ON FUNCTION huqi_refresh_intake_statistics(text) FROM PUBLIC;
-- A SECURITY DEFINER function fixes its search_path (else a caller's could redirect it): to
-- huqi's schema as it is now.
DO $$ BEGIN
    EXECUTE format('ALTER FUNCTION huqi_refresh_intake_statistics(text) SET search_path = pg_catalog, %I', current_schema());
END $$;
