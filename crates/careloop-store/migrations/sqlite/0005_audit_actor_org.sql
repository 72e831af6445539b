-- The organization of the user who acted, on every audit line (issue #12, defect 9): a refused
-- attempt on another organization's record is written to the OWNING organization's log (org_id)
-- with the member id, and the owner must see which organization the user belongs to. Lines
-- written before this migration have none.
ALTER TABLE audit_log ADD COLUMN actor_org_id TEXT;
