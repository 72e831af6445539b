//! ECM enrollment use cases (CALAIM.md §2.5–§2.9, issue #3 §3): the plan care coordinator assigns
//! a member to an ECM provider (opening the enrollment and granting the provider access); the
//! provider's care manager records outreach attempts, enrolls the member (blocked by hospice,
//! PACE, CCM, CCT or a 1915(c) waiver, with the rule shown, from the member's eligibility
//! determination on the start date), names the Lead Care Manager and care team and records
//! assessments, care plan goals and activities for the seven core services; the plan
//! re-authorizes; either side discontinues with a reason. The work queue lists re-authorizations
//! due within `reauthorization_lookahead_days` (30, `workflow.toml`).

use careloop_domain::eligibility::{MemberFacts, determine};
use careloop_domain::workflow::authorization::Service;
use careloop_domain::workflow::ecm::{
    Assessment, CarePlanGoal, CareTeamMember, ContactMode, CoreService, CoreServiceActivity,
    EcmCommand, EcmEnrollmentState, EnrollmentStatus, GoalStatus, OutreachAttempt, StaffType,
    check_ecm_authorization,
};
use careloop_domain::workflow::queue::{ReauthorizationDue, reauthorizations_due};
use careloop_domain::workflow::{ActorId, Channel, Program};
use careloop_store::{AccessGrant, AccessReason, AuditEntry, QueueCursor, QueueQuery, Store};
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::access::{Action, RecordOwners};
use crate::actor::Actor;
use crate::app::{App, Idem, NewRecord, Transition, list_scope};
use crate::error::AppError;
use crate::record::{Aggregate, ECM_TIME_ZONE, EcmAggregate, EcmStep, Record};

/// A stored ECM enrollment.
pub type EcmEnrollmentRecord = Record<EcmEnrollmentState>;

const KIND: &str = EcmAggregate::KIND;

/// The plan assigns a member to an ECM provider: outreach starts. The actor's plan owns it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenEcmEnrollment {
    #[serde(deserialize_with = "careloop_domain::text::de::id")]
    #[schemars(with = "careloop_domain::text::Id")]
    pub enrollment_id: String,
    #[serde(deserialize_with = "careloop_domain::text::de::id")]
    #[schemars(with = "careloop_domain::text::Id")]
    pub member_id: String,
    /// The ECM provider organization; it is granted access to the member (`assigned`).
    #[serde(deserialize_with = "careloop_domain::text::de::id")]
    #[schemars(with = "careloop_domain::text::Id")]
    pub provider_org_id: String,
    /// The plan's policy overlay id (e.g. "hpsm"), for its authorization period lengths.
    #[serde(default, deserialize_with = "careloop_domain::text::de::opt_id")]
    #[schemars(with = "Option<careloop_domain::codes::PlanId>")]
    pub plan_id: Option<String>,
    #[serde(default, deserialize_with = "careloop_domain::text::de::opt_line")]
    #[schemars(with = "Option<careloop_domain::text::Line>")]
    pub county: Option<String>,
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
    #[serde(default)]
    pub expected_version: Option<i64>,
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
    /// The Lead Care Manager (a person id at the provider).
    #[serde(deserialize_with = "careloop_domain::text::de::id")]
    #[schemars(with = "careloop_domain::text::Id")]
    pub lead_care_manager: String,
    #[serde(default)]
    pub expected_version: Option<i64>,
}

/// Name a (new) Lead Care Manager.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignLeadCareManager {
    #[serde(deserialize_with = "careloop_domain::text::de::id")]
    #[schemars(with = "careloop_domain::text::Id")]
    pub person_id: String,
    #[serde(default)]
    pub expected_version: Option<i64>,
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
    #[serde(default)]
    pub expected_version: Option<i64>,
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
    #[serde(default)]
    pub expected_version: Option<i64>,
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
    #[serde(default)]
    pub expected_version: Option<i64>,
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
    #[serde(default)]
    pub expected_version: Option<i64>,
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
    #[serde(default)]
    pub expected_version: Option<i64>,
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
    #[serde(default)]
    pub expected_version: Option<i64>,
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

fn actor_id(actor: &Actor) -> ActorId {
    ActorId::new(actor.user_id.clone())
}

fn simple(command: EcmCommand) -> Transition<EcmAggregate> {
    Transition {
        command: command.into(),
        cs_limit_input: None,
        grants: Vec::new(),
    }
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

    /// Opens an enrollment for the actor's plan and grants the provider access to the member.
    /// The member must be the plan's own (resolved through the access check), the plan must
    /// serve the member's county today, and the provider must be an existing ECM provider that
    /// serves that county; the plan overlay and county come from the member record (issue #12).
    pub async fn open_ecm_enrollment(
        &self,
        actor: &Actor,
        input: OpenEcmEnrollment,
        idempotency_key: Option<&str>,
        now: Timestamp,
    ) -> Result<EcmEnrollmentRecord, AppError> {
        let action = Action::OpenEcmEnrollment;
        self.require_role_naming(
            actor,
            action,
            KIND,
            &input.enrollment_id,
            &input.member_id,
            now,
        )
        .await?;
        if input.provider_org_id.trim().is_empty() {
            return Err(AppError::invalid("provider_org_id", "must not be empty"));
        }
        if input.member_id.trim().is_empty() {
            return Err(AppError::invalid("member_id", "must not be empty"));
        }
        let scope = self
            .resolve_member(actor, action, input.member_id.trim(), now)
            .await?;
        scope.agrees_with(None, input.plan_id.as_deref(), input.county.as_deref())?;
        self.check_covered(&scope, Program::Ecm, now)?;
        let provider = self
            .resolve_provider(
                "provider_org_id",
                input.provider_org_id.trim(),
                Program::Ecm,
                &scope.county,
            )
            .await?;
        let idem = Idem::for_create(idempotency_key, action, "enrollment_id", &input)?;
        let new = NewRecord {
            id: input.enrollment_id.clone(),
            owners: RecordOwners {
                owner_org_id: scope.plan_org_id.clone(),
                referrer_org_id: None,
            },
            plan_id: Some(scope.plan.clone()),
            county: Some(scope.county.clone()),
        };
        let transition = Transition {
            command: EcmCommand::Open {
                enrollment_id: input.enrollment_id.clone(),
                member_id: scope.member_id.clone(),
                plan: Some(scope.plan.clone()),
                provider_id: provider.id.clone(),
                at: now,
                actor: actor_id(actor),
            }
            .into(),
            cs_limit_input: None,
            grants: vec![AccessGrant {
                org_id: provider.id,
                member_id: scope.member_id,
                reason: AccessReason::Assigned,
            }],
        };
        self.create::<EcmAggregate>(actor, action, new, transition, idem, now)
            .await
    }

    /// Applies one command built from the loaded record; providers must be the enrollment's.
    #[allow(clippy::too_many_arguments)]
    async fn ecm_change(
        &self,
        actor: &Actor,
        action: Action,
        id: &str,
        expected_version: Option<i64>,
        idem: Option<Idem>,
        now: Timestamp,
        command: impl FnOnce(&EcmEnrollmentRecord) -> EcmCommand,
    ) -> Result<EcmEnrollmentRecord, AppError> {
        self.change::<EcmAggregate>(actor, action, id, expected_version, idem, now, async |r| {
            assigned_provider(actor, r, action)?;
            Ok(simple(command(r)))
        })
        .await
    }

    pub async fn record_outreach_attempt(
        &self,
        actor: &Actor,
        id: &str,
        input: RecordOutreachAttempt,
        idempotency_key: Option<&str>,
        now: Timestamp,
    ) -> Result<EcmEnrollmentRecord, AppError> {
        let action = Action::RecordEcmOutreachAttempt;
        let idem = Idem::new(idempotency_key, action, id, &input)?;
        self.ecm_change(actor, action, id, input.expected_version, idem, now, |_| {
            EcmCommand::RecordOutreachAttempt {
                at: now,
                attempt: OutreachAttempt {
                    date: input.date,
                    channel: input.channel,
                    mode: input.mode,
                    staff: input.staff,
                    reached: input.reached,
                    actor: actor_id(actor),
                },
            }
        })
        .await
    }

    /// Enrolls the member. The exclusions (hospice, PACE, CCM, CCT, 1915(c) waiver, plan
    /// enrollment) are checked on `determine(member facts, start)`; one that applies is
    /// `Invalid { field: "determination" }` naming the rule and its citation, an undetermined one
    /// names the missing facts.
    pub async fn enroll_ecm(
        &self,
        actor: &Actor,
        id: &str,
        input: EnrollEcm,
        idempotency_key: Option<&str>,
        now: Timestamp,
    ) -> Result<EcmEnrollmentRecord, AppError> {
        let action = Action::EnrollEcm;
        let idem = Idem::new(idempotency_key, action, id, &input)?;
        self.change::<EcmAggregate>(
            actor,
            action,
            id,
            input.expected_version,
            idem,
            now,
            async |r| {
                assigned_provider(actor, r, action)?;
                // Only a prospective enrollee needs the facts and the initial authorization;
                // otherwise the domain refuses the transition.
                let determination = if r.state.status == EnrollmentStatus::Outreach {
                    self.check_ecm_authorization(r, &input.authorization_id, Service::EcmInitial)
                        .await?;
                    let facts = self.ecm_member_facts(&r.member_id).await?;
                    Some(Box::new(determine(&facts, input.start, self.pack())))
                } else {
                    None
                };
                Ok(Transition {
                    command: EcmStep {
                        command: EcmCommand::Enroll {
                            at: now,
                            start: input.start,
                            authorization_id: input.authorization_id.clone(),
                            lead_care_manager: input.lead_care_manager.clone(),
                            actor: actor_id(actor),
                        },
                        determination,
                    },
                    cs_limit_input: None,
                    grants: Vec::new(),
                })
            },
        )
        .await
    }

    pub async fn assign_lead_care_manager(
        &self,
        actor: &Actor,
        id: &str,
        input: AssignLeadCareManager,
        idempotency_key: Option<&str>,
        now: Timestamp,
    ) -> Result<EcmEnrollmentRecord, AppError> {
        let action = Action::AssignEcmLeadCareManager;
        let idem = Idem::new(idempotency_key, action, id, &input)?;
        self.ecm_change(actor, action, id, input.expected_version, idem, now, |_| {
            EcmCommand::AssignLeadCareManager {
                at: now,
                person_id: input.person_id.clone(),
                actor: actor_id(actor),
            }
        })
        .await
    }

    pub async fn add_care_team_member(
        &self,
        actor: &Actor,
        id: &str,
        input: AddCareTeamMember,
        idempotency_key: Option<&str>,
        now: Timestamp,
    ) -> Result<EcmEnrollmentRecord, AppError> {
        let action = Action::AddEcmCareTeamMember;
        let idem = Idem::new(idempotency_key, action, id, &input)?;
        self.ecm_change(actor, action, id, input.expected_version, idem, now, |_| {
            EcmCommand::AddCareTeamMember {
                at: now,
                member: CareTeamMember {
                    person_id: input.person_id.clone(),
                    role: input.role.clone(),
                },
                actor: actor_id(actor),
            }
        })
        .await
    }

    pub async fn record_assessment(
        &self,
        actor: &Actor,
        id: &str,
        input: RecordAssessment,
        idempotency_key: Option<&str>,
        now: Timestamp,
    ) -> Result<EcmEnrollmentRecord, AppError> {
        let action = Action::RecordEcmAssessment;
        let idem = Idem::new(idempotency_key, action, id, &input)?;
        self.ecm_change(actor, action, id, input.expected_version, idem, now, |_| {
            EcmCommand::RecordAssessment {
                at: now,
                assessment: Assessment {
                    assessment_id: input.assessment_id.clone(),
                    started: input.started,
                    completed: input.completed,
                },
                actor: actor_id(actor),
            }
        })
        .await
    }

    pub async fn record_care_plan_goal(
        &self,
        actor: &Actor,
        id: &str,
        input: RecordCarePlanGoal,
        idempotency_key: Option<&str>,
        now: Timestamp,
    ) -> Result<EcmEnrollmentRecord, AppError> {
        let action = Action::RecordEcmCarePlanGoal;
        let idem = Idem::new(idempotency_key, action, id, &input)?;
        self.ecm_change(actor, action, id, input.expected_version, idem, now, |_| {
            EcmCommand::RecordCarePlanGoal {
                at: now,
                goal: CarePlanGoal {
                    goal_id: input.goal_id.clone(),
                    description: input.description.clone(),
                    status: input.status,
                    revised_on: input.revised_on,
                },
                actor: actor_id(actor),
            }
        })
        .await
    }

    pub async fn record_core_service_activity(
        &self,
        actor: &Actor,
        id: &str,
        input: RecordCoreServiceActivity,
        idempotency_key: Option<&str>,
        now: Timestamp,
    ) -> Result<EcmEnrollmentRecord, AppError> {
        let action = Action::RecordEcmCoreServiceActivity;
        let idem = Idem::new(idempotency_key, action, id, &input)?;
        self.ecm_change(actor, action, id, input.expected_version, idem, now, |_| {
            EcmCommand::RecordCoreServiceActivity {
                at: now,
                activity: CoreServiceActivity {
                    service: input.service,
                    date: input.date,
                    description: input.description.clone(),
                    actor: actor_id(actor),
                },
            }
        })
        .await
    }

    /// The plan's re-authorization (plan UM reviewer or care coordinator).
    pub async fn reauthorize_ecm(
        &self,
        actor: &Actor,
        id: &str,
        input: ReauthorizeEcm,
        idempotency_key: Option<&str>,
        now: Timestamp,
    ) -> Result<EcmEnrollmentRecord, AppError> {
        let action = Action::ReauthorizeEcm;
        let idem = Idem::new(idempotency_key, action, id, &input)?;
        self.change::<EcmAggregate>(
            actor,
            action,
            id,
            input.expected_version,
            idem,
            now,
            async |r| {
                if r.state.status == EnrollmentStatus::Enrolled {
                    self.check_ecm_authorization(
                        r,
                        &input.authorization_id,
                        Service::EcmReauthorization,
                    )
                    .await?;
                }
                Ok(simple(EcmCommand::Reauthorize {
                    at: now,
                    start: input.start,
                    authorization_id: input.authorization_id.clone(),
                    actor: actor_id(actor),
                }))
            },
        )
        .await
    }

    /// The provider's care manager or the plan's care coordinator stops ECM, with a reason.
    pub async fn discontinue_ecm(
        &self,
        actor: &Actor,
        id: &str,
        input: DiscontinueEcm,
        idempotency_key: Option<&str>,
        now: Timestamp,
    ) -> Result<EcmEnrollmentRecord, AppError> {
        let action = Action::DiscontinueEcm;
        let idem = Idem::new(idempotency_key, action, id, &input)?;
        self.ecm_change(actor, action, id, input.expected_version, idem, now, |_| {
            EcmCommand::Discontinue {
                at: now,
                on: input.on,
                reason: input.reason.clone(),
                note: input.note.clone(),
                actor: actor_id(actor),
            }
        })
        .await
    }

    /// An audited read; NotFound for an enrollment the actor's organization may not see.
    pub async fn get_ecm_enrollment(
        &self,
        actor: &Actor,
        id: &str,
        now: Timestamp,
    ) -> Result<EcmEnrollmentRecord, AppError> {
        self.read::<EcmAggregate>(actor, Action::ReadEcmEnrollment, id, now)
            .await
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
        };
        let page = self.store().queue(&q).await?;
        let mut items = Vec::with_capacity(page.items.len());
        let mut audit = Vec::with_capacity(page.items.len());
        for stored in page.items {
            let record = EcmEnrollmentRecord::from_stored(stored)?;
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
