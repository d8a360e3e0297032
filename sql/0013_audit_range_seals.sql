-- Range seals: one seal per sealing pass, covering every transaction that has finished
-- (replaces the per-transaction seal requests of 0010 and the per-transaction seals of 0006).
--
-- With 0010 every audited COMMIT fired a deferred trigger and wrote a seal request, and the
-- sealer turned each request into a seal row (an insert, a delete, a guard trigger per row):
-- ~40 µs of server time per transaction, ~18 % of the claim path (ops/bench/claims).
--
-- Now a commit writes nothing beyond its events (each transaction's own chain, 0006/0011).
-- A sealing pass seals a range of transaction ids instead, up to a horizon below which every
-- transaction of this database has finished (committed, or rolled back and invisible), so the
-- events with tx_id in [end of the previous range, horizon) are complete and will never change.
-- The horizon is the lowest id among the snapshot's running transactions that belong to a
-- session of this database (pg_stat_activity, read after the snapshot: a transaction it no
-- longer lists has ended before the statements that follow), else the snapshot's xmax. Only
-- this database's transactions can write its audit rows; a snapshot's plain xmin would let a
-- long transaction in another database of the cluster hold back the seals here.
-- (Prepared transactions are not listed in pg_stat_activity; huqi does not use them.)
-- The pass writes one row: the range; its transactions that wrote events and the first event
-- of each, in transaction order; the event count; a digest of every transaction's
-- (tx id, first event id, event count, last hash); chained by hash to the previous range.
-- The ranges are contiguous from transaction 0 (the 0002 chain's rows); a pass that would seal
-- no event writes nothing (the next one covers its range).
--
-- A transaction that stays open (a large import) holds back the seals of transactions that
-- started after it until it ends. `huqi audit verify` checks events beyond the last range by
-- their transactions' own chains, and refuses a transaction id that was never handed out.
--
-- The per-transaction seals written so far are dropped: the first range seals every event from
-- the start again (no event's hash changes). This ran before the gateway held real data.

DROP TRIGGER audit_events_seal ON audit_events;
DROP FUNCTION audit_events_seal();
DROP FUNCTION audit_seal_pending(boolean, integer);
DROP TABLE audit_pending;
DROP FUNCTION audit_pending_guard();
DROP FUNCTION audit_seal_canonical(audit_seals);
DROP TABLE audit_seals;

CREATE TABLE audit_seal_ranges (
    seq             bigint PRIMARY KEY,
    tx_from         bigint NOT NULL UNIQUE,          -- inclusive: the previous range's tx_to
    tx_to           bigint NOT NULL,                 -- exclusive: the sealing pass's horizon
    tx_ids          bigint[] NOT NULL,               -- the range's transactions that wrote events, in order
    first_event_ids bigint[] NOT NULL,               -- the first event of each of them
    events          bigint NOT NULL,
    digest          bytea NOT NULL,
    prev_hash       bytea NOT NULL,
    hash            bytea NOT NULL,
    sealed_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (tx_to > tx_from AND cardinality(tx_ids) > 0 AND cardinality(first_event_ids) = cardinality(tx_ids)
           AND events >= cardinality(tx_ids))
);

CREATE TRIGGER audit_seal_ranges_no_update BEFORE UPDATE OR DELETE ON audit_seal_ranges
    FOR EACH ROW EXECUTE FUNCTION history_append_only();
CREATE TRIGGER audit_seal_ranges_no_truncate BEFORE TRUNCATE ON audit_seal_ranges
    FOR EACH STATEMENT EXECUTE FUNCTION history_append_only();

-- The text of a range seal that is hashed: hash = SHA-256(prev_hash || this text).
CREATE FUNCTION audit_range_canonical(r audit_seal_ranges) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT concat_ws(E'\x1f', r.seq::text, r.tx_from::text, r.tx_to::text, array_to_string(r.tx_ids, ','),
                     array_to_string(r.first_event_ids, ','), r.events::text, encode(r.digest, 'hex'))
$$;

-- One transaction's line in a range's digest (the digest is SHA-256 of the lines joined by "\n",
-- in transaction order). Verify computes the same text in Swift.
CREATE FUNCTION audit_range_line(tx_id bigint, first_event_id bigint, events bigint, last_hash bytea) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT concat_ws(E'\x1f', tx_id::text, first_event_id::text, events::text, encode(last_hash, 'hex'))
$$;

-- Seals the events of every transaction finished since the last range. wait = false returns at
-- once (sealed 0, horizon NULL) when another session is sealing. Returns how many transactions
-- it sealed and the horizon up to which everything is now sealed.
CREATE FUNCTION audit_seal_range(wait boolean DEFAULT false, OUT sealed integer, OUT horizon bigint)
LANGUAGE plpgsql AS $$
DECLARE
    last audit_seal_ranges;
    seal audit_seal_ranges;
BEGIN
    sealed := 0;
    IF wait THEN
        PERFORM pg_advisory_xact_lock(7235011);
    ELSIF NOT pg_try_advisory_xact_lock(7235011) THEN
        RETURN;
    END IF;
    -- After the lock: the previous sealer has committed, and its range is visible to the next statements.
    SELECT * INTO last FROM audit_seal_ranges ORDER BY seq DESC LIMIT 1;
    -- The statement's snapshot is taken before pg_stat_activity is read (see the top); a
    -- session's activity is cached per transaction, so drop any copy read earlier.
    PERFORM pg_stat_clear_snapshot();
    SELECT coalesce(min(x.id), pg_snapshot_xmax(pg_current_snapshot())::text::bigint) INTO horizon
    FROM (SELECT xip::text::bigint AS id FROM pg_snapshot_xip(pg_current_snapshot()) xip) x
    WHERE (x.id % 4294967296)::text IN (SELECT a.backend_xid::text FROM pg_stat_activity a
                                        WHERE a.datname = current_database() AND a.backend_xid IS NOT NULL);
    seal.tx_from := coalesce(last.tx_to, 0);
    IF horizon <= seal.tx_from THEN
        RETURN;
    END IF;
    -- Planned with the actual bounds (EXECUTE): a cached generic plan could scan the whole table.
    EXECUTE $q$
        SELECT array_agg(t.tx_id ORDER BY t.tx_id), array_agg(t.first_id ORDER BY t.tx_id), sum(t.events),
               sha256(convert_to(string_agg(audit_range_line(t.tx_id, t.first_id, t.events, t.last_hash), E'\n' ORDER BY t.tx_id), 'UTF8'))
        FROM (SELECT e.tx_id, min(e.id) AS first_id, count(*) AS events,
                     (SELECT l.hash FROM audit_events l WHERE l.tx_id = e.tx_id ORDER BY l.id DESC LIMIT 1) AS last_hash
              FROM audit_events e WHERE e.tx_id >= $1 AND e.tx_id < $2 GROUP BY e.tx_id) t
    $q$ INTO seal.tx_ids, seal.first_event_ids, seal.events, seal.digest USING seal.tx_from, horizon;
    IF seal.tx_ids IS NULL THEN
        RETURN;
    END IF;
    seal.seq := coalesce(last.seq, 0) + 1;
    seal.tx_to := horizon;
    seal.prev_hash := coalesce(last.hash, decode(repeat('00', 32), 'hex'));
    seal.hash := sha256(seal.prev_hash || convert_to(audit_range_canonical(seal), 'UTF8'));
    seal.sealed_at := now();
    INSERT INTO audit_seal_ranges SELECT seal.*;
    sealed := cardinality(seal.tx_ids);
END
$$;
