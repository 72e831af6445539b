//! What the store returns: stored rows and commit receipts.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// An aggregate as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredAggregate {
    pub kind: String,
    pub id: String,
    pub version: i64,
    pub org_id: String,
    pub member_id: Option<String>,
    pub status: String,
    pub due_at: Option<Timestamp>,
    pub plan_id: Option<String>,
    pub county: Option<String>,
    pub body: Value,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// An event as stored; `seq` is its position in the global append-only log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredEvent {
    pub seq: i64,
    pub kind: String,
    pub aggregate_id: String,
    pub version: i64,
    pub event_type: String,
    pub body: Value,
    pub actor: String,
    pub at: Timestamp,
}

/// An audit-log line as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub seq: i64,
    pub actor: String,
    pub org_id: String,
    pub action: String,
    pub record_kind: String,
    pub record_id: String,
    pub member_id: Option<String>,
    /// The organization of the user who acted (lines written since migration 0005).
    pub actor_org_id: Option<String>,
    pub at: Timestamp,
}

/// The stored response of an idempotent request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredResponse {
    pub request_hash: String,
    pub status_code: u16,
    pub response_body: String,
    pub created_at: Timestamp,
}

/// The version an aggregate write stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AggregateVersion {
    pub kind: String,
    pub id: String,
    pub version: i64,
}

/// What a committed batch wrote, in batch order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Committed {
    pub versions: Vec<AggregateVersion>,
    pub event_seqs: Vec<i64>,
    pub audit_seqs: Vec<i64>,
}

/// The result of [`crate::Store::commit`]. Both variants mean the request's effect is durably
/// stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum CommitReceipt {
    /// The batch was written in one transaction.
    Committed(Committed),
    /// The Idempotency-Key was already used with the same request: nothing was written and this
    /// is the response stored by the first commit.
    Replayed(StoredResponse),
}
