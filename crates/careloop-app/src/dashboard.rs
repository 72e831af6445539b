//! The staff UI's dashboard facts (issue #4): per-record facts, without member data, about the
//! records the actor's organization may see (plan: owned; provider: granted members), for the
//! charts "decisions on time vs late by week", "open referrals by status and age", "ECM
//! enrollment by Population of Focus" and "CS authorizations by service and county". Read-only;
//! one audit line (`read-dashboard`) per call, since the facts are derived from member records.
//!
//! Bounded: each kind is read in id order up to `MAX_RECORDS_PER_KIND` records (a capped window,
//! not an aggregate query: the stored documents' service and decision are not columns). When a
//! kind has more records in the organization's scope, its facts are counted from the first
//! `MAX_RECORDS_PER_KIND` only and the kind is named in `DashboardFacts::capped`, which the page
//! shows. The render time therefore stops growing with the organization's size, at the price of
//! incomplete charts past the cap.

use careloop_domain::CsId;
use careloop_domain::eligibility::Outcome;
use careloop_domain::workflow::authorization::{DecisionOutcome, Service};
use careloop_store::{AuditEntry, ListQuery, OrgScope, Store, StoredAggregate};
use jiff::Timestamp;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::access::Action;
use crate::actor::Actor;
use crate::app::{App, list_scope};
use crate::error::AppError;
use crate::packed;
use crate::record::{
    Aggregate, AuthorizationAggregate, EcmAggregate, MemberAggregate, ReferralAggregate,
};

/// One decided authorization request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecisionFact {
    pub decided_at: Timestamp,
    pub on_time: bool,
    pub outcome: DecisionOutcome,
}

/// One open referral (every status but new and closed) and since when it waits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenReferralFact {
    pub status: String,
    pub since: Timestamp,
}

/// One Community Supports authorization request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsAuthorizationFact {
    pub cs: CsId,
    pub county: Option<String>,
    pub status: String,
}

/// The facts behind the dashboard charts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DashboardFacts {
    pub decisions: Vec<DecisionFact>,
    pub open_referrals: Vec<OpenReferralFact>,
    /// For each enrolled ECM enrollment, the POF codes its member meets in the member's stored
    /// determination (empty when none is stored).
    pub ecm_enrolled_pofs: Vec<Vec<String>>,
    pub cs_authorizations: Vec<CsAuthorizationFact>,
    /// The record kinds whose facts were counted from the first `MAX_RECORDS_PER_KIND` records
    /// only (more exist in the organization's scope).
    pub capped: Vec<String>,
}

const PAGE: u32 = 1000;

/// Most records of one kind read for one dashboard.
pub const MAX_RECORDS_PER_KIND: usize = 20_000;

// Only the fields the dashboard reads are decoded (no `deny_unknown_fields` here on purpose: the
// stored documents hold much more, e.g. a member's facts and determination summary).

#[derive(Deserialize)]
struct Body<T> {
    state: T,
}

#[derive(Deserialize)]
struct AuthorizationFacts {
    #[serde(default)]
    service: Option<Service>,
    #[serde(default)]
    decision: Option<DecisionFacts>,
}

#[derive(Deserialize)]
struct DecisionFacts {
    decided_at: Timestamp,
    on_time: bool,
    outcome: DecisionOutcome,
}

#[derive(Deserialize)]
struct MemberFacts {
    #[serde(default)]
    determination: Option<StoredDeterminationFacts>,
}

#[derive(Deserialize)]
struct StoredDeterminationFacts {
    determination: DeterminationFacts,
}

#[derive(Deserialize)]
struct DeterminationFacts {
    populations: Vec<PopulationFacts>,
}

/// A population's code and status: a `[code, status]` pair in the summary kept at rest
/// (`crate::at_rest`), an object in a full determination stored before issue #15.
#[derive(Deserialize)]
#[serde(untagged)]
enum PopulationFacts {
    Kept(String, Outcome),
    Full { code: String, status: Outcome },
}

impl PopulationFacts {
    fn met_code(&self) -> Option<&str> {
        match self {
            PopulationFacts::Kept(code, status) | PopulationFacts::Full { code, status } => {
                (*status == Outcome::Met).then_some(code.as_str())
            }
        }
    }
}

/// The fields `T` reads from a stored document's `state`.
fn decode<T: DeserializeOwned>(stored: &StoredAggregate) -> Result<T, AppError> {
    let corrupt = |e: serde_json::Error| {
        AppError::Store(careloop_store::StoreError::Corrupt {
            table: "aggregates",
            column: "body",
            source: Box::new(e),
        })
    };
    let state = Body::<serde_json::Value>::deserialize(&stored.body)
        .map_err(corrupt)?
        .state;
    // A member's state is packed at rest (issue #15, `crate::packed`).
    serde_json::from_value(packed::unpack(state).map_err(corrupt)?).map_err(corrupt)
}

impl<S: Store> App<S> {
    /// Up to `MAX_RECORDS_PER_KIND` records of `kind` in id order; `true` when more exist.
    async fn scan(
        &self,
        kind: &str,
        org: &OrgScope,
    ) -> Result<(Vec<StoredAggregate>, bool), AppError> {
        let mut out = Vec::new();
        let mut after_id = None;
        loop {
            let room = MAX_RECORDS_PER_KIND.saturating_sub(out.len());
            // One more than the room left, to know whether the cap cut anything off.
            let limit = u32::try_from(room + 1).unwrap_or(PAGE).min(PAGE);
            let page = self
                .store()
                .list(&ListQuery {
                    kind: kind.to_owned(),
                    org: org.clone(),
                    after_id,
                    limit,
                })
                .await?;
            out.extend(page.items);
            if out.len() > MAX_RECORDS_PER_KIND {
                out.truncate(MAX_RECORDS_PER_KIND);
                return Ok((out, true));
            }
            match page.next {
                Some(next) => after_id = Some(next),
                None => return Ok((out, false)),
            }
        }
    }

    /// The dashboard facts for the actor's organization. Roles that may not view the
    /// authorization queue (referrers) are Forbidden.
    pub async fn dashboard_facts(
        &self,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<DashboardFacts, AppError> {
        let action = Action::ViewAuthorizationQueue;
        self.require_role(actor, action, "dashboard", "dashboard", now)
            .await?;
        let org = list_scope(actor, action)?;
        let mut facts = DashboardFacts::default();
        let (authorizations, capped) = self.scan(AuthorizationAggregate::KIND, &org).await?;
        if capped {
            facts.capped.push(AuthorizationAggregate::KIND.to_owned());
        }
        for stored in authorizations {
            let state: AuthorizationFacts = decode(&stored)?;
            if let Some(d) = &state.decision {
                facts.decisions.push(DecisionFact {
                    decided_at: d.decided_at,
                    on_time: d.on_time,
                    outcome: d.outcome,
                });
            }
            if let Some(Service::Cs(cs)) = state.service {
                facts.cs_authorizations.push(CsAuthorizationFact {
                    cs,
                    county: stored.county,
                    status: stored.status,
                });
            }
        }
        let (referrals, capped) = self.scan(ReferralAggregate::KIND, &org).await?;
        if capped {
            facts.capped.push(ReferralAggregate::KIND.to_owned());
        }
        for stored in referrals {
            if stored.status == "new" || stored.status == "closed" {
                continue;
            }
            facts.open_referrals.push(OpenReferralFact {
                status: stored.status,
                since: stored.updated_at,
            });
        }
        let (enrollments, capped) = self.scan(EcmAggregate::KIND, &org).await?;
        if capped {
            facts.capped.push(EcmAggregate::KIND.to_owned());
        }
        for stored in enrollments {
            if stored.status != "enrolled" {
                continue;
            }
            let Some(member_id) = stored.member_id else {
                continue;
            };
            let pofs = match self.store().get(MemberAggregate::KIND, &member_id).await? {
                Some(member) => {
                    let member: MemberFacts = decode(&member)?;
                    member
                        .determination
                        .map(|d| {
                            d.determination
                                .populations
                                .iter()
                                .filter_map(PopulationFacts::met_code)
                                .map(str::to_owned)
                                .collect()
                        })
                        .unwrap_or_default()
                }
                None => Vec::new(),
            };
            facts.ecm_enrolled_pofs.push(pofs);
        }
        self.audit(
            actor,
            vec![AuditEntry {
                org_id: actor.org_id.clone(),
                action: "read-dashboard".to_owned(),
                record_kind: "dashboard".to_owned(),
                record_id: "dashboard".to_owned(),
                member_id: None,
            }],
            now,
        )
        .await?;
        Ok(facts)
    }
}
