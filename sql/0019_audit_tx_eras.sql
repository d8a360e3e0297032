-- The audit log's transaction numbers survive a restore into another PostgreSQL cluster.
--
-- audit_events.tx_id was txid_current(), and the range seals (0013) cover ranges of those ids.
-- Transaction ids belong to a cluster: a database dumped with pg_dump and restored into a new
-- cluster (a new machine after a disk loss, say) keeps its events and seals, but the new
-- cluster hands out ids from a few hundred on. The first event written there got an id inside an
-- old sealed range, and `huqi audit verify` reported it as written behind the trigger's back
-- (「该记录所在事务不在封印记录中」); events the old cluster had not sealed yet carried ids the new
-- one had "never handed out"; and no range was ever sealed again. A backup restored by the book
-- looked like tampering.
--
-- Now each home the database has had is an era: the cluster's system identifier
-- (pg_control_system: new for every initdb, the same on a physical copy or a promoted standby)
-- and the database's oid (new for every CREATE DATABASE, so a dump restored into an older
-- physical copy of its own cluster counts as moved too), with an offset added to txid_current().
-- The first transaction that needs a number in a new home — an audited write, a sealing pass,
-- verify — appends the era, with an offset that puts every id the cluster will hand out above
-- every number used so far. Numbers keep growing, ranges stay contiguous, and the chain itself
-- (hashes, seals) does not change. Eras are append-only.
-- An era changes only when the database is somewhere new, where every session is new too: so a
-- session keeps its era's offset in huqi.audit_tx_base, and no two sessions number with two
-- offsets.

CREATE TABLE audit_tx_eras (
    era        integer PRIMARY KEY CHECK (era > 0),
    system_id  bigint NOT NULL,
    database   oid NOT NULL,
    tx_offset  bigint NOT NULL,
    floor      bigint NOT NULL,          -- every number below it was used before this era
    began_at   timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER audit_tx_eras_no_update BEFORE UPDATE OR DELETE ON audit_tx_eras
    FOR EACH ROW EXECUTE FUNCTION history_append_only();
CREATE TRIGGER audit_tx_eras_no_truncate BEFORE TRUNCATE ON audit_tx_eras
    FOR EACH STATEMENT EXECUTE FUNCTION history_append_only();

-- The first era: the home the database is in now. Numbers go on as before (offset 0), unless
-- the numbers used so far lie beyond the ids this cluster has handed out: then this is a dump
-- made before this migration, restored into a younger cluster, and the offset moves past them.
INSERT INTO audit_tx_eras (era, system_id, database, tx_offset, floor)
SELECT 1, c.system_identifier, d.oid,
       CASE WHEN u.used > pg_snapshot_xmax(pg_current_snapshot())::text::bigint
            THEN u.used - pg_snapshot_xmin(pg_current_snapshot())::text::bigint ELSE 0 END,
       u.used
FROM pg_control_system() c, pg_database d,
     (SELECT greatest(coalesce((SELECT r.tx_to FROM audit_seal_ranges r ORDER BY r.seq DESC LIMIT 1), 0),
                      coalesce((SELECT max(e.tx_id) + 1 FROM audit_events e), 0)) AS used) u
WHERE d.datname = current_database();

-- The offset of this home's era, appending the era first when the database has moved. Appending
-- is serialized with other appenders and with the sealing passes by the sealers' advisory lock
-- (held to the end of the transaction; once per move). A REPEATABLE READ transaction that lost
-- the race gets a serialization failure from ON CONFLICT, never a second offset.
CREATE FUNCTION audit_tx_offset() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    cached text := current_setting('huqi.audit_tx_base', true);
    here bigint;
    this_database oid;
    current audit_tx_eras;
    used bigint;
    oldest bigint;
BEGIN
    IF cached IS NOT NULL AND cached <> '' THEN
        RETURN cached::bigint;
    END IF;
    SELECT system_identifier INTO here FROM pg_control_system();
    SELECT oid INTO this_database FROM pg_database WHERE datname = current_database();
    SELECT * INTO current FROM audit_tx_eras ORDER BY era DESC LIMIT 1;
    IF (current.system_id, current.database) IS DISTINCT FROM (here, this_database) THEN
        PERFORM pg_advisory_xact_lock(7235011);
        -- After the lock: a new statement, a new snapshot; another session may have appended it.
        SELECT * INTO current FROM audit_tx_eras ORDER BY era DESC LIMIT 1;
        IF (current.system_id, current.database) IS DISTINCT FROM (here, this_database) THEN
            used := greatest(coalesce((SELECT r.tx_to FROM audit_seal_ranges r ORDER BY r.seq DESC LIMIT 1), 0),
                             coalesce((SELECT max(e.tx_id) + 1 FROM audit_events e), 0));
            -- Every transaction that will ask for a number here has an id at or above the
            -- snapshot's xmin (the oldest one still running in the cluster).
            oldest := pg_snapshot_xmin(pg_current_snapshot())::text::bigint;
            INSERT INTO audit_tx_eras (era, system_id, database, tx_offset, floor)
            VALUES (coalesce(current.era, 0) + 1, here, this_database, greatest(coalesce(current.tx_offset, 0), used - oldest), used)
            ON CONFLICT (era) DO NOTHING;
            SELECT * INTO current FROM audit_tx_eras ORDER BY era DESC LIMIT 1;
        END IF;
    END IF;
    PERFORM set_config('huqi.audit_tx_base', current.tx_offset::text, false);
    RETURN current.tx_offset;
END
$$;

-- The transaction number every handed-out one lies below (the snapshot's xmax, in this era).
CREATE FUNCTION audit_tx_handed_out() RETURNS bigint
LANGUAGE sql AS $$
    SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint + audit_tx_offset()
$$;

-- 0011's trigger, numbering a transaction's events in this era. The offset is looked up once
-- per transaction (its first event); the state keeps the raw id to recognize the transaction.
CREATE OR REPLACE FUNCTION audit_events_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    state text := current_setting('huqi.audit_tx', true);
    raw bigint := txid_current();
    tx bigint;
    previous bytea := '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea;
    count integer := 0;
    first_id bigint;
BEGIN
    NEW.id := nextval('audit_events_id_seq');
    IF state IS NOT NULL AND state <> '' AND split_part(state, ':', 1) = raw::text THEN
        count := split_part(state, ':', 2)::integer;
        first_id := split_part(state, ':', 3)::bigint;
        previous := decode(split_part(state, ':', 4), 'hex');
        -- A transaction that began its events under 0011's trigger (before this migration
        -- committed) keeps numbering them as it began: its raw id.
        tx := coalesce(nullif(split_part(state, ':', 5), '')::bigint, raw);
    ELSE
        first_id := NEW.id;
        -- The session's offset when known (no function call on the claim path), else looked up.
        tx := raw + coalesce(nullif(current_setting('huqi.audit_tx_base', true), '')::bigint, audit_tx_offset());
    END IF;
    NEW.tx_id := tx;
    NEW.prev_hash := previous;
    -- audit_canonical(NEW), written out: a SQL function called from PL/pgSQL is planned on every call.
    NEW.hash := sha256(previous || convert_to(concat_ws(E'\x1f', NEW.id::text,
                     to_char(NEW.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                     NEW.actor, NEW.actor_label, NEW.action, NEW.entity, NEW.entity_id, NEW.address, NEW.summary::text), 'UTF8'));
    PERFORM set_config('huqi.audit_tx', raw || ':' || (count + 1) || ':' || first_id || ':' || encode(NEW.hash, 'hex') || ':' || tx, true);
    RETURN NEW;
END
$$;

-- 0013's sealing pass with the horizon in this era's numbers.
CREATE OR REPLACE FUNCTION audit_seal_range(wait boolean DEFAULT false, OUT sealed integer, OUT horizon bigint)
LANGUAGE plpgsql AS $$
DECLARE
    last audit_seal_ranges;
    seal audit_seal_ranges;
    tx_offset bigint;
BEGIN
    sealed := 0;
    IF wait THEN
        PERFORM pg_advisory_xact_lock(7235011);
    ELSIF NOT pg_try_advisory_xact_lock(7235011) THEN
        RETURN;
    END IF;
    -- Under the lock: an era appended now (a new cluster) is in place before the range is read.
    tx_offset := audit_tx_offset();
    -- After the lock: the previous sealer has committed, and its range is visible to the next statements.
    SELECT * INTO last FROM audit_seal_ranges ORDER BY seq DESC LIMIT 1;
    -- The statement's snapshot is taken before pg_stat_activity is read (see 0013); a
    -- session's activity is cached per transaction, so drop any copy read earlier.
    PERFORM pg_stat_clear_snapshot();
    SELECT coalesce(min(x.id), pg_snapshot_xmax(pg_current_snapshot())::text::bigint) + tx_offset INTO horizon
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
