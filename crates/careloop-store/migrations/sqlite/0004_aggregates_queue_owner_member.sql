-- The work queue walks `aggregates_queue` in (due_at, id) order and keeps the rows the caller may
-- see: its organization's own (org_id) or, for a provider, members it was granted (member_id,
-- probed in member_access). With org_id and member_id in the index those checks are made on the
-- index entry, and only the rows that pass are read from the table (SQLite defers the table seek
-- until a column outside the index is needed). Without them an owner's queue read the full row of
-- every open request it walked past: 7 of every 8 in the benchmark (BENCHMARKS.md). Same order,
-- same prefix, so every query that used the old index uses this one the same way.
DROP INDEX aggregates_queue;
CREATE INDEX aggregates_queue ON aggregates (kind, status, due_at, id, org_id, member_id);
