-- Queues ordered by the last change (issue #15 item 4: every list on an index): the referral work
-- queue lists open referrals oldest change first. Equality on (kind, status), then already in
-- (updated_at, id) order, so a keyset page is one range scan per status that stops after LIMIT
-- rows instead of reading every open referral and sorting in memory. org_id and member_id are in
-- the index (as in aggregates_queue) so the owner and member-access checks are made on the index
-- entry before the table row is read.
CREATE INDEX aggregates_changed ON aggregates (kind, status, updated_at, id, org_id, member_id);
