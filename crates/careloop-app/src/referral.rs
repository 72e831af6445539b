//! Referral use cases (closed loop, CALAIM.md §2.5, §6.4): a referrer or plan care coordinator
//! creates the referral, the plan reviews eligibility and assigns a provider (granting it access
//! to the member), the provider accepts or declines, and the plan closes the loop.

use careloop_domain::workflow::referral::{ReferralCommand, ReferralState, Referrer};
use careloop_domain::workflow::{ActorId, Program};
use careloop_store::{AccessGrant, AccessReason, Store};
use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::access::{Action, RecordOwners};
use crate::actor::{Actor, OrgKind};
use crate::app::{App, Idem, NewRecord, Transition};
use crate::error::AppError;
use crate::record::{Aggregate, Record, ReferralAggregate};

/// A stored referral.
pub type ReferralRecord = Record<ReferralState>;

const KIND: &str = ReferralAggregate::KIND;

/// A new referral, received at `now`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateReferral {
    pub referral_id: String,
    pub member_id: String,
    /// The plan organization that owns the referral.
    pub plan_org_id: String,
    #[serde(default)]
    pub plan_id: Option<String>,
    #[serde(default)]
    pub county: Option<String>,
    pub referrer: Referrer,
    pub program: Program,
    #[serde(default)]
    pub claimed_pof: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewReferralEligibility {
    pub eligible: bool,
    #[serde(default)]
    pub determination_id: Option<String>,
    #[serde(default)]
    pub expected_version: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignReferral {
    /// The ECM or CS provider organization.
    pub provider_org_id: String,
    #[serde(default)]
    pub expected_version: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptReferral {
    #[serde(default)]
    pub expected_version: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclineReferral {
    pub reason: String,
    #[serde(default)]
    pub expected_version: Option<i64>,
}

/// Close the loop with a reason from `workflow.toml closure_reasons` (CALAIM.md §6.4 [37]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseReferral {
    pub reason: String,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub expected_version: Option<i64>,
}

fn actor_id(actor: &Actor) -> ActorId {
    ActorId::new(actor.user_id.clone())
}

fn simple(command: ReferralCommand) -> Transition<'static, ReferralAggregate> {
    Transition {
        command,
        cs_limit_input: None,
        grants: Vec::new(),
    }
}

/// Only the provider the referral is assigned to may answer it.
fn assigned_to(actor: &Actor, record: &ReferralRecord, action: Action) -> Result<(), AppError> {
    if record.state.provider_id.as_deref() == Some(actor.org_id.as_str()) {
        Ok(())
    } else {
        Err(AppError::Forbidden {
            action: action.as_str(),
        })
    }
}

impl<S: Store> App<S> {
    /// Creates a referral. A referring entity's referral is visible to it (and only its own);
    /// a plan care coordinator creates referrals for their own plan only.
    pub async fn create_referral(
        &self,
        actor: &Actor,
        input: CreateReferral,
        idempotency_key: Option<&str>,
        now: Timestamp,
    ) -> Result<ReferralRecord, AppError> {
        let action = Action::CreateReferral;
        self.require_role(actor, action, KIND, &input.referral_id, now)
            .await?;
        if input.plan_org_id.trim().is_empty() {
            return Err(AppError::invalid("plan_org_id", "must not be empty"));
        }
        if actor.org_kind == OrgKind::Plan && input.plan_org_id != actor.org_id {
            return Err(AppError::invalid(
                "plan_org_id",
                "plan staff create referrals for their own plan only",
            ));
        }
        let idem = Idem::new(idempotency_key, action, &input.referral_id, &input)?;
        let referrer_org_id =
            (actor.org_kind == OrgKind::ReferringEntity).then(|| actor.org_id.clone());
        let new = NewRecord {
            id: input.referral_id.clone(),
            owners: RecordOwners {
                owner_org_id: input.plan_org_id.clone(),
                referrer_org_id,
            },
            plan_id: input.plan_id.clone(),
            county: input.county.clone(),
        };
        let transition = simple(ReferralCommand::Receive {
            referral_id: input.referral_id.clone(),
            member_id: input.member_id.clone(),
            referrer: input.referrer.clone(),
            program: input.program,
            claimed_pof: input.claimed_pof.clone(),
            received_at: now,
            actor: actor_id(actor),
        });
        self.create::<ReferralAggregate>(actor, action, new, transition, idem, now)
            .await
    }

    pub async fn review_referral_eligibility(
        &self,
        actor: &Actor,
        id: &str,
        input: ReviewReferralEligibility,
        idempotency_key: Option<&str>,
        now: Timestamp,
    ) -> Result<ReferralRecord, AppError> {
        let action = Action::ReviewReferralEligibility;
        let idem = Idem::new(idempotency_key, action, id, &input)?;
        self.change::<ReferralAggregate>(
            actor,
            action,
            id,
            input.expected_version,
            idem,
            now,
            |_| {
                Ok(simple(ReferralCommand::ReviewEligibility {
                    at: now,
                    eligible: input.eligible,
                    determination_id: input.determination_id.clone(),
                    actor: actor_id(actor),
                }))
            },
        )
        .await
    }

    /// Assigns the referral to a provider, which is granted access to the member (`assigned`).
    pub async fn assign_referral(
        &self,
        actor: &Actor,
        id: &str,
        input: AssignReferral,
        idempotency_key: Option<&str>,
        now: Timestamp,
    ) -> Result<ReferralRecord, AppError> {
        let action = Action::AssignReferral;
        let idem = Idem::new(idempotency_key, action, id, &input)?;
        self.change::<ReferralAggregate>(
            actor,
            action,
            id,
            input.expected_version,
            idem,
            now,
            |r| {
                Ok(Transition {
                    command: ReferralCommand::AssignProvider {
                        at: now,
                        provider_id: input.provider_org_id.clone(),
                        actor: actor_id(actor),
                    },
                    cs_limit_input: None,
                    grants: vec![AccessGrant {
                        org_id: input.provider_org_id.clone(),
                        member_id: r.member_id.clone(),
                        reason: AccessReason::Assigned,
                    }],
                })
            },
        )
        .await
    }

    /// The assigned provider accepts.
    pub async fn accept_referral(
        &self,
        actor: &Actor,
        id: &str,
        input: AcceptReferral,
        idempotency_key: Option<&str>,
        now: Timestamp,
    ) -> Result<ReferralRecord, AppError> {
        let action = Action::RespondToReferral;
        let idem = Idem::new(idempotency_key, action, id, &("accept", &input))?;
        self.change::<ReferralAggregate>(
            actor,
            action,
            id,
            input.expected_version,
            idem,
            now,
            |r| {
                assigned_to(actor, r, action)?;
                Ok(simple(ReferralCommand::ProviderAccept {
                    at: now,
                    actor: actor_id(actor),
                }))
            },
        )
        .await
    }

    /// The assigned provider declines, with the reason.
    pub async fn decline_referral(
        &self,
        actor: &Actor,
        id: &str,
        input: DeclineReferral,
        idempotency_key: Option<&str>,
        now: Timestamp,
    ) -> Result<ReferralRecord, AppError> {
        let action = Action::RespondToReferral;
        let idem = Idem::new(idempotency_key, action, id, &("decline", &input))?;
        self.change::<ReferralAggregate>(
            actor,
            action,
            id,
            input.expected_version,
            idem,
            now,
            |r| {
                assigned_to(actor, r, action)?;
                Ok(simple(ReferralCommand::ProviderDecline {
                    at: now,
                    reason: input.reason.clone(),
                    actor: actor_id(actor),
                }))
            },
        )
        .await
    }

    pub async fn close_referral(
        &self,
        actor: &Actor,
        id: &str,
        input: CloseReferral,
        idempotency_key: Option<&str>,
        now: Timestamp,
    ) -> Result<ReferralRecord, AppError> {
        let action = Action::CloseReferral;
        let idem = Idem::new(idempotency_key, action, id, &input)?;
        self.change::<ReferralAggregate>(
            actor,
            action,
            id,
            input.expected_version,
            idem,
            now,
            |_| {
                Ok(simple(ReferralCommand::Close {
                    at: now,
                    reason: input.reason.clone(),
                    note: input.note.clone(),
                    actor: actor_id(actor),
                }))
            },
        )
        .await
    }

    /// An audited read; NotFound for a referral the actor's organization may not see.
    pub async fn get_referral(
        &self,
        actor: &Actor,
        id: &str,
        now: Timestamp,
    ) -> Result<ReferralRecord, AppError> {
        self.read::<ReferralAggregate>(actor, Action::ReadReferral, id, now)
            .await
    }
}
