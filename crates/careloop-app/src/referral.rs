//! Referral use cases (closed loop, CALAIM.md §2.5, §6.4): a referrer or plan care coordinator
//! creates the referral, the plan reviews eligibility and assigns a provider (granting it access
//! to the member), the provider accepts or declines, and the plan closes the loop.

use careloop_domain::workflow::referral::{
    NoticeDuty, ReferralCommand, ReferralState, Referrer, check_authorization_link,
    clr_notice_duties,
};
use careloop_domain::workflow::{ActorId, Channel, Notice, NoticePurpose, Program, Recipient};
use careloop_store::{AccessGrant, AccessReason, AuditEntry, OrgScope, Store};
use jiff::Timestamp;
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::access::{Action, RecordOwners};
use crate::actor::{Actor, OrgKind};
use crate::app::{App, Idem, NewRecord, Transition};
use crate::error::AppError;
use crate::member::MemberRecord;
use crate::record::{Aggregate, MemberAggregate, Record, ReferralAggregate};

/// A stored referral.
pub type ReferralRecord = Record<ReferralState>;

const KIND: &str = ReferralAggregate::KIND;

/// A new referral, received at `now`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateReferral {
    #[serde(deserialize_with = "careloop_domain::text::de::id")]
    #[schemars(with = "careloop_domain::text::Id")]
    pub referral_id: String,
    #[serde(deserialize_with = "careloop_domain::text::de::id")]
    #[schemars(with = "careloop_domain::text::Id")]
    pub member_id: String,
    /// The plan organization that owns the referral.
    #[serde(deserialize_with = "careloop_domain::text::de::id")]
    #[schemars(with = "careloop_domain::text::Id")]
    pub plan_org_id: String,
    #[serde(default, deserialize_with = "careloop_domain::text::de::opt_id")]
    #[schemars(with = "Option<careloop_domain::codes::PlanId>")]
    pub plan_id: Option<String>,
    #[serde(default, deserialize_with = "careloop_domain::text::de::opt_line")]
    #[schemars(with = "Option<careloop_domain::text::Line>")]
    pub county: Option<String>,
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
    #[serde(default)]
    pub expected_version: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignReferral {
    /// The ECM or CS provider organization.
    #[serde(deserialize_with = "careloop_domain::text::de::id")]
    #[schemars(with = "careloop_domain::text::Id")]
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
    #[serde(deserialize_with = "careloop_domain::text::de::required_text")]
    #[schemars(with = "careloop_domain::text::RequiredText")]
    pub reason: String,
    #[serde(default)]
    pub expected_version: Option<i64>,
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
    #[serde(default)]
    pub expected_version: Option<i64>,
}

fn actor_id(actor: &Actor) -> ActorId {
    ActorId::new(actor.user_id.clone())
}

fn simple(command: ReferralCommand) -> Transition<ReferralAggregate> {
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
    /// Creates a referral. The member is resolved before anything is stored (issue #12): plan
    /// care coordinators refer their own plan's members (through the access check); a referring
    /// entity, which sees no member record, names a member of the plan organization it refers
    /// to. The owner, the plan overlay and the county come from the member record (request
    /// fields that disagree are refused), and the member's plan must cover the program in the
    /// member's county today. A referring entity's referral is visible to it (and only its own);
    /// it is recorded as the referrer.
    pub async fn create_referral(
        &self,
        actor: &Actor,
        input: CreateReferral,
        idempotency_key: Option<&str>,
        now: Timestamp,
    ) -> Result<ReferralRecord, AppError> {
        let action = Action::CreateReferral;
        self.require_role_naming(
            actor,
            action,
            KIND,
            &input.referral_id,
            &input.member_id,
            now,
        )
        .await?;
        if input.plan_org_id.trim().is_empty() {
            return Err(AppError::invalid("plan_org_id", "must not be empty"));
        }
        let referring = actor.org_kind == OrgKind::ReferringEntity;
        if referring
            && input
                .referrer
                .id
                .as_deref()
                .is_some_and(|id| id != actor.org_id)
        {
            return Err(AppError::invalid(
                "referrer.id",
                "a referring entity refers as itself: leave referrer.id empty or give its own organization id",
            ));
        }
        let scope = if referring {
            self.member_of_plan(actor, action, &input.member_id, &input.plan_org_id, now)
                .await?
        } else {
            self.resolve_member(actor, action, &input.member_id, now)
                .await?
        };
        scope.agrees_with(
            Some(&input.plan_org_id),
            input.plan_id.as_deref(),
            input.county.as_deref(),
        )?;
        self.check_covered(&scope, input.program, now)?;
        let idem = Idem::for_create(idempotency_key, action, "referral_id", &input)?;
        let referrer_org_id = referring.then(|| actor.org_id.clone());
        let mut referrer = input.referrer.clone();
        if referring {
            referrer.id = Some(actor.org_id.clone());
        }
        let new = NewRecord {
            id: input.referral_id.clone(),
            owners: RecordOwners {
                owner_org_id: scope.plan_org_id.clone(),
                referrer_org_id,
            },
            plan_id: Some(scope.plan.clone()),
            county: Some(scope.county.clone()),
        };
        let transition = simple(ReferralCommand::Receive {
            referral_id: input.referral_id.clone(),
            member_id: scope.member_id.clone(),
            referrer,
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
            async |r| {
                if let Some(given) = input.determination_id.as_deref() {
                    self.check_current_determination(r, given).await?;
                }
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
            async |r| {
                // The provider must exist, be of the program's kind and serve the member's
                // county; the grant follows the plan's assignment (issue #12).
                let program = r.state.program.ok_or_else(|| {
                    AppError::invalid("transition", "the referral has no program yet")
                })?;
                let county = r.county.as_deref().unwrap_or_default();
                self.resolve_provider("provider_org_id", &input.provider_org_id, program, county)
                    .await?;
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
            async |r| {
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
            async |r| {
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
            async |_| {
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

// ---- ident (issue #3 §2, §3): referral extras and the referral work queue ----

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
    #[serde(default)]
    pub expected_version: Option<i64>,
}

/// The assigned provider reports services started (CALAIM.md §6.4 [37]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StartReferralServices {
    pub started_on: Date,
    #[serde(default)]
    pub expected_version: Option<i64>,
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
    #[serde(default)]
    pub expected_version: Option<i64>,
}

/// Both sides agree that referrer notices may use `channel` (CALAIM.md §6.4 [39]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordReferralNoticeAgreement {
    pub channel: Channel,
    #[serde(deserialize_with = "careloop_domain::text::de::required_text")]
    #[schemars(with = "careloop_domain::text::RequiredText")]
    pub documentation: String,
    #[serde(default)]
    pub expected_version: Option<i64>,
}

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
            Some(stored) => Some(MemberRecord::from_stored(stored)?),
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

    /// Records the authorization decision on the referred service (accepted referrals).
    pub async fn record_referral_authorization(
        &self,
        actor: &Actor,
        id: &str,
        input: RecordReferralAuthorization,
        idempotency_key: Option<&str>,
        now: Timestamp,
    ) -> Result<ReferralRecord, AppError> {
        let action = Action::AuthorizeReferral;
        let idem = Idem::new(idempotency_key, action, id, &input)?;
        self.change::<ReferralAggregate>(
            actor,
            action,
            id,
            input.expected_version,
            idem,
            now,
            async |r| {
                self.check_referral_authorization(r, &input).await?;
                Ok(simple(ReferralCommand::RecordAuthorization {
                    at: now,
                    authorized: input.authorized,
                    authorization_id: input.authorization_id.clone(),
                    reason: input.reason.clone(),
                    actor: actor_id(actor),
                }))
            },
        )
        .await
    }

    /// The assigned provider reports services started (authorized referrals).
    pub async fn start_referral_services(
        &self,
        actor: &Actor,
        id: &str,
        input: StartReferralServices,
        idempotency_key: Option<&str>,
        now: Timestamp,
    ) -> Result<ReferralRecord, AppError> {
        let action = Action::StartReferralServices;
        let idem = Idem::new(idempotency_key, action, id, &input)?;
        self.change::<ReferralAggregate>(
            actor,
            action,
            id,
            input.expected_version,
            idem,
            now,
            async |r| {
                assigned_to(actor, r, action)?;
                Ok(simple(ReferralCommand::StartServices {
                    at: now,
                    started_on: input.started_on,
                    actor: actor_id(actor),
                }))
            },
        )
        .await
    }

    /// Records a notice sent to the member, the referrer or the provider. Plan care
    /// coordinators of the owning plan, or the provider the referral is assigned to.
    pub async fn record_referral_notice(
        &self,
        actor: &Actor,
        id: &str,
        input: RecordReferralNotice,
        idempotency_key: Option<&str>,
        now: Timestamp,
    ) -> Result<ReferralRecord, AppError> {
        let action = Action::RecordReferralNotice;
        let idem = Idem::new(idempotency_key, action, id, &input)?;
        self.change::<ReferralAggregate>(
            actor,
            action,
            id,
            input.expected_version,
            idem,
            now,
            async |r| {
                if actor.org_kind.is_provider() {
                    assigned_to(actor, r, action)?;
                }
                Ok(simple(ReferralCommand::RecordNotice {
                    notice: Notice {
                        recipient: input.recipient,
                        purpose: input.purpose,
                        channel: input.channel,
                        content: input.content.clone(),
                        sent_at: input.sent_at.unwrap_or(now),
                        actor: actor_id(actor),
                    },
                }))
            },
        )
        .await
    }

    /// Records the agreement that referrer notices may use a non-electronic channel.
    pub async fn record_referral_notice_agreement(
        &self,
        actor: &Actor,
        id: &str,
        input: RecordReferralNoticeAgreement,
        idempotency_key: Option<&str>,
        now: Timestamp,
    ) -> Result<ReferralRecord, AppError> {
        let action = Action::RecordReferralNoticeAgreement;
        let idem = Idem::new(idempotency_key, action, id, &input)?;
        self.change::<ReferralAggregate>(
            actor,
            action,
            id,
            input.expected_version,
            idem,
            now,
            async |r| {
                if actor.org_kind.is_provider() {
                    assigned_to(actor, r, action)?;
                }
                Ok(simple(ReferralCommand::RecordNoticeAgreement {
                    at: now,
                    channel: input.channel,
                    documentation: input.documentation.clone(),
                    actor: actor_id(actor),
                }))
            },
        )
        .await
    }

    /// Open referrals waiting on each party, oldest change first. Plan staff see their plan's
    /// referrals (optionally only those waiting on one party); a provider sees the referrals
    /// assigned to it that wait on it. Referrals have no due time (no CLR timeline is confirmed,
    /// CALAIM.md §6.4), so the queue orders by the last change. Every listed record is audited.
    ///
    /// Reads every open referral in scope (in pages of 1,000) and sorts in memory: fine at plan
    /// volumes; an `(kind, status, updated_at)` index would make it a keyset scan.
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
        let rows = self
            .list_all(KIND, &OPEN_REFERRAL_STATUSES, Some(scope))
            .await?;
        let mut items = Vec::new();
        for stored in rows {
            let since = stored.updated_at;
            let Some((waiting_on, next_step)) = referral_next_step(&stored.status) else {
                continue;
            };
            if only.is_some_and(|p| p != waiting_on) {
                continue;
            }
            let record = ReferralRecord::from_stored(stored)?;
            if actor.org_kind.is_provider()
                && record.state.provider_id.as_deref() != Some(actor.org_id.as_str())
            {
                continue;
            }
            if let Some(after) = &query.after
                && (since, record.id.as_str()) <= (after.since, after.id.as_str())
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
        items.sort_by(|a, b| (a.since, &a.record.id).cmp(&(b.since, &b.record.id)));
        let limit = usize::try_from(query.limit).unwrap_or(usize::MAX);
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
