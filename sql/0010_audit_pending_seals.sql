-- Seals without waiting (replaces the COMMIT-time seal of 0006).
--
-- 0006 sealed every audited transaction at COMMIT under one advisory lock, and an advisory
-- transaction lock is held until the end of COMMIT: every audited transaction of the gateway
-- queued behind the previous one's commit. ops/bench/claims measured it: huqi's claim and
-- transition statements ran at 519 transactions/s in pgbench with the seal and 1 143 without
-- (2 086 for the bare-SQL claim).
--
-- Now at COMMIT the deferred trigger only writes the transaction's seal request to
-- audit_pending (its event count, first event id and last hash): no lock, no waiting. Requests
-- are sealed in batches, in the order they were written, by audit_seal_pending():
--   * every second by each `huqi serve` (AuditSealer; with several instances, one at a time),
--   * at the end of every CLI command,
--   * by `huqi audit verify` before it checks (with wait = true: everything committed is sealed).
-- Measured with huqi's claim + transition statements in pgbench (16 clients): sealing at COMMIT
-- under a try-lock instead reached 883/s, requests only 1 110/s.
-- A request is deleted only once its seal exists; the events of a transaction are checked
-- against its seal, or against its request while it waits (about a second while serving).

CREATE TABLE audit_pending (
    tx_id          bigint PRIMARY KEY,
    first_event_id bigint NOT NULL,
    events         integer NOT NULL CHECK (events > 0),
    tx_hash        bytea NOT NULL,
    written_at     timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- A request may only leave once it is sealed; it is never changed.
CREATE FUNCTION audit_pending_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM audit_seals s WHERE s.tx_id = OLD.tx_id) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_pending: % of an unsealed request is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_pending_guard BEFORE UPDATE OR DELETE ON audit_pending
    FOR EACH ROW EXECUTE FUNCTION audit_pending_guard();
CREATE TRIGGER audit_pending_no_truncate BEFORE TRUNCATE ON audit_pending
    FOR EACH STATEMENT EXECUTE FUNCTION history_append_only();

-- Seals the oldest committed requests this transaction can see, at most `batch` of them, in the
-- order they were written: the hashes are chained in memory, then one INSERT and one DELETE.
-- One batch per call keeps each sealing transaction short (a long one would hold back vacuum of
-- every busy table); callers call again while a call seals a full batch (AuditLog.sealPending).
-- wait = false: returns 0 at once when another transaction is sealing. Returns how many it sealed.
CREATE FUNCTION audit_seal_pending(wait boolean DEFAULT false, batch integer DEFAULT 5000) RETURNS integer
LANGUAGE plpgsql
-- The head lookup must use the primary key however small the table was when the plan was cached.
SET enable_seqscan = off
AS $$
DECLARE
    request audit_pending;
    requests audit_pending[];
    last_seq bigint;
    previous bytea;
    hash bytea;
    seqs bigint[] := '{}';
    prevs bytea[] := '{}';
    hashes bytea[] := '{}';
BEGIN
    IF wait THEN
        PERFORM pg_advisory_xact_lock(7235011);
    ELSIF NOT pg_try_advisory_xact_lock(7235011) THEN
        RETURN 0;
    END IF;
    SELECT array_agg(p ORDER BY p.written_at, p.tx_id) INTO requests
    FROM (SELECT * FROM audit_pending ORDER BY written_at, tx_id LIMIT batch) p;
    IF requests IS NULL THEN
        RETURN 0;
    END IF;
    SELECT s.seq, s.hash INTO last_seq, previous FROM audit_seals s ORDER BY s.seq DESC LIMIT 1;
    last_seq := coalesce(last_seq, 0);
    previous := coalesce(previous, decode(repeat('00', 32), 'hex'));
    FOREACH request IN ARRAY requests LOOP
        last_seq := last_seq + 1;
        -- audit_seal_canonical written out (a SQL function called from PL/pgSQL is planned per call).
        hash := sha256(previous || convert_to(concat_ws(E'\x1f', last_seq::text, request.tx_id::text,
                       request.first_event_id::text, request.events::text, encode(request.tx_hash, 'hex')), 'UTF8'));
        seqs := seqs || last_seq;
        prevs := prevs || previous;
        hashes := hashes || hash;
        previous := hash;
    END LOOP;
    INSERT INTO audit_seals (seq, tx_id, first_event_id, events, tx_hash, prev_hash, hash, sealed_at)
    SELECT s.seq, r.tx_id, r.first_event_id, r.events, r.tx_hash, s.prev, s.hash, now()
    FROM unnest(requests) WITH ORDINALITY AS r(tx_id, first_event_id, events, tx_hash, written_at, n)
    JOIN unnest(seqs, prevs, hashes) WITH ORDINALITY AS s(seq, prev, hash, n) USING (n);
    DELETE FROM audit_pending p USING unnest(requests) r WHERE p.tx_id = r.tx_id;
    RETURN cardinality(requests);
END
$$;

-- Commit: one request per transaction (the first deferred firing writes it; later firings of
-- the same transaction return at once).
CREATE OR REPLACE FUNCTION audit_events_seal() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    tx bigint := txid_current();
    state text := current_setting('huqi.audit_tx', true);
BEGIN
    IF current_setting('huqi.audit_sealed', true) = tx::text THEN
        RETURN NULL;
    END IF;
    PERFORM set_config('huqi.audit_sealed', tx::text, true);
    INSERT INTO audit_pending (tx_id, events, first_event_id, tx_hash)
    VALUES (tx, split_part(state, ':', 2)::integer, split_part(state, ':', 3)::bigint, decode(split_part(state, ':', 4), 'hex'));
    RETURN NULL;
END
$$;
