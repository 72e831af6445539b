//! Reading the audit log (issue #3 §2, issue #12): plan and provider admins. An admin sees the
//! lines in its own organization's log — its users' actions, and attempts by others on the
//! records it owns (`App::audit_refusal` writes those to the owner) — and, for a plan, the lines
//! about members of records it owns (`AuditFilter::visible_to_owner`). Reading the log is itself
//! audited.

use careloop_store::{AuditEntry, AuditFilter, AuditRecord, Store};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::access::Action;
use crate::actor::Actor;
use crate::app::App;
use crate::error::AppError;

/// The record kind of the audit line that records a read of the audit log.
pub const AUDIT_LOG_KIND: &str = "audit-log";

/// An audit-log page request; every set field must match.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// The user who acted.
    #[serde(default)]
    pub actor: Option<String>,
    #[serde(default)]
    pub member_id: Option<String>,
    #[serde(default)]
    pub record_kind: Option<String>,
    #[serde(default)]
    pub record_id: Option<String>,
    /// Lines after this seq (0: from the start).
    #[serde(default)]
    pub after_seq: i64,
    /// 1..=10,000.
    pub limit: u32,
}

/// One page of audit lines in seq order. `next_after_seq` is set when the page is full.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub items: Vec<AuditRecord>,
    pub next_after_seq: Option<i64>,
}

impl<S: Store> App<S> {
    /// The audit lines an admin may read (see the module doc). Others are Forbidden.
    pub async fn audit_log(
        &self,
        actor: &Actor,
        query: AuditQuery,
        now: Timestamp,
    ) -> Result<AuditPage, AppError> {
        let action = Action::ReadAuditLog;
        self.require_role(actor, action, AUDIT_LOG_KIND, "query", now)
            .await?;
        let filter = AuditFilter {
            actor: query.actor.clone(),
            org_id: None,
            member_id: query.member_id.clone(),
            record_kind: query.record_kind.clone(),
            record_id: query.record_id.clone(),
            visible_to_owner: Some(actor.org_id.clone()),
            after_seq: query.after_seq,
            limit: query.limit,
        };
        let items = self.store().audit(&filter).await?;
        let full = u32::try_from(items.len()).map_or(true, |n| n >= query.limit);
        let next_after_seq = if full {
            items.last().map(|r| r.seq)
        } else {
            None
        };
        let line = AuditEntry {
            org_id: actor.org_id.clone(),
            action: action.as_str().to_owned(),
            record_kind: AUDIT_LOG_KIND.to_owned(),
            record_id: "query".to_owned(),
            member_id: query.member_id,
        };
        self.audit(actor, vec![line], now).await?;
        Ok(AuditPage {
            items,
            next_after_seq,
        })
    }
}
