-- The work queue of one owner organization filtered by county (a UM reviewer's county filter):
-- equality on (kind, status, org_id, county), then already in (due_at, id) order, so a page is a
-- range scan of the index that stops after LIMIT rows instead of walking every open request of
-- the kind (measured at 1,000,000 rows: BENCHMARKS.md).
CREATE INDEX aggregates_queue_county ON aggregates (kind, status, org_id, county, due_at, id);
