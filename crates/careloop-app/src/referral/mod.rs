//! Referral use cases (closed loop, CALAIM.md §2.5, §6.4): a referrer or plan care coordinator
//! creates the referral, the plan reviews eligibility and assigns a provider (granting it access
//! to the member), the provider accepts or declines, and the plan closes the loop.

use careloop_domain::text::{Id, Line};
use careloop_domain::workflow::referral::{
    ReferralCommand, ReferralState, Referrer, check_authorization_link,
};
use careloop_domain::workflow::{Channel, Notice, NoticePurpose, Program, Recipient};
use careloop_store::{AccessGrant, AccessReason, Store};
use jiff::Timestamp;
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::access::Action;
use crate::actor::{Actor, OrgKind};
use crate::app::{App, Transition};
use crate::command::{Change, On};
use crate::create::{Create, New, Opening};
use crate::error::AppError;
use crate::member::MemberRecord;
use crate::record::{Aggregate, MemberAggregate, Record, ReferralAggregate};

mod queue;

pub use queue::{
    OPEN_REFERRAL_STATUSES, ReferralNextStep, ReferralParty, ReferralQueueCursor,
    ReferralQueueItem, ReferralQueuePage, ReferralQueueQuery, referral_next_step,
};

/// A stored referral.
pub type ReferralRecord = Record<ReferralState>;

const KIND: &str = ReferralAggregate::KIND;

/// A new referral; the server assigns its id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "CreateReferralBody")]
pub struct CreateReferral {
    pub member_id: Id,
    /// The plan organization that owns the referral.
    pub plan_org_id: Id,
    #[serde(default, deserialize_with = "careloop_domain::text::de::opt_id")]
    #[schemars(with = "Option<careloop_domain::codes::PlanId>")]
    pub plan_id: Option<String>,
    #[serde(default)]
    pub county: Option<Line>,
    pub referrer: Referrer,
    pub program: Program,
    #[serde(default, deserialize_with = "careloop_domain::text::de::opt_id")]
    #[schemars(with = "Option<careloop_domain::text::Id>")]
    pub claimed_pof: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewReferralEligibility {
    pub eligible: bool,
    #[serde(default, deserialize_with = "careloop_domain::text::de::opt_id")]
    #[schemars(with = "Option<careloop_domain::text::Id>")]
    pub determination_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignReferral {
    /// The ECM or CS provider organization.
    pub provider_org_id: Id,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptReferral {}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclineReferral {
    #[serde(deserialize_with = "careloop_domain::text::de::required_text")]
    #[schemars(with = "careloop_domain::text::RequiredText")]
    pub reason: String,
}

/// Close the loop with a reason from `workflow.toml closure_reasons` (CALAIM.md §6.4 [37]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseReferral {
    #[serde(deserialize_with = "careloop_domain::text::de::text")]
    #[schemars(with = "careloop_domain::codes::ClosureReason")]
    pub reason: String,
    #[serde(default, deserialize_with = "careloop_domain::text::de::opt_text")]
    #[schemars(with = "Option<careloop_domain::text::Text>")]
    pub note: Option<String>,
}

/// The authorization decision on the referred service (plan UM reviewer or care coordinator).
/// Not authorized needs the reason the referrer is told (CALAIM.md §4.4 [38]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordReferralAuthorization {
    pub authorized: bool,
    #[serde(default, deserialize_with = "careloop_domain::text::de::opt_id")]
    #[schemars(with = "Option<careloop_domain::text::Id>")]
    pub authorization_id: Option<String>,
    #[serde(default, deserialize_with = "careloop_domain::text::de::opt_text")]
    #[schemars(with = "Option<careloop_domain::text::Text>")]
    pub reason: Option<String>,
}

/// The assigned provider reports services started (CALAIM.md §6.4 [37]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StartReferralServices {
    pub started_on: Date,
}

/// A notice sent about the referral (CALAIM.md §6.4 [39]); the sender is the signed-in user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordReferralNotice {
    pub recipient: Recipient,
    pub purpose: NoticePurpose,
    pub channel: Channel,
    #[serde(deserialize_with = "careloop_domain::text::de::required_text")]
    #[schemars(with = "careloop_domain::text::RequiredText")]
    pub content: String,
    /// When it was sent; `now` when absent.
    #[serde(default)]
    pub sent_at: Option<Timestamp>,
}

/// Both sides agree that referrer notices may use `channel` (CALAIM.md §6.4 [39]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordReferralNoticeAgreement {
    pub channel: Channel,
    #[serde(deserialize_with = "careloop_domain::text::de::required_text")]
    #[schemars(with = "careloop_domain::text::RequiredText")]
    pub documentation: String,
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

type Changed = Result<Transition<ReferralAggregate>, AppError>;

/// Creates a referral. The member is resolved before anything is stored (issue #12): plan care
/// coordinators refer their own plan's members (through the access check); a referring entity,
/// which sees no member record, names a member of the plan organization it refers to. The owner,
/// the plan overlay and the county come from the member record (request fields that disagree are
/// refused), and the member's plan must cover the program in the member's county today. A
/// referring entity's referral is visible to it (and only its own); it is recorded as the
/// referrer. Received at `now`.
impl Create for CreateReferral {
    type Aggregate = ReferralAggregate;
    const ACTION: Action = Action::CreateReferral;
    fn member_id<'a>(&'a self, _: &'a str) -> &'a str {
        &self.member_id
    }
    async fn open<S: Store>(self, new: New<'_, S>) -> Result<Opening<ReferralAggregate>, AppError> {
        let (app, actor, now) = (new.app, new.actor, new.now);
        if self.plan_org_id.trim().is_empty() {
            return Err(AppError::invalid("plan_org_id", "must not be empty"));
        }
        let referring = actor.org_kind == OrgKind::ReferringEntity;
        let mut referrer = self.referrer;
        if referring {
            if referrer.id.as_deref().is_some_and(|id| id != actor.org_id) {
                return Err(AppError::invalid(
                    "referrer.id",
                    "a referring entity refers as itself: leave referrer.id empty or give its own organization id",
                ));
            }
            referrer.id = Some(actor.org_id.clone());
        }
        let (member, plan_org) = (&self.member_id, &self.plan_org_id);
        let scope = if referring {
            app.member_of_plan(actor, Self::ACTION, member, plan_org, now)
                .await?
        } else {
            app.resolve_member(actor, Self::ACTION, member, now).await?
        };
        let (plan, county) = (self.plan_id.as_deref(), self.county.as_deref());
        scope.agrees_with(Some(plan_org), plan, county)?;
        app.check_covered(&scope, self.program, now)?;
        let transition = Transition::of(ReferralCommand::Receive {
            referral_id: new.id.to_owned(),
            member_id: scope.member_id.clone(),
            referrer,
            program: self.program,
            claimed_pof: self.claimed_pof,
            received_at: now,
            actor: new.by(),
        });
        Ok(Opening {
            scope,
            referrer_org_id: referring.then(|| actor.org_id.clone()),
            transition,
        })
    }
}

impl Change for ReviewReferralEligibility {
    type Aggregate = ReferralAggregate;
    const ACTION: Action = Action::ReviewReferralEligibility;
    async fn transition<S: Store>(self, on: On<'_, S, ReferralAggregate>) -> Changed {
        if let Some(given) = self.determination_id.as_deref() {
            on.app.check_current_determination(on.record, given).await?;
        }
        Ok(Transition::of(ReferralCommand::ReviewEligibility {
            at: on.now,
            eligible: self.eligible,
            determination_id: self.determination_id,
            actor: on.by(),
        }))
    }
}

impl Change for AssignReferral {
    type Aggregate = ReferralAggregate;
    const ACTION: Action = Action::AssignReferral;
    async fn transition<S: Store>(self, on: On<'_, S, ReferralAggregate>) -> Changed {
        // The provider must exist, be of the program's kind and serve the member's county; the
        // grant follows the plan's assignment (issue #12).
        let r = on.record;
        let program = r
            .state
            .program
            .ok_or_else(|| AppError::invalid("transition", "the referral has no program yet"))?;
        let county = r.county.as_deref().unwrap_or_default();
        on.app
            .resolve_provider("provider_org_id", &self.provider_org_id, program, county)
            .await?;
        Ok(Transition {
            command: ReferralCommand::AssignProvider {
                at: on.now,
                provider_id: self.provider_org_id.to_string(),
                actor: on.by(),
            },
            cs_limit_input: None,
            grants: vec![AccessGrant {
                org_id: self.provider_org_id.into(),
                member_id: r.member_id.clone(),
                reason: AccessReason::Assigned,
            }],
        })
    }
}

impl Change for AcceptReferral {
    type Aggregate = ReferralAggregate;
    const ACTION: Action = Action::RespondToReferral;
    const VARIANT: Option<&'static str> = Some("accept");
    async fn transition<S: Store>(self, on: On<'_, S, ReferralAggregate>) -> Changed {
        assigned_to(on.actor, on.record, Self::ACTION)?;
        let (at, actor) = (on.now, on.by());
        Ok(Transition::of(ReferralCommand::ProviderAccept {
            at,
            actor,
        }))
    }
}

impl Change for DeclineReferral {
    type Aggregate = ReferralAggregate;
    const ACTION: Action = Action::RespondToReferral;
    const VARIANT: Option<&'static str> = Some("decline");
    async fn transition<S: Store>(self, on: On<'_, S, ReferralAggregate>) -> Changed {
        assigned_to(on.actor, on.record, Self::ACTION)?;
        let (at, reason, actor) = (on.now, self.reason, on.by());
        Ok(Transition::of(ReferralCommand::ProviderDecline {
            at,
            reason,
            actor,
        }))
    }
}

impl Change for CloseReferral {
    type Aggregate = ReferralAggregate;
    const ACTION: Action = Action::CloseReferral;
    async fn transition<S: Store>(self, on: On<'_, S, ReferralAggregate>) -> Changed {
        Ok(Transition::of(ReferralCommand::Close {
            at: on.now,
            reason: self.reason,
            note: self.note,
            actor: on.by(),
        }))
    }
}

impl Change for RecordReferralAuthorization {
    type Aggregate = ReferralAggregate;
    const ACTION: Action = Action::AuthorizeReferral;
    async fn transition<S: Store>(self, on: On<'_, S, ReferralAggregate>) -> Changed {
        on.app
            .check_referral_authorization(on.record, &self)
            .await?;
        Ok(Transition::of(ReferralCommand::RecordAuthorization {
            at: on.now,
            authorized: self.authorized,
            authorization_id: self.authorization_id,
            reason: self.reason,
            actor: on.by(),
        }))
    }
}

impl Change for StartReferralServices {
    type Aggregate = ReferralAggregate;
    const ACTION: Action = Action::StartReferralServices;
    async fn transition<S: Store>(self, on: On<'_, S, ReferralAggregate>) -> Changed {
        assigned_to(on.actor, on.record, Self::ACTION)?;
        let (at, started_on, actor) = (on.now, self.started_on, on.by());
        Ok(Transition::of(ReferralCommand::StartServices {
            at,
            started_on,
            actor,
        }))
    }
}

impl Change for RecordReferralNotice {
    type Aggregate = ReferralAggregate;
    const ACTION: Action = Action::RecordReferralNotice;
    async fn transition<S: Store>(self, on: On<'_, S, ReferralAggregate>) -> Changed {
        if on.actor.org_kind.is_provider() {
            assigned_to(on.actor, on.record, Self::ACTION)?;
        }
        let notice = Notice {
            recipient: self.recipient,
            purpose: self.purpose,
            channel: self.channel,
            content: self.content,
            sent_at: self.sent_at.unwrap_or(on.now),
            actor: on.by(),
        };
        Ok(Transition::of(ReferralCommand::RecordNotice { notice }))
    }
}

impl Change for RecordReferralNoticeAgreement {
    type Aggregate = ReferralAggregate;
    const ACTION: Action = Action::RecordReferralNoticeAgreement;
    async fn transition<S: Store>(self, on: On<'_, S, ReferralAggregate>) -> Changed {
        if on.actor.org_kind.is_provider() {
            assigned_to(on.actor, on.record, Self::ACTION)?;
        }
        Ok(Transition::of(ReferralCommand::RecordNoticeAgreement {
            at: on.now,
            channel: self.channel,
            documentation: self.documentation,
            actor: on.by(),
        }))
    }
}

impl<S: Store> App<S> {
    /// The authorization request a referral's authorization step names must be a decided request
    /// of the same plan about the same member and program whose decision is the one recorded
    /// (`referral::check_authorization_link`); an approval must name its request (issue #12).
    async fn check_referral_authorization(
        &self,
        referral: &ReferralRecord,
        input: &RecordReferralAuthorization,
    ) -> Result<(), AppError> {
        let Some(auth_id) = input.authorization_id.as_deref() else {
            if input.authorized {
                return Err(AppError::invalid(
                    "authorization_id",
                    "an authorized referral names the approved authorization request",
                ));
            }
            return Ok(());
        };
        let request = self
            .plan_authorization(&referral.owners.owner_org_id, auth_id)
            .await?;
        check_authorization_link(&referral.state, &request.state, input.authorized)?;
        Ok(())
    }

    /// A referral's eligibility review may name the determination it relied on only if it is
    /// the member's current stored determination (issue #12: a reference is resolved, not
    /// stored as given).
    async fn check_current_determination(
        &self,
        referral: &ReferralRecord,
        given: &str,
    ) -> Result<(), AppError> {
        let member = match self
            .store()
            .get(MemberAggregate::KIND, &referral.member_id)
            .await?
        {
            Some(stored) => Some(MemberRecord::from_stored(stored, self.pack())?),
            None => None,
        };
        let current = member
            .filter(|m| m.owners.owner_org_id == referral.owners.owner_org_id)
            .and_then(|m| m.state.determination)
            .map(|d| d.determination.determination_id);
        match current {
            Some(id) if id == given => Ok(()),
            Some(id) => Err(AppError::invalid(
                "determination_id",
                format!(
                    "{given} is not the member's current eligibility determination ({id}); recompute the member's eligibility or leave determination_id empty"
                ),
            )),
            None => Err(AppError::invalid(
                "determination_id",
                "the member has no stored eligibility determination; leave determination_id empty",
            )),
        }
    }
}
