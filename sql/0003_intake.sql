-- Intake: uploaded payloads (content-addressed), batches, cases with their version history,
-- and the outcome of every input row. Nothing a partner sends is lost: an unreadable file is
-- a batch with status 'rejected' and its bytes; a bad row is a batch_rows row with its raw
-- cells and coded issues.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE payloads (
    sha256     bytea PRIMARY KEY CHECK (length(sha256) = 32),
    bytes      bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE batches (
    id              bigserial PRIMARY KEY,
    partner_id      integer NOT NULL REFERENCES partners (id),
    batch_no        integer CHECK (batch_no > 0),
    uploaded_by     text NOT NULL,
    received_at     timestamptz NOT NULL DEFAULT now(),
    payload_sha256  bytea NOT NULL REFERENCES payloads (sha256),
    byte_size       integer NOT NULL,
    format          text NOT NULL CHECK (format IN ('csv', 'json', 'xlsx', 'unknown')),
    encoding        text,
    status          text NOT NULL CHECK (status IN ('applied', 'rejected')),
    error_code      text,
    error_message   text,
    idempotency_key text CHECK (length(idempotency_key) BETWEEN 1 AND 255),
    total           integer NOT NULL DEFAULT 0,
    accepted        integer NOT NULL DEFAULT 0,
    updated         integer NOT NULL DEFAULT 0,
    unchanged       integer NOT NULL DEFAULT 0,
    duplicate       integer NOT NULL DEFAULT 0,
    rejected        integer NOT NULL DEFAULT 0,
    warnings        integer NOT NULL DEFAULT 0,
    file_warnings   jsonb NOT NULL DEFAULT '[]',
    CHECK ((status = 'rejected') = (error_code IS NOT NULL))
);
CREATE UNIQUE INDEX batches_idempotency_key ON batches (partner_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX batches_partner_payload_idx ON batches (partner_id, payload_sha256);

CREATE TABLE cases (
    id                    bigserial PRIMARY KEY,
    partner_id            integer NOT NULL REFERENCES partners (id),
    external_ref          text NOT NULL,
    first_batch_id        bigint NOT NULL REFERENCES batches (id),
    batch_id              bigint NOT NULL REFERENCES batches (id),
    unit_code             text NOT NULL REFERENCES units (code),
    region_code           text NOT NULL REFERENCES divisions (code),
    seq                   integer,
    enterprise_name       text NOT NULL,
    credit_code           text,
    enterprise_kind       text,
    reporter_name         text,
    reporter_id_number    text,
    phone                 text,
    respondent            text,
    matter_type           text,
    claim                 text NOT NULL,
    petitioned_before     boolean,
    first_petition_date   date,
    petition_count        integer,
    amount_wan            numeric(16, 4),
    litigation_stage      text,
    handed_over_on        date NOT NULL,
    remarks               text,
    extra                 jsonb NOT NULL DEFAULT '{}',
    possible_duplicate_of bigint REFERENCES cases (id),
    version               integer NOT NULL DEFAULT 1,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    UNIQUE (partner_id, external_ref)
);
CREATE INDEX cases_unit_code_idx ON cases (unit_code);
CREATE INDEX cases_batch_id_idx ON cases (batch_id);
CREATE INDEX cases_duplicate_key_idx ON cases (credit_code, respondent);

-- The previous versions of corrected cases: a later batch with the same partner and
-- external_ref replaces the case and keeps what it replaced here.
CREATE TABLE case_versions (
    case_id           bigint NOT NULL REFERENCES cases (id),
    version           integer NOT NULL,
    batch_id          bigint NOT NULL REFERENCES batches (id),
    data              jsonb NOT NULL,
    replaced_at       timestamptz NOT NULL DEFAULT now(),
    replaced_by_batch bigint NOT NULL REFERENCES batches (id),
    PRIMARY KEY (case_id, version)
);

-- Every input row's fate: exactly one outcome, its raw cells, and its coded issues
-- ([{field, code, message, severity}]).
CREATE TABLE batch_rows (
    batch_id   bigint NOT NULL REFERENCES batches (id),
    row_number integer NOT NULL,
    outcome    text NOT NULL CHECK (outcome IN ('accepted', 'updated', 'unchanged', 'duplicate', 'rejected')),
    case_id    bigint REFERENCES cases (id),
    raw        jsonb NOT NULL,
    issues     jsonb NOT NULL DEFAULT '[]',
    PRIMARY KEY (batch_id, row_number),
    CHECK ((outcome = 'rejected') = (case_id IS NULL))
);
