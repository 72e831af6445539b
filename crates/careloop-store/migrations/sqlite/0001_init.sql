-- careloop store schema v1 (SQLite). Same tables, columns and meaning as ../postgres/0001_init.sql.
-- Times are epoch milliseconds (UTC) in INTEGER columns on both engines.

CREATE TABLE aggregates (
    kind        TEXT    NOT NULL,
    id          TEXT    NOT NULL,
    version     INTEGER NOT NULL CHECK (version >= 1),
    org_id      TEXT    NOT NULL,
    member_id   TEXT,
    status      TEXT    NOT NULL,
    due_at      INTEGER,
    plan_id     TEXT,
    county      TEXT,
    body        TEXT    NOT NULL CHECK (json_valid(body)),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (kind, id)
) STRICT;

-- Work queue: equality on kind and status, range and order on (due_at, id) for keyset pages.
CREATE INDEX aggregates_queue ON aggregates (kind, status, due_at, id);
CREATE INDEX aggregates_member ON aggregates (member_id);

CREATE TABLE events (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT    NOT NULL,
    aggregate_id  TEXT    NOT NULL,
    version       INTEGER NOT NULL CHECK (version >= 1),
    event_type    TEXT    NOT NULL,
    body          TEXT    NOT NULL CHECK (json_valid(body)),
    actor         TEXT    NOT NULL,
    at            INTEGER NOT NULL,
    UNIQUE (kind, aggregate_id, version)
) STRICT;

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

CREATE TABLE member_access (
    org_id      TEXT    NOT NULL,
    member_id   TEXT    NOT NULL,
    reason      TEXT    NOT NULL CHECK (reason IN ('referred', 'assigned', 'authorized')),
    granted_at  INTEGER NOT NULL,
    PRIMARY KEY (org_id, member_id, reason)
) STRICT;

CREATE TABLE idempotency (
    actor          TEXT    NOT NULL,
    key            TEXT    NOT NULL,
    request_hash   TEXT    NOT NULL,
    status_code    INTEGER NOT NULL CHECK (status_code BETWEEN 100 AND 599),
    response_body  TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    PRIMARY KEY (actor, key)
) STRICT;

CREATE TABLE audit_log (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    actor        TEXT    NOT NULL,
    org_id       TEXT    NOT NULL,
    action       TEXT    NOT NULL,
    record_kind  TEXT    NOT NULL,
    record_id    TEXT    NOT NULL,
    member_id    TEXT,
    at           INTEGER NOT NULL
) STRICT;

CREATE INDEX audit_log_member ON audit_log (member_id, seq);
CREATE INDEX audit_log_record ON audit_log (record_kind, record_id, seq);
CREATE INDEX audit_log_actor ON audit_log (actor, seq);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
