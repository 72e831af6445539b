-- careloop store schema v2 (PostgreSQL only): commit-safe event log order.
-- An identity value is taken at INSERT, so a transaction can commit after a later seq was committed
-- by another one; a reader following `seq` would then skip the earlier event. Each event records the
-- transaction that wrote it; `events_since` reads in (xid, seq) order and only events of
-- transactions older than every running one (`xid < pg_snapshot_xmin(pg_current_snapshot())`),
-- which can no longer change, so a later commit always sorts after what a reader has already seen
-- (docs/storage.md, "Event log order"). SQLite has one writer: its seq order is commit order.
-- Existing events get the migrating transaction's id (they are all committed; seq orders them).

ALTER TABLE events ADD COLUMN xid xid8 NOT NULL DEFAULT pg_current_xact_id();

CREATE INDEX events_log ON events (xid, seq);
