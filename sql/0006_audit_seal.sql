-- The audit chain is sealed at commit instead of at insert. Before, the chain's lock was taken
-- in the insert trigger and held until the client's COMMIT arrived: one client round trip inside
-- the critical section of every audited transaction, which capped the whole gateway at a few
-- hundred audited transactions a second (measured by ops/bench/claims). Now rows are inserted
-- unsealed; a deferred constraint trigger, which runs inside COMMIT, takes the lock and gives the
-- transaction's rows their place in the chain (chain_seq), prev_hash and hash. The lock is held
-- only for server-side work.
--
-- Committed rows are always sealed. An unsealed row can only be one's own uncommitted insert, so
-- allowing the sealing UPDATE (and nothing else) keeps the log append-only.

ALTER TABLE audit_events
    ADD COLUMN chain_seq bigint,
    ALTER COLUMN prev_hash DROP NOT NULL,
    ALTER COLUMN hash DROP NOT NULL,
    ADD CONSTRAINT audit_events_sealed_whole CHECK ((chain_seq IS NULL) = (hash IS NULL) AND (hash IS NULL) = (prev_hash IS NULL));
UPDATE audit_events SET chain_seq = id;  -- rows sealed by the old trigger: their chain order is id order
-- Partial, so finding the chain's head never walks over unsealed (or once-unsealed, dead) entries.
CREATE UNIQUE INDEX audit_events_chain_seq_idx ON audit_events (chain_seq) WHERE chain_seq IS NOT NULL;

CREATE OR REPLACE FUNCTION audit_events_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.id := nextval('audit_events_id_seq');
    NEW.chain_seq := NULL;
    NEW.prev_hash := NULL;
    NEW.hash := NULL;
    RETURN NEW;
END
$$;

CREATE FUNCTION audit_events_seal() RETURNS trigger
LANGUAGE plpgsql
-- The head lookup must use the partial index however small the table was when the plan was
-- cached: a sequential scan planned on an empty table made every later seal slower (measured).
SET enable_seqscan = off
AS $$
DECLARE
    head text;
    last_seq bigint;
    previous bytea;
    e audit_events;
BEGIN
    -- Deferred row triggers fire in insert order, so each firing seals its own row: no scan.
    -- The first firing of a transaction takes the lock and reads the chain's head; later ones
    -- take it from a transaction-local setting (nobody else can append while we hold the lock).
    head := current_setting('huqi.audit_chain_head', true);
    IF head IS NULL OR head = '' THEN
        PERFORM pg_advisory_xact_lock(7235011);
        SELECT chain_seq, hash INTO last_seq, previous FROM audit_events
        WHERE chain_seq IS NOT NULL ORDER BY chain_seq DESC LIMIT 1;
        last_seq := coalesce(last_seq, 0);
        previous := coalesce(previous, decode(repeat('00', 32), 'hex'));
    ELSE
        last_seq := split_part(head, ':', 1)::bigint;
        previous := decode(split_part(head, ':', 2), 'hex');
    END IF;
    SELECT * INTO e FROM audit_events WHERE id = NEW.id;
    e.chain_seq := last_seq + 1;
    e.prev_hash := previous;
    e.hash := sha256(e.prev_hash || convert_to(audit_canonical(e), 'UTF8'));
    PERFORM set_config('huqi.audit_sealing', 'on', true);
    UPDATE audit_events SET chain_seq = e.chain_seq, prev_hash = e.prev_hash, hash = e.hash WHERE id = NEW.id;
    PERFORM set_config('huqi.audit_sealing', 'off', true);
    PERFORM set_config('huqi.audit_chain_head', e.chain_seq || ':' || encode(e.hash, 'hex'), true);
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER audit_events_seal AFTER INSERT ON audit_events
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit_events_seal();

-- Refuses every change but the sealing of an unsealed row by audit_events_seal().
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.hash IS NULL AND current_setting('huqi.audit_sealing', true) = 'on'
       AND (NEW.id, NEW.occurred_at, NEW.actor, NEW.actor_label, NEW.action, NEW.entity, NEW.entity_id, NEW.address, NEW.summary)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.occurred_at, OLD.actor, OLD.actor_label, OLD.action, OLD.entity, OLD.entity_id, OLD.address, OLD.summary) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
