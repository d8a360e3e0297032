-- The audit chain's insert trigger (0006) without its call of audit_canonical(NEW).
--
-- A SQL-language function called from PL/pgSQL is not inlined: its body is parsed and planned
-- again on every call. Written out here (the same text as audit_canonical, which `huqi audit
-- verify` and the tests still use to recompute every hash), the expression is planned once per
-- session. Measured with huqi's claim + transition statements in pgbench (16 clients):
-- 1 163 → 1 357 transactions/s; it is on every audited write, 200 000 times in a large intake.

CREATE OR REPLACE FUNCTION audit_events_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    state text := current_setting('huqi.audit_tx', true);
    tx bigint := txid_current();
    previous bytea := '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea;
    count integer := 0;
    first_id bigint;
BEGIN
    NEW.id := nextval('audit_events_id_seq');
    IF state IS NOT NULL AND state <> '' AND split_part(state, ':', 1) = tx::text THEN
        count := split_part(state, ':', 2)::integer;
        first_id := split_part(state, ':', 3)::bigint;
        previous := decode(split_part(state, ':', 4), 'hex');
    ELSE
        first_id := NEW.id;
    END IF;
    NEW.tx_id := tx;
    NEW.prev_hash := previous;
    -- audit_canonical(NEW), written out: a SQL function called from PL/pgSQL is planned on every call.
    NEW.hash := sha256(previous || convert_to(concat_ws(E'\x1f', NEW.id::text,
                     to_char(NEW.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                     NEW.actor, NEW.actor_label, NEW.action, NEW.entity, NEW.entity_id, NEW.address, NEW.summary::text), 'UTF8'));
    PERFORM set_config('huqi.audit_tx', tx || ':' || (count + 1) || ':' || first_id || ':' || encode(NEW.hash, 'hex'), true);
    RETURN NEW;
END
$$;
