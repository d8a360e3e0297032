-- The audit chain, sealed per transaction at COMMIT (replaces the per-row chain of 0002).
--
-- Before, every audit row took the chain's advisory lock in its insert trigger and held it until
-- the client's COMMIT arrived: a client round trip inside the critical section of every audited
-- transaction, which capped the whole gateway at a few hundred audited transactions a second
-- (ops/bench/claims), and a lookup per row on large intake batches.
--
-- Now:
--   * each row is hashed at insert into its own transaction's local chain, without any lock:
--     hash = SHA-256(prev_hash || canonical text), prev_hash = the previous row of the same
--     transaction (32 zero bytes for the first); the transaction id is kept in tx_id;
--   * at COMMIT a deferred constraint trigger appends one row to audit_seals under the lock:
--     the transaction's event count and last hash, chained to the previous seal. The lock is
--     held for one small insert, server-side only.
-- `huqi audit verify` checks both chains. UPDATE, DELETE and TRUNCATE stay refused on both tables.

ALTER TABLE audit_events ADD COLUMN tx_id bigint;
-- Rows written by the 0002 chain form one chain in id order starting from zero: they become
-- "transaction 0", with one seal below.
UPDATE audit_events SET tx_id = 0;
ALTER TABLE audit_events ALTER COLUMN tx_id SET NOT NULL;
CREATE INDEX audit_events_tx_idx ON audit_events (tx_id, id);

CREATE TABLE audit_seals (
    seq            bigint PRIMARY KEY,
    tx_id          bigint NOT NULL UNIQUE,
    first_event_id bigint NOT NULL,
    events         integer NOT NULL CHECK (events > 0),
    tx_hash        bytea NOT NULL,
    prev_hash      bytea NOT NULL,
    hash           bytea NOT NULL,
    sealed_at      timestamptz NOT NULL DEFAULT now()
);

-- The text of a seal that is hashed (verify recomputes it in Swift).
CREATE FUNCTION audit_seal_canonical(s audit_seals) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT concat_ws(E'\x1f', s.seq::text, s.tx_id::text, s.first_event_id::text, s.events::text, encode(s.tx_hash, 'hex'))
$$;

INSERT INTO audit_seals (seq, tx_id, first_event_id, events, tx_hash, prev_hash, hash)
SELECT 1, 0, min(id), count(*), (SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1), decode(repeat('00', 32), 'hex'), ''::bytea
FROM audit_events HAVING count(*) > 0;
UPDATE audit_seals s SET hash = sha256(s.prev_hash || convert_to(audit_seal_canonical(s), 'UTF8')) WHERE seq = 1;

-- Insert: place the row in its transaction's local chain. The running state (last hash, count,
-- first id) lives in a transaction-local setting, reset by PostgreSQL at the transaction's end.
CREATE OR REPLACE FUNCTION audit_events_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    state text := current_setting('huqi.audit_tx', true);
    tx bigint := txid_current();
    previous bytea := decode(repeat('00', 32), 'hex');
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
    NEW.hash := sha256(previous || convert_to(audit_canonical(NEW), 'UTF8'));
    PERFORM set_config('huqi.audit_tx', tx || ':' || (count + 1) || ':' || first_id || ':' || encode(NEW.hash, 'hex'), true);
    RETURN NEW;
END
$$;

-- Commit: one seal per transaction. The first deferred firing writes it; later firings of the
-- same transaction return at once.
CREATE FUNCTION audit_events_seal() RETURNS trigger
LANGUAGE plpgsql
-- The head lookup must use the primary key however small the table was when the plan was cached.
SET enable_seqscan = off
AS $$
DECLARE
    tx bigint := txid_current();
    state text := current_setting('huqi.audit_tx', true);
    last_seq bigint;
    previous bytea;
    seal audit_seals;
BEGIN
    IF current_setting('huqi.audit_sealed', true) = tx::text THEN
        RETURN NULL;
    END IF;
    PERFORM set_config('huqi.audit_sealed', tx::text, true);
    PERFORM pg_advisory_xact_lock(7235011);
    SELECT s.seq, s.hash INTO last_seq, previous FROM audit_seals s ORDER BY s.seq DESC LIMIT 1;
    seal.seq := coalesce(last_seq, 0) + 1;
    seal.tx_id := tx;
    seal.events := split_part(state, ':', 2)::integer;
    seal.first_event_id := split_part(state, ':', 3)::bigint;
    seal.tx_hash := decode(split_part(state, ':', 4), 'hex');
    seal.prev_hash := coalesce(previous, decode(repeat('00', 32), 'hex'));
    seal.hash := sha256(seal.prev_hash || convert_to(audit_seal_canonical(seal), 'UTF8'));
    seal.sealed_at := now();
    INSERT INTO audit_seals SELECT seal.*;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER audit_events_seal AFTER INSERT ON audit_events
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit_events_seal();

CREATE TRIGGER audit_seals_no_update BEFORE UPDATE OR DELETE ON audit_seals
    FOR EACH ROW EXECUTE FUNCTION history_append_only();
CREATE TRIGGER audit_seals_no_truncate BEFORE TRUNCATE ON audit_seals
    FOR EACH STATEMENT EXECUTE FUNCTION history_append_only();
