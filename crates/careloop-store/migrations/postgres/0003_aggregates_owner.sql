-- careloop store schema v3 (PostgreSQL): listing records without a due time (members) by owner.
-- `Store::list` with an owner scope is a range scan on (kind, org_id) ordered by id.
CREATE INDEX aggregates_owner ON aggregates (kind, org_id, id);
