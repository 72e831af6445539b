//! The referral work queue: who must act next on each open referral, and the notices owed.

use careloop_domain::workflow::referral::{NoticeDuty, clr_notice_duties};
use careloop_store::{AuditEntry, OrgScope, QueueCursor, QueueOrder, QueueQuery, Store};
use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::access::Action;
use crate::actor::{Actor, OrgKind};
use crate::app::App;
use crate::error::AppError;
use crate::referral::{KIND, ReferralRecord};

/// Who must act next on an open referral.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ReferralParty {
    Plan,
    Provider,
}

/// The next step on an open referral.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ReferralNextStep {
    /// received: the plan reviews eligibility.
    EligibilityReview,
    /// eligibility reviewed, or declined by the last provider: the plan assigns a provider.
    Assignment,
    /// accepted by the provider: the plan records the authorization decision.
    Authorization,
    /// assigned: the provider accepts or declines.
    AcceptOrDecline,
    /// authorized: the provider reports services started.
    StartServices,
    /// not eligible, not authorized or services started: the plan closes the loop.
    CloseLoop,
}

/// Who acts next at `status` (kebab-case stored status), or `None` when nobody does.
pub fn referral_next_step(status: &str) -> Option<(ReferralParty, ReferralNextStep)> {
    use ReferralNextStep as N;
    use ReferralParty as P;
    Some(match status {
        "received" => (P::Plan, N::EligibilityReview),
        "eligibility-reviewed" | "declined-by-provider" => (P::Plan, N::Assignment),
        "accepted-by-provider" => (P::Plan, N::Authorization),
        "not-eligible" | "not-authorized" | "services-started" => (P::Plan, N::CloseLoop),
        "assigned-to-provider" => (P::Provider, N::AcceptOrDecline),
        "authorized" => (P::Provider, N::StartServices),
        _ => return None,
    })
}

/// The stored statuses of open referrals (everything but new and closed).
pub const OPEN_REFERRAL_STATUSES: [&str; 9] = [
    "received",
    "eligibility-reviewed",
    "declined-by-provider",
    "accepted-by-provider",
    "not-eligible",
    "not-authorized",
    "services-started",
    "assigned-to-provider",
    "authorized",
];

/// Keyset position in the referral queue: the last (waiting since, id) of the previous page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferralQueueCursor {
    pub since: Timestamp,
    pub id: String,
}

impl ReferralQueueCursor {
    /// The cursor as text, `<since>~<id>` (the API's `after`/`next`, the UI's next-page link).
    pub fn encode(&self) -> String {
        format!("{}~{}", self.since, self.id)
    }

    /// Reads a cursor written by [`ReferralQueueCursor::encode`]; `None` for anything else.
    pub fn decode(text: &str) -> Option<Self> {
        let (since, id) = text.split_once('~')?;
        let since = since.parse().ok()?;
        if id.is_empty() {
            return None;
        }
        Some(ReferralQueueCursor {
            since,
            id: id.to_owned(),
        })
    }
}

/// A referral work-queue page request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferralQueueQuery {
    /// Only referrals waiting on this party (plan staff; a provider always sees its own).
    #[serde(default)]
    pub waiting_on: Option<ReferralParty>,
    /// 1..=1,000.
    pub limit: u32,
    #[serde(default)]
    pub after: Option<ReferralQueueCursor>,
}

/// One open referral and who must act next.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReferralQueueItem {
    pub record: ReferralRecord,
    pub waiting_on: ReferralParty,
    pub next_step: ReferralNextStep,
    /// The last change (the record's `updated_at`): the referral has waited since then.
    pub since: Timestamp,
    /// Whole hours waited at `now`.
    pub age_hours: i64,
    /// Closed-loop notices owed at the current status and not yet met (CALAIM.md §6.4 [39]).
    pub notices_owed: usize,
    /// Each closed-loop notice owed at the current status, with whether a recorded notice meets
    /// it (a fax to the referring entity does not, unless both sides agreed to fax).
    pub notice_duties: Vec<NoticeDuty>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReferralQueuePage {
    pub items: Vec<ReferralQueueItem>,
    pub next: Option<ReferralQueueCursor>,
}

impl<S: Store> App<S> {
    /// Open referrals waiting on each party, oldest change first. Plan staff see their plan's
    /// referrals (optionally only those waiting on one party); a provider sees the referrals
    /// assigned to it that wait on it. Referrals have no due time (no CLR timeline is confirmed,
    /// CALAIM.md §6.4), so the queue orders by the last change. Every listed record is audited.
    ///
    /// Sorted and paged in SQL (issue #15 item 4): one keyset range per waiting status on the
    /// `aggregates_changed (kind, status, updated_at, id, …)` index, so a page reads about
    /// `limit` rows whatever the plan's size. A referral that changes while a reader pages moves
    /// to the end of the queue (it waits anew since then).
    pub async fn referral_queue(
        &self,
        actor: &Actor,
        query: ReferralQueueQuery,
        now: Timestamp,
    ) -> Result<ReferralQueuePage, AppError> {
        let action = Action::ViewReferralQueue;
        self.require_role(actor, action, KIND, "queue", now).await?;
        if query.limit == 0 || query.limit > 1_000 {
            return Err(AppError::invalid("limit", "must be 1 to 1000"));
        }
        let (scope, only) = match actor.org_kind {
            OrgKind::Plan => (OrgScope::OwnedBy(actor.org_id.clone()), query.waiting_on),
            OrgKind::EcmProvider | OrgKind::CsProvider => (
                OrgScope::AccessibleTo(actor.org_id.clone()),
                Some(ReferralParty::Provider),
            ),
            OrgKind::ReferringEntity => {
                return Err(AppError::Forbidden {
                    action: action.as_str(),
                });
            }
        };
        // The statuses that wait on the party asked for: the queue reads them in
        // (updated_at, id) order from the `aggregates_changed` index, one range per status.
        let statuses: Vec<&str> = OPEN_REFERRAL_STATUSES
            .iter()
            .copied()
            .filter(|s| only.is_none_or(|p| referral_next_step(s).is_some_and(|(w, _)| w == p)))
            .collect();
        let limit = usize::try_from(query.limit).unwrap_or(usize::MAX);
        // One row more than the page, to know whether another page follows.
        let mut q = QueueQuery::new(KIND, &statuses, query.limit.saturating_add(1));
        q.org = Some(scope);
        q.order = QueueOrder::Changed;
        q.after = query.after.map(|a| QueueCursor {
            due_at: a.since,
            id: a.id,
        });
        let mut items = Vec::new();
        while items.len() <= limit {
            let page = self.store().queue(&q).await?;
            for stored in page.items {
                let since = stored.updated_at;
                let Some((waiting_on, next_step)) = referral_next_step(&stored.status) else {
                    continue;
                };
                let record = ReferralRecord::from_stored(stored, self.pack())?;
                // A provider's grant covers the member, so the store's rows can include another
                // provider's referral about the same member: skipped here, and the page is
                // filled from the following rows.
                if actor.org_kind.is_provider()
                    && record.state.provider_id.as_deref() != Some(actor.org_id.as_str())
                {
                    continue;
                }
                let age_hours = now.duration_since(since).as_hours().max(0);
                let notice_duties = clr_notice_duties(&record.state);
                let notices_owed = notice_duties.iter().filter(|d| !d.satisfied).count();
                items.push(ReferralQueueItem {
                    record,
                    waiting_on,
                    next_step,
                    since,
                    age_hours,
                    notices_owed,
                    notice_duties,
                });
            }
            match page.next {
                Some(next) => q.after = Some(next),
                None => break,
            }
        }
        let more = items.len() > limit;
        items.truncate(limit);
        let next = if more {
            items.last().map(|i| ReferralQueueCursor {
                since: i.since,
                id: i.record.id.clone(),
            })
        } else {
            None
        };
        let audit = items
            .iter()
            .map(|i| AuditEntry {
                org_id: actor.org_id.clone(),
                action: action.as_str().to_owned(),
                record_kind: KIND.to_owned(),
                record_id: i.record.id.clone(),
                member_id: Some(i.record.member_id.clone()),
            })
            .collect();
        self.audit(actor, audit, now).await?;
        Ok(ReferralQueuePage { items, next })
    }
}
