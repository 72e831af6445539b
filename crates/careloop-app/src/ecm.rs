//! ECM enrollment use cases (CALAIM.md §2.5–§2.9, issue #3 §3): the plan care coordinator assigns
//! a member to an ECM provider (opening the enrollment and granting the provider access); the
//! provider's care manager records outreach attempts, enrolls the member (blocked by hospice,
//! PACE, CCM, CCT or a 1915(c) waiver, with the rule shown, from the member's eligibility
//! determination on the start date), names the Lead Care Manager and care team and records
//! assessments, care plan goals and activities for the seven core services; the plan
//! re-authorizes; either side discontinues with a reason. The work queue lists re-authorizations
//! due within `reauthorization_lookahead_days` (30, `workflow.toml`).

use careloop_domain::eligibility::{MemberFacts, determine};
use careloop_domain::text::{Id, Line};
use careloop_domain::workflow::authorization::Service;
use careloop_domain::workflow::ecm::{
    Assessment, CarePlanGoal, CareTeamMember, ContactMode, CoreService, CoreServiceActivity,
    DomainAnswer, EcmCommand, EcmEnrollmentState, EnrollmentStatus, GoalStatus, OutreachAttempt,
    StaffType, check_ecm_authorization,
};
use careloop_domain::workflow::queue::{ReauthorizationDue, reauthorizations_due};
use careloop_domain::workflow::{ActorId, Channel, Program};
use careloop_store::{
    AccessGrant, AccessReason, AuditEntry, QueueCursor, QueueOrder, QueueQuery, Store,
};
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::access::Action;
use crate::actor::Actor;
use crate::app::{App, Transition, list_scope};
use crate::command::{Change, On};
use crate::create::{Create, New, Opening};
use crate::error::AppError;
use crate::record::{Aggregate, ECM_TIME_ZONE, EcmAggregate, EcmStep, Record};

/// A stored ECM enrollment.
pub type EcmEnrollmentRecord = Record<EcmEnrollmentState>;

const KIND: &str = EcmAggregate::KIND;

/// The plan assigns a member to an ECM provider (outreach starts); the server assigns the id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "OpenEcmEnrollmentBody")]
pub struct OpenEcmEnrollment {
    pub member_id: Id,
    /// The ECM provider organization; it is granted access to the member.
    pub provider_org_id: Id,
    /// The plan's policy overlay id (e.g. "hpsm"), for its authorization period lengths.
    #[serde(default, deserialize_with = "careloop_domain::text::de::opt_id")]
    #[schemars(with = "Option<careloop_domain::codes::PlanId>")]
    pub plan_id: Option<String>,
    #[serde(default)]
    pub county: Option<Line>,
}

/// One outreach attempt, reached or not (CALAIM.md §2.5 [10], §2.8 [55]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordOutreachAttempt {
    pub date: Date,
    pub channel: Channel,
    /// In person or telephonic.
    pub mode: ContactMode,
    /// Clinical or non-clinical staff.
    pub staff: StaffType,
    pub reached: bool,
}

/// Enroll from `start` under the initial authorization. The exclusions are checked on the
/// member's eligibility determination as of `start` (from the member record's facts).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrollEcm {
    pub start: Date,
    #[serde(deserialize_with = "careloop_domain::text::de::id")]
    #[schemars(with = "careloop_domain::text::Id")]
    pub authorization_id: String,
    /// The Lead Care Manager: the username of an active user of the enrollment's ECM provider.
    #[serde(deserialize_with = "careloop_domain::text::de::id")]
    #[schemars(with = "careloop_domain::text::Id")]
    pub lead_care_manager: String,
}

/// Name a (new) Lead Care Manager: an active user of the enrollment's ECM provider.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignLeadCareManager {
    #[serde(deserialize_with = "careloop_domain::text::de::id")]
    #[schemars(with = "careloop_domain::text::Id")]
    pub person_id: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddCareTeamMember {
    #[serde(deserialize_with = "careloop_domain::text::de::id")]
    #[schemars(with = "careloop_domain::text::Id")]
    pub person_id: String,
    /// e.g. "pcp", "behavioral-health", "chw", "housing-navigator".
    #[serde(deserialize_with = "careloop_domain::text::de::line")]
    #[schemars(with = "careloop_domain::text::Line")]
    pub role: String,
}

/// A comprehensive assessment; recording an assessment id again revises it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordAssessment {
    #[serde(deserialize_with = "careloop_domain::text::de::id")]
    #[schemars(with = "careloop_domain::text::Id")]
    pub assessment_id: String,
    pub started: Date,
    #[serde(default)]
    pub completed: Option<Date>,
    /// The dated answers by assessment domain (`workflow.toml assessment_domains`); recording
    /// the assessment again replaces them.
    #[serde(default)]
    pub answers: Vec<DomainAnswer>,
}

/// A care plan goal; recording a goal id again revises it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordCarePlanGoal {
    #[serde(deserialize_with = "careloop_domain::text::de::id")]
    #[schemars(with = "careloop_domain::text::Id")]
    pub goal_id: String,
    #[serde(deserialize_with = "careloop_domain::text::de::required_text")]
    #[schemars(with = "careloop_domain::text::RequiredText")]
    pub description: String,
    pub status: GoalStatus,
    pub revised_on: Date,
}

/// An activity under one of the seven core services (CALAIM.md §2.7).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordCoreServiceActivity {
    pub service: CoreService,
    pub date: Date,
    #[serde(deserialize_with = "careloop_domain::text::de::required_text")]
    #[schemars(with = "careloop_domain::text::RequiredText")]
    pub description: String,
}

/// The plan's re-authorization: a new authorization id and a 6-month period from `start`
/// (CALAIM.md §2.6 [4]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReauthorizeEcm {
    pub start: Date,
    #[serde(deserialize_with = "careloop_domain::text::de::id")]
    #[schemars(with = "careloop_domain::text::Id")]
    pub authorization_id: String,
}

/// Stop ECM on `on` with a reason from `workflow.toml discontinuation_reasons` (CALAIM.md §2.9).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DiscontinueEcm {
    pub on: Date,
    #[serde(deserialize_with = "careloop_domain::text::de::text")]
    #[schemars(with = "careloop_domain::codes::DiscontinuationReason")]
    pub reason: String,
    #[serde(default, deserialize_with = "careloop_domain::text::de::opt_text")]
    #[schemars(with = "Option<careloop_domain::text::Text>")]
    pub note: Option<String>,
}

/// A page of the re-authorization work queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EcmReauthorizationQueueQuery {
    #[serde(default)]
    pub plan_id: Option<String>,
    #[serde(default)]
    pub county: Option<String>,
    /// 1..=10,000.
    pub limit: u32,
    #[serde(default)]
    pub after: Option<QueueCursor>,
}

/// One enrollment whose re-authorization is due within the look-ahead (or overdue).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EcmReauthorizationItem {
    pub record: EcmEnrollmentRecord,
    pub entry: ReauthorizationDue,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EcmReauthorizationPage {
    pub items: Vec<EcmReauthorizationItem>,
    pub next: Option<QueueCursor>,
}

/// A provider acts on an enrollment only when it is the enrollment's ECM provider (another
/// provider with a grant for the member may read it, not change it).
fn assigned_provider(
    actor: &Actor,
    record: &EcmEnrollmentRecord,
    action: Action,
) -> Result<(), AppError> {
    if actor.org_kind.is_provider() && record.state.provider_id != actor.org_id {
        return Err(AppError::Forbidden {
            action: action.as_str(),
        });
    }
    Ok(())
}

type Changed = Result<Transition<EcmAggregate>, AppError>;

/// Opens an enrollment for the actor's plan and grants the provider access to the member (the
/// member and the provider become related by the plan's decision, issue #12). The member must be
/// the plan's own (resolved through the access check), the plan must serve the member's county
/// today, and the provider must be an existing ECM provider that serves that county; the plan
/// overlay and county come from the member record.
impl Create for OpenEcmEnrollment {
    type Aggregate = EcmAggregate;
    const ACTION: Action = Action::OpenEcmEnrollment;
    fn member_id<'a>(&'a self, _: &'a str) -> &'a str {
        &self.member_id
    }
    async fn open<S: Store>(self, new: New<'_, S>) -> Result<Opening<EcmAggregate>, AppError> {
        let (app, actor, now) = (new.app, new.actor, new.now);
        if self.provider_org_id.trim().is_empty() {
            return Err(AppError::invalid("provider_org_id", "must not be empty"));
        }
        if self.member_id.trim().is_empty() {
            return Err(AppError::invalid("member_id", "must not be empty"));
        }
        let scope = app
            .resolve_member(actor, Self::ACTION, self.member_id.trim(), now)
            .await?;
        scope.agrees_with(None, self.plan_id.as_deref(), self.county.as_deref())?;
        app.check_covered(&scope, Program::Ecm, now)?;
        let provider = app
            .resolve_provider(
                "provider_org_id",
                self.provider_org_id.trim(),
                Program::Ecm,
                &scope.county,
            )
            .await?;
        let grant = AccessGrant {
            org_id: provider.id.clone(),
            member_id: scope.member_id.clone(),
            reason: AccessReason::Assigned,
        };
        let command = EcmCommand::Open {
            enrollment_id: new.id.to_owned(),
            member_id: scope.member_id.clone(),
            plan: Some(scope.plan.clone()),
            provider_id: provider.id,
            at: now,
            actor: new.by(),
        };
        let mut transition = Transition::of(command);
        transition.grants.push(grant);
        Ok(Opening::owned(scope, transition))
    }
}

impl Change for EnrollEcm {
    type Aggregate = EcmAggregate;
    const ACTION: Action = Action::EnrollEcm;
    async fn transition<S: Store>(self, on: On<'_, S, EcmAggregate>) -> Changed {
        let r = on.record;
        assigned_provider(on.actor, r, Self::ACTION)?;
        let lcm = &self.lead_care_manager;
        on.app
            .user_of_org("lead_care_manager", lcm, &r.state.provider_id)
            .await?;
        // Only a prospective enrollee needs the facts and the initial authorization; otherwise
        // the domain refuses the transition.
        let determination = if r.state.status == EnrollmentStatus::Outreach {
            on.app
                .check_ecm_authorization(r, &self.authorization_id, Service::EcmInitial)
                .await?;
            let facts = on.app.ecm_member_facts(&r.member_id).await?;
            Some(Box::new(determine(&facts, self.start, on.app.pack())))
        } else {
            None
        };
        let command = EcmCommand::Enroll {
            at: on.now,
            start: self.start,
            authorization_id: self.authorization_id,
            lead_care_manager: self.lead_care_manager,
            actor: on.by(),
        };
        Ok(Transition::of(EcmStep {
            command,
            determination,
        }))
    }
}

/// A change that names nothing to resolve (outreach, care team, assessment, care plan goal,
/// core-service activity, discontinuation; the Lead Care Manager is a user to resolve, so not
/// here): the provider check (a provider acts only on its own
/// enrollments) and the domain command built from the input, `now` and the acting user.
trait ProviderEntry: Serialize + Send + Sized {
    const ACTION: Action;
    fn command(self, at: Timestamp, actor: ActorId) -> EcmCommand;
}

impl<T: ProviderEntry> Change for T {
    type Aggregate = EcmAggregate;
    const ACTION: Action = T::ACTION;
    async fn transition<S: Store>(self, on: On<'_, S, EcmAggregate>) -> Changed {
        assigned_provider(on.actor, on.record, T::ACTION)?;
        Ok(Transition::of(self.command(on.now, on.by())))
    }
}

impl ProviderEntry for RecordOutreachAttempt {
    const ACTION: Action = Action::RecordEcmOutreachAttempt;
    fn command(self, at: Timestamp, actor: ActorId) -> EcmCommand {
        let Self {
            date,
            channel,
            mode,
            staff,
            reached,
            ..
        } = self;
        let attempt = OutreachAttempt {
            date,
            channel,
            mode,
            staff,
            reached,
            actor,
        };
        EcmCommand::RecordOutreachAttempt { at, attempt }
    }
}

impl Change for AssignLeadCareManager {
    type Aggregate = EcmAggregate;
    const ACTION: Action = Action::AssignEcmLeadCareManager;
    async fn transition<S: Store>(self, on: On<'_, S, EcmAggregate>) -> Changed {
        assigned_provider(on.actor, on.record, Self::ACTION)?;
        let provider = &on.record.state.provider_id;
        let person = on
            .app
            .user_of_org("person_id", &self.person_id, provider)
            .await?;
        let (at, person_id, actor) = (on.now, person.username, on.by());
        Ok(Transition::of(EcmCommand::AssignLeadCareManager {
            at,
            person_id,
            actor,
        }))
    }
}

impl ProviderEntry for AddCareTeamMember {
    const ACTION: Action = Action::AddEcmCareTeamMember;
    fn command(self, at: Timestamp, actor: ActorId) -> EcmCommand {
        let member = CareTeamMember {
            person_id: self.person_id,
            role: self.role,
        };
        EcmCommand::AddCareTeamMember { at, member, actor }
    }
}

impl ProviderEntry for RecordAssessment {
    const ACTION: Action = Action::RecordEcmAssessment;
    fn command(self, at: Timestamp, actor: ActorId) -> EcmCommand {
        let Self {
            assessment_id,
            started,
            completed,
            answers,
            ..
        } = self;
        let assessment = Assessment {
            assessment_id,
            started,
            completed,
            answers,
        };
        EcmCommand::RecordAssessment {
            at,
            assessment,
            actor,
        }
    }
}

impl ProviderEntry for RecordCarePlanGoal {
    const ACTION: Action = Action::RecordEcmCarePlanGoal;
    fn command(self, at: Timestamp, actor: ActorId) -> EcmCommand {
        let Self {
            goal_id,
            description,
            status,
            revised_on,
            ..
        } = self;
        let goal = CarePlanGoal {
            goal_id,
            description,
            status,
            revised_on,
        };
        EcmCommand::RecordCarePlanGoal { at, goal, actor }
    }
}

impl ProviderEntry for RecordCoreServiceActivity {
    const ACTION: Action = Action::RecordEcmCoreServiceActivity;
    fn command(self, at: Timestamp, actor: ActorId) -> EcmCommand {
        let Self {
            service,
            date,
            description,
            ..
        } = self;
        let activity = CoreServiceActivity {
            service,
            date,
            description,
            actor,
        };
        EcmCommand::RecordCoreServiceActivity { at, activity }
    }
}

impl ProviderEntry for DiscontinueEcm {
    const ACTION: Action = Action::DiscontinueEcm;
    fn command(self, at: Timestamp, actor: ActorId) -> EcmCommand {
        let Self {
            on, reason, note, ..
        } = self;
        EcmCommand::Discontinue {
            at,
            on,
            reason,
            note,
            actor,
        }
    }
}

impl Change for ReauthorizeEcm {
    type Aggregate = EcmAggregate;
    const ACTION: Action = Action::ReauthorizeEcm;
    async fn transition<S: Store>(self, on: On<'_, S, EcmAggregate>) -> Changed {
        if on.record.state.status == EnrollmentStatus::Enrolled {
            let service = Service::EcmReauthorization;
            on.app
                .check_ecm_authorization(on.record, &self.authorization_id, service)
                .await?;
        }
        Ok(Transition::of(EcmCommand::Reauthorize {
            at: on.now,
            start: self.start,
            authorization_id: self.authorization_id,
            actor: on.by(),
        }))
    }
}

impl<S: Store> App<S> {
    /// The member's eligibility facts from the member record (`App::member_facts`). No access
    /// check: the caller already checked access to the enrollment. A missing member record is
    /// `Invalid` naming `member_id`.
    async fn ecm_member_facts(&self, member_id: &str) -> Result<MemberFacts, AppError> {
        self.member_facts(member_id).await?.ok_or_else(|| {
            AppError::invalid(
                "member_id",
                "no member record with eligibility facts for this member; register the member first",
            )
        })
    }

    /// The authorization request an enrollment step names must be an approved request of the
    /// enrollment's plan for this member and `service` (`ecm::check_ecm_authorization`).
    async fn check_ecm_authorization(
        &self,
        enrollment: &EcmEnrollmentRecord,
        authorization_id: &str,
        service: Service,
    ) -> Result<(), AppError> {
        let request = self
            .plan_authorization(&enrollment.owners.owner_org_id, authorization_id)
            .await?;
        check_ecm_authorization(&enrollment.state, &request.state, service)?;
        Ok(())
    }

    /// Enrolled members whose re-authorization is due before `now` + the look-ahead
    /// (`workflow.toml reauthorization_lookahead_days`, 30 days in California), overdue ones
    /// included, soonest first: plan staff see their plan's enrollments, providers those about
    /// members they were granted. Every listed record is audited.
    pub async fn ecm_reauthorization_queue(
        &self,
        actor: &Actor,
        query: EcmReauthorizationQueueQuery,
        now: Timestamp,
    ) -> Result<EcmReauthorizationPage, AppError> {
        let action = Action::ViewEcmReauthorizationQueue;
        self.require_role(actor, action, KIND, "queue", now).await?;
        let scope = list_scope(actor, action)?;
        let policy = &self.pack().workflow;
        let days = i64::from(policy.reauthorization_lookahead_days.value);
        let here = now
            .in_tz(ECM_TIME_ZONE)
            .map_err(|e| AppError::invalid("now", e.to_string()))?;
        let due_before = here
            .checked_add(days.days())
            .map_err(|e| AppError::invalid("now", e.to_string()))?
            .timestamp();
        let as_of = here.date();
        let q = QueueQuery {
            kind: KIND.to_owned(),
            statuses: vec!["enrolled".into()],
            org: Some(scope),
            plan_id: query.plan_id,
            county: query.county,
            due_before: Some(due_before),
            limit: query.limit,
            after: query.after,
            order: QueueOrder::Due,
        };
        let page = self.store().queue(&q).await?;
        let mut items = Vec::with_capacity(page.items.len());
        let mut audit = Vec::with_capacity(page.items.len());
        for stored in page.items {
            let record = EcmEnrollmentRecord::from_stored(stored, self.pack())?;
            let Some(entry) = reauthorizations_due([&record.state], as_of, policy)
                .into_iter()
                .next()
            else {
                continue;
            };
            audit.push(AuditEntry {
                org_id: actor.org_id.clone(),
                action: action.as_str().to_owned(),
                record_kind: KIND.to_owned(),
                record_id: record.id.clone(),
                member_id: Some(record.member_id.clone()),
            });
            items.push(EcmReauthorizationItem { record, entry });
        }
        self.audit(actor, audit, now).await?;
        Ok(EcmReauthorizationPage {
            items,
            next: page.next,
        })
    }
}
