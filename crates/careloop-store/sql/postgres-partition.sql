-- careloop on PostgreSQL beyond one table: declarative partitioning of the two append-only tables
-- (docs/postgresql.md). Run ONCE, by a database owner, on a database `careloop migrate` has
-- created (migrations 0001..0006), while careloop is stopped; it runs in one transaction and keeps
-- every row and sequence value. Tested: crates/careloop-store/tests/store_postgres.rs runs the
-- whole conformance suite on a database this script converted.
--
-- audit_log: RANGE partitions by month on `at` (epoch milliseconds, UTC). Old months can be
--   DETACHed and archived (DETACH is not a DELETE; the append-only trigger is not involved).
-- events: HASH partitions on `aggregate_id`. The store refuses a duplicate event with
--   `INSERT … ON CONFLICT (kind, aggregate_id, version)`, which needs a unique index on exactly
--   those columns, and PostgreSQL allows a unique index on a partitioned table only when it holds
--   every partition column: a time (`at`) or plan partitioning of events would drop that guard,
--   so events are spread by record instead (smaller indexes, vacuum and backups per partition).
--   Events are the record of truth and are never deleted, so there is no time retention to gain.

BEGIN;

-- ---------------------------------------------------------------- audit_log, by month
ALTER TABLE audit_log RENAME TO audit_log_unpartitioned;
ALTER INDEX audit_log_member RENAME TO audit_log_unpartitioned_member;
ALTER INDEX audit_log_record RENAME TO audit_log_unpartitioned_record;
ALTER INDEX audit_log_actor RENAME TO audit_log_unpartitioned_actor;
ALTER INDEX audit_log_pkey RENAME TO audit_log_unpartitioned_pkey;

CREATE TABLE audit_log (
    seq           BIGINT  GENERATED ALWAYS AS IDENTITY,
    actor         TEXT    NOT NULL,
    org_id        TEXT    NOT NULL,
    action        TEXT    NOT NULL,
    record_kind   TEXT    NOT NULL,
    record_id     TEXT    NOT NULL,
    member_id     TEXT,
    at            BIGINT  NOT NULL,
    actor_org_id  TEXT,
    -- A primary key on a partitioned table holds the partition column; seq alone stays unique
    -- (one identity sequence for all partitions).
    PRIMARY KEY (seq, at)
) PARTITION BY RANGE (at);

CREATE INDEX audit_log_member ON audit_log (member_id, seq);
CREATE INDEX audit_log_record ON audit_log (record_kind, record_id, seq);
CREATE INDEX audit_log_actor ON audit_log (actor, seq);

-- The partition of one month (`month` is its first day, UTC); run it ahead of each month, e.g.
-- from cron: psql -c "SELECT careloop_audit_month(date_trunc('month', now() + interval '1 month')::date)".
CREATE FUNCTION careloop_audit_month(month date) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    lo BIGINT := (extract(epoch FROM month::timestamp AT TIME ZONE 'UTC') * 1000)::BIGINT;
    hi BIGINT := (extract(epoch FROM (month + interval '1 month')::timestamp AT TIME ZONE 'UTC') * 1000)::BIGINT;
BEGIN
    EXECUTE format(
        'CREATE TABLE IF NOT EXISTS %I PARTITION OF audit_log FOR VALUES FROM (%s) TO (%s)',
        'audit_log_' || to_char(month, 'YYYY_MM'), lo, hi);
END;
$$;

-- Lines outside every month partition (the past before the first month, a month not created
-- in time) land here instead of failing the commit. Creating a month whose lines are already in
-- the default partition fails: create months ahead.
CREATE TABLE audit_log_default PARTITION OF audit_log DEFAULT;

-- Months from the oldest line (or this month) to 12 months ahead.
SELECT careloop_audit_month(m::date)
FROM generate_series(
    date_trunc('month', coalesce(
        (SELECT to_timestamp(min(at) / 1000.0) AT TIME ZONE 'UTC' FROM audit_log_unpartitioned),
        now() AT TIME ZONE 'UTC')),
    date_trunc('month', now() AT TIME ZONE 'UTC') + interval '12 months',
    interval '1 month') AS m;

INSERT INTO audit_log
    (seq, actor, org_id, action, record_kind, record_id, member_id, at, actor_org_id)
OVERRIDING SYSTEM VALUE
SELECT seq, actor, org_id, action, record_kind, record_id, member_id, at, actor_org_id
FROM audit_log_unpartitioned;
SELECT setval(pg_get_serial_sequence('audit_log', 'seq'),
              coalesce((SELECT max(seq) FROM audit_log_unpartitioned), 0) + 1, false);
DROP TABLE audit_log_unpartitioned;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION careloop_append_only();

-- ---------------------------------------------------------------- events, by record (hash)
ALTER TABLE events RENAME TO events_unpartitioned;
ALTER INDEX events_pkey RENAME TO events_unpartitioned_pkey;
ALTER INDEX events_kind_aggregate_id_version_key RENAME TO events_unpartitioned_key;
ALTER INDEX events_log RENAME TO events_unpartitioned_log;

CREATE TABLE events (
    seq           BIGINT  GENERATED ALWAYS AS IDENTITY,
    kind          TEXT    NOT NULL,
    aggregate_id  TEXT    NOT NULL,
    version       BIGINT  NOT NULL CHECK (version >= 1),
    event_type    TEXT    NOT NULL,
    body          JSONB   NOT NULL,
    actor         TEXT    NOT NULL,
    at            BIGINT  NOT NULL,
    xid           xid8    NOT NULL DEFAULT pg_current_xact_id(),
    PRIMARY KEY (seq, aggregate_id),
    UNIQUE (kind, aggregate_id, version)
) PARTITION BY HASH (aggregate_id);

CREATE INDEX events_log ON events (xid, seq);

-- 8 partitions (a power of two: one can later be split in two by re-partitioning its rows).
DO $$
BEGIN
    FOR r IN 0..7 LOOP
        EXECUTE format(
            'CREATE TABLE %I PARTITION OF events FOR VALUES WITH (MODULUS 8, REMAINDER %s)',
            'events_p' || r, r);
    END LOOP;
END;
$$;

INSERT INTO events (seq, kind, aggregate_id, version, event_type, body, actor, at, xid)
OVERRIDING SYSTEM VALUE
SELECT seq, kind, aggregate_id, version, event_type, body, actor, at, xid
FROM events_unpartitioned;
SELECT setval(pg_get_serial_sequence('events', 'seq'),
              coalesce((SELECT max(seq) FROM events_unpartitioned), 0) + 1, false);
DROP TABLE events_unpartitioned;

CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION careloop_append_only();

COMMIT;
