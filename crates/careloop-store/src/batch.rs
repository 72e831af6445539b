//! The write side of the port: one [`WriteBatch`] is one transaction (docs/storage.md,
//! "The write path contract").

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Everything one use case changes, committed atomically by [`crate::Store::commit`]: either all
/// of it is stored or nothing is.
///
/// `actor` is the signed-in user (or system job) acting; it is recorded on every event, audit
/// entry and the idempotency record. `at` is the use case's clock reading, used for
/// `created_at`/`updated_at`, event and audit times and `granted_at` (stored to the millisecond).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WriteBatch {
    pub actor: String,
    /// The organization of `actor`, stored on each audit line (`audit_log.actor_org_id`).
    #[serde(default)]
    pub actor_org_id: Option<String>,
    pub at: Timestamp,
    #[serde(default)]
    pub aggregates: Vec<AggregateWrite>,
    #[serde(default)]
    pub events: Vec<NewEvent>,
    #[serde(default)]
    pub grants: Vec<AccessGrant>,
    #[serde(default)]
    pub audit: Vec<AuditEntry>,
    /// The Idempotency-Key record of the POST that caused this batch. When (actor, key) is
    /// already stored the batch is not applied: same request hash → the stored response is
    /// returned ([`crate::CommitReceipt::Replayed`]), different hash →
    /// [`crate::StoreError::IdempotencyMismatch`].
    #[serde(default)]
    pub idempotency: Option<IdempotencyRecord>,
}

impl WriteBatch {
    /// An empty batch for `actor` at `at`.
    pub fn new(actor: impl Into<String>, at: Timestamp) -> Self {
        WriteBatch {
            actor: actor.into(),
            actor_org_id: None,
            at,
            aggregates: Vec::new(),
            events: Vec::new(),
            grants: Vec::new(),
            audit: Vec::new(),
            idempotency: None,
        }
    }

    /// True when committing would write nothing.
    pub fn is_empty(&self) -> bool {
        self.aggregates.is_empty()
            && self.events.is_empty()
            && self.grants.is_empty()
            && self.audit.is_empty()
            && self.idempotency.is_none()
    }
}

/// The new state of one aggregate (a JSON document plus the projection columns the queries index).
///
/// `expected_version` is the version the use case read: `0` creates the aggregate (it must not
/// exist), `n >= 1` replaces version `n` (it must still be `n`). The stored version becomes
/// `expected_version + 1`; any mismatch is [`crate::StoreError::Conflict`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AggregateWrite {
    pub kind: String,
    pub id: String,
    pub expected_version: i64,
    /// The owning plan organization.
    pub org_id: String,
    pub member_id: Option<String>,
    pub status: String,
    /// When the next action is due (decision deadline); `None` keeps it off the work queue.
    pub due_at: Option<Timestamp>,
    pub plan_id: Option<String>,
    pub county: Option<String>,
    pub body: Value,
}

impl AggregateWrite {
    /// The version this write stores.
    pub fn new_version(&self) -> i64 {
        self.expected_version.saturating_add(1)
    }
}

/// One append-only event. `version` is the aggregate version it produced (normally the
/// [`AggregateWrite::new_version`] of the same batch); (kind, aggregate_id, version) is unique.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewEvent {
    pub kind: String,
    pub aggregate_id: String,
    pub version: i64,
    pub event_type: String,
    pub body: Value,
}

/// Why an organization may see a member's data. A provider sees only members referred,
/// assigned or authorized to it (docs/storage.md, "Access").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccessReason {
    Referred,
    Assigned,
    Authorized,
}

impl AccessReason {
    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessReason::Referred => "referred",
            AccessReason::Assigned => "assigned",
            AccessReason::Authorized => "authorized",
        }
    }

    /// Parses the stored text.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "referred" => Some(AccessReason::Referred),
            "assigned" => Some(AccessReason::Assigned),
            "authorized" => Some(AccessReason::Authorized),
            _ => None,
        }
    }
}

/// Grants `org_id` access to `member_id` for `reason`. Granting an existing grant again is a
/// no-op (the first `granted_at` stays).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessGrant {
    pub org_id: String,
    pub member_id: String,
    pub reason: AccessReason,
}

/// One audit-log line: `actor` (from the batch), acting for `org_id`, did `action` ("read",
/// "create", "update", "export", ...) on a record, about `member_id` when it is member data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditEntry {
    pub org_id: String,
    pub action: String,
    pub record_kind: String,
    pub record_id: String,
    pub member_id: Option<String>,
}

/// The response to remember for (batch actor, `key`), so a retried POST returns it again
/// instead of creating a second record. `request_hash` identifies the request body (the caller
/// hashes it, e.g. SHA-256 hex).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdempotencyRecord {
    pub key: String,
    pub request_hash: String,
    pub status_code: u16,
    pub response_body: String,
}
