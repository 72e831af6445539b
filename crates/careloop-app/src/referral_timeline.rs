//! A referral's event timeline for the staff UI (issue #4): when each event happened, what it
//! was and who recorded it. Access is `get_referral`'s (NotFound for a referral the actor's
//! organization may not see; the read is audited). Event bodies are not returned: the page shows
//! the referral's current facts already, and the timeline carries no member data.

use careloop_store::Store;
use jiff::Timestamp;

use crate::actor::Actor;
use crate::app::App;
use crate::error::AppError;
use crate::record::{Aggregate, ReferralAggregate};

/// One event of a referral, without its body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimelineEntry {
    pub version: i64,
    pub at: Timestamp,
    /// The stored event type (e.g. `received`, `eligibility-reviewed`).
    pub event_type: String,
    /// The user (or system actor) who recorded it.
    pub actor: String,
}

impl<S: Store> App<S> {
    /// The referral's events in version order, after `get_referral`'s access check and audit.
    pub async fn referral_timeline(
        &self,
        actor: &Actor,
        id: &str,
        now: Timestamp,
    ) -> Result<Vec<TimelineEntry>, AppError> {
        let referral = self.get::<ReferralAggregate>(actor, id, now).await?;
        let events = self
            .store()
            .events_for(ReferralAggregate::KIND, &referral.id)
            .await?;
        Ok(events
            .into_iter()
            .map(|e| TimelineEntry {
                version: e.version,
                at: e.at,
                event_type: e.event_type,
                actor: e.actor,
            })
            .collect())
    }
}
