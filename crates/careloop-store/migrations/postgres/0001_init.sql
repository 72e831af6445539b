-- careloop store schema v1 (PostgreSQL). Same tables, columns and meaning as ../sqlite/0001_init.sql.
-- Times are epoch milliseconds (UTC) in BIGINT columns on both engines.

CREATE TABLE aggregates (
    kind        TEXT    NOT NULL,
    id          TEXT    NOT NULL,
    version     BIGINT  NOT NULL CHECK (version >= 1),
    org_id      TEXT    NOT NULL,
    member_id   TEXT,
    status      TEXT    NOT NULL,
    due_at      BIGINT,
    plan_id     TEXT,
    county      TEXT,
    body        JSONB   NOT NULL,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL,
    PRIMARY KEY (kind, id)
);

-- Work queue: equality on kind and status, range and order on (due_at, id) for keyset pages.
CREATE INDEX aggregates_queue ON aggregates (kind, status, due_at, id);
CREATE INDEX aggregates_member ON aggregates (member_id);

CREATE TABLE events (
    seq           BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind          TEXT    NOT NULL,
    aggregate_id  TEXT    NOT NULL,
    version       BIGINT  NOT NULL CHECK (version >= 1),
    event_type    TEXT    NOT NULL,
    body          JSONB   NOT NULL,
    actor         TEXT    NOT NULL,
    at            BIGINT  NOT NULL,
    UNIQUE (kind, aggregate_id, version)
);

CREATE TABLE member_access (
    org_id      TEXT    NOT NULL,
    member_id   TEXT    NOT NULL,
    reason      TEXT    NOT NULL CHECK (reason IN ('referred', 'assigned', 'authorized')),
    granted_at  BIGINT  NOT NULL,
    PRIMARY KEY (org_id, member_id, reason)
);

CREATE TABLE idempotency (
    actor          TEXT    NOT NULL,
    key            TEXT    NOT NULL,
    request_hash   TEXT    NOT NULL,
    status_code    BIGINT  NOT NULL CHECK (status_code BETWEEN 100 AND 599),
    response_body  TEXT    NOT NULL,
    created_at     BIGINT  NOT NULL,
    PRIMARY KEY (actor, key)
);

CREATE TABLE audit_log (
    seq          BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor        TEXT    NOT NULL,
    org_id       TEXT    NOT NULL,
    action       TEXT    NOT NULL,
    record_kind  TEXT    NOT NULL,
    record_id    TEXT    NOT NULL,
    member_id    TEXT,
    at           BIGINT  NOT NULL
);

CREATE INDEX audit_log_member ON audit_log (member_id, seq);
CREATE INDEX audit_log_record ON audit_log (record_kind, record_id, seq);
CREATE INDEX audit_log_actor ON audit_log (actor, seq);

-- events and audit_log are append-only: any UPDATE or DELETE is refused.
CREATE FUNCTION careloop_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;

CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION careloop_append_only();
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION careloop_append_only();
