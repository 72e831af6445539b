//! Authorization use cases (CALAIM.md §4): a provider submits a request, plan UM reviewers pend,
//! extend and decide it, the member's appeal is filed and resolved, and the work queue lists open
//! requests at risk or overdue (`workflow::queue`).

use careloop_domain::clock::ClockKind;
use careloop_domain::cs_limits::ExceptionClaim;
use careloop_domain::text::{Id, Line, RequiredText};
use careloop_domain::workflow::appeal::AppealResolution;
use careloop_domain::workflow::authorization::{
    AuthorizationCommand, AuthorizationState, DecisionInput, Requested, Service,
};
use careloop_domain::workflow::queue::{QueueEntry, classify_authorization};
use careloop_domain::workflow::{Notice, Program};
use careloop_store::{AuditEntry, QueueCursor, QueueOrder, QueueQuery, Store};
use jiff::{SignedDuration, Timestamp};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::access::Action;
use crate::actor::{Actor, OrgKind};
use crate::app::{App, Transition, list_scope};
use crate::command::{Change, On};
use crate::create::{Create, New, Opening};
use crate::error::AppError;
use crate::record::{Aggregate, AuthorizationAggregate, Record};

/// A stored authorization request.
pub type AuthorizationRecord = Record<AuthorizationState>;

const KIND: &str = AuthorizationAggregate::KIND;

/// A provider's authorization request; the server assigns its id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "SubmitAuthorizationBody")]
pub struct SubmitAuthorization {
    pub member_id: Id,
    /// The plan organization that decides (owns) the request.
    pub plan_org_id: Id,
    /// The plan's policy overlay id (e.g. "hpsm"), for its clock rules.
    #[serde(default, deserialize_with = "careloop_domain::text::de::opt_id")]
    #[schemars(with = "Option<careloop_domain::codes::PlanId>")]
    pub plan: Option<String>,
    #[serde(default)]
    pub county: Option<Line>,
    pub service: Service,
    pub kind: ClockKind,
    #[serde(default)]
    pub requested: Requested,
}

/// Pend a non-urgent pre-service request for information (CALAIM.md §4.1 [40]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PendAuthorization {
    pub information_needed: RequiredText,
}

/// Take the one deferral/extension, with its reason (CALAIM.md §4.1 [40]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtendAuthorization {
    pub reason: RequiredText,
}

/// The information asked for when the request was pended has arrived: the state clock restarts
/// from its local date (CALAIM.md §4.1 [40]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiveAuthorizationInformation {}

/// The requester withdraws an open request, with the reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawAuthorization {
    pub reason: RequiredText,
}

/// A notice sent about the request (e.g. the notice of action, a notice to the provider).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordAuthorizationNotice {
    pub notice: Notice,
}

/// The reviewer's decision; an adverse one needs the notice of action (CALAIM.md §4.4 [43]).
/// The schema states that rule too (`if` the decision is adverse, `then` a notice of action to
/// the member is required), so a client building from the document sends it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend(
    "if" = {
        "properties": {
            "decision": {
                "properties": { "decision": { "enum": ["approve-as-modified", "deny"] } },
                "required": ["decision"]
            }
        },
        "required": ["decision"]
    },
    "then" = {
        "properties": {
            "notice_of_action": {
                "type": "object",
                "properties": { "recipient": { "const": "member" } },
                "required": ["recipient"]
            }
        },
        "required": ["notice_of_action"]
    }
))]
pub struct DecideAuthorization {
    pub decision: DecisionInput,
    #[serde(default)]
    pub notice_of_action: Option<Notice>,
    /// Approving a Community Support past a cap: the exception the reviewer documents (CALAIM.md
    /// §3.2, e.g. respite past 336 hours when caregiver support changed). The history the cap
    /// counts comes from careloop's records, never from the request.
    #[serde(default)]
    pub cs_limit_exception: Option<ExceptionClaim>,
}

/// The member's appeal to the plan, received at `now` (CALAIM.md §4.4 [42]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileAppeal {
    pub appeal_id: Id,
}

/// Upheld with a reason, or overturned (authorizing the service).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveAppeal {
    pub resolution: AppealResolution,
    /// The notice of appeal resolution to the member, when sent.
    #[serde(default)]
    pub notice: Option<Notice>,
}

/// A work-queue page request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthorizationQueueQuery {
    /// Only requests at risk or overdue (due before `now` + `at_risk_hours`).
    #[serde(default)]
    pub at_risk_only: bool,
    #[serde(default)]
    pub plan_id: Option<String>,
    #[serde(default)]
    pub county: Option<String>,
    pub limit: u32,
    #[serde(default)]
    pub after: Option<QueueCursor>,
}

/// One open request on the queue, classified on track / at risk / overdue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AuthorizationQueueItem {
    pub record: AuthorizationRecord,
    pub entry: QueueEntry,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuthorizationQueuePage {
    pub items: Vec<AuthorizationQueueItem>,
    pub next: Option<QueueCursor>,
}

type Changed = Result<Transition<AuthorizationAggregate>, AppError>;
type Opened = Result<Opening<AuthorizationAggregate>, AppError>;

/// Submits a request for the actor's provider organization. The member is resolved through the
/// access check (the provider must have been given the member by the plan: referral assignment
/// or ECM enrollment); the owning plan organization, its overlay and the county come from the
/// member record (request fields that disagree are refused); the member's plan must cover the
/// service in the member's county today. The request grants nothing: the provider already sees
/// the member (issue #12). Received at `now`; the clock starts then.
impl Create for SubmitAuthorization {
    type Aggregate = AuthorizationAggregate;
    const ACTION: Action = Action::SubmitAuthorization;
    fn member_id<'a>(&'a self, _: &'a str) -> &'a str {
        &self.member_id
    }
    async fn open<S: Store>(self, new: New<'_, S>) -> Opened {
        let (app, actor, now) = (new.app, new.actor, new.now);
        if self.plan_org_id.trim().is_empty() {
            return Err(AppError::invalid("plan_org_id", "must not be empty"));
        }
        let scope = app
            .resolve_member(actor, Self::ACTION, &self.member_id, now)
            .await?;
        let (plan, county) = (self.plan.as_deref(), self.county.as_deref());
        scope.agrees_with(Some(&self.plan_org_id), plan, county)?;
        let program = self.service.program();
        let provider_kind = match program {
            Program::Ecm => OrgKind::EcmProvider,
            Program::Cs(_) => OrgKind::CsProvider,
        };
        if actor.org_kind != provider_kind {
            return Err(AppError::invalid(
                "service",
                format!(
                    "a {} organization cannot request this service (it is for a {})",
                    actor.org_kind.as_str(),
                    provider_kind.as_str()
                ),
            ));
        }
        app.check_covered(&scope, program, now)?;
        let transition = Transition::of(AuthorizationCommand::Receive {
            request_id: new.id.to_owned(),
            member_id: scope.member_id.clone(),
            plan: Some(scope.plan.clone()),
            service: self.service,
            kind: self.kind,
            received_at: now,
            requested: self.requested,
            actor: new.by(),
        });
        Ok(Opening::owned(scope, transition))
    }
}

impl Change for PendAuthorization {
    type Aggregate = AuthorizationAggregate;
    const ACTION: Action = Action::PendAuthorization;
    async fn transition<S: Store>(self, on: On<'_, S, AuthorizationAggregate>) -> Changed {
        Ok(Transition::of(AuthorizationCommand::PendForInformation {
            at: on.now,
            information_needed: self.information_needed.into(),
            actor: on.by(),
        }))
    }
}

impl Change for ExtendAuthorization {
    type Aggregate = AuthorizationAggregate;
    const ACTION: Action = Action::ExtendAuthorization;
    async fn transition<S: Store>(self, on: On<'_, S, AuthorizationAggregate>) -> Changed {
        let (at, actor) = (on.now, on.by());
        let reason = self.reason.into();
        Ok(Transition::of(AuthorizationCommand::Extend {
            at,
            reason,
            actor,
        }))
    }
}

impl Change for ReceiveAuthorizationInformation {
    type Aggregate = AuthorizationAggregate;
    const ACTION: Action = Action::ReceiveAuthorizationInformation;
    async fn transition<S: Store>(self, on: On<'_, S, AuthorizationAggregate>) -> Changed {
        let (at, actor) = (on.now, on.by());
        Ok(Transition::of(AuthorizationCommand::ReceiveInformation {
            at,
            actor,
        }))
    }
}

impl Change for WithdrawAuthorization {
    type Aggregate = AuthorizationAggregate;
    const ACTION: Action = Action::WithdrawAuthorization;
    async fn transition<S: Store>(self, on: On<'_, S, AuthorizationAggregate>) -> Changed {
        let (at, reason, actor) = (on.now, self.reason.into(), on.by());
        Ok(Transition::of(AuthorizationCommand::Withdraw {
            at,
            reason,
            actor,
        }))
    }
}

impl Change for RecordAuthorizationNotice {
    type Aggregate = AuthorizationAggregate;
    const ACTION: Action = Action::RecordAuthorizationNotice;
    async fn transition<S: Store>(self, _: On<'_, S, AuthorizationAggregate>) -> Changed {
        let notice = self.notice;
        Ok(Transition::of(AuthorizationCommand::RecordNotice {
            notice,
        }))
    }
}

impl Change for DecideAuthorization {
    type Aggregate = AuthorizationAggregate;
    const ACTION: Action = Action::DecideAuthorization;
    async fn transition<S: Store>(self, on: On<'_, S, AuthorizationAggregate>) -> Changed {
        // A Community Support approval is checked against the member's stored CS history
        // across all plans, never a history the request supplies (issue #12).
        let cs_limit_input = on
            .app
            .cs_limit_input(on.record, &self.decision, self.cs_limit_exception.as_ref())
            .await?;
        Ok(Transition {
            command: AuthorizationCommand::Decide {
                at: on.now,
                decision: self.decision,
                notice_of_action: self.notice_of_action,
                actor: on.by(),
            },
            cs_limit_input,
            grants: Vec::new(),
        })
    }
}

impl Change for FileAppeal {
    type Aggregate = AuthorizationAggregate;
    const ACTION: Action = Action::FileAppeal;
    async fn transition<S: Store>(self, on: On<'_, S, AuthorizationAggregate>) -> Changed {
        Ok(Transition::of(AuthorizationCommand::FileAppeal {
            appeal_id: self.appeal_id.into(),
            received_at: on.now,
            actor: on.by(),
        }))
    }
}

impl Change for ResolveAppeal {
    type Aggregate = AuthorizationAggregate;
    const ACTION: Action = Action::ResolveAppeal;
    async fn transition<S: Store>(self, on: On<'_, S, AuthorizationAggregate>) -> Changed {
        Ok(Transition::of(AuthorizationCommand::ResolveAppeal {
            at: on.now,
            resolution: self.resolution,
            notice: self.notice,
            actor: on.by(),
        }))
    }
}

impl<S: Store> App<S> {
    /// Open requests by due time: plan staff see their plan's queue, providers only requests
    /// about members they may see. Each item is classified at `now` (at-risk window from
    /// `workflow.toml at_risk_hours`); every listed record is audited.
    pub async fn authorization_queue(
        &self,
        actor: &Actor,
        query: AuthorizationQueueQuery,
        now: Timestamp,
    ) -> Result<AuthorizationQueuePage, AppError> {
        let action = Action::ViewAuthorizationQueue;
        self.require_role(actor, action, KIND, "queue", now).await?;
        let scope = list_scope(actor, action)?;
        let policy = &self.pack().workflow;
        let due_before = if query.at_risk_only {
            let window = SignedDuration::from_hours(i64::from(policy.at_risk_hours.value));
            Some(
                now.checked_add(window)
                    .map_err(|e| AppError::invalid("at_risk_only", e.to_string()))?,
            )
        } else {
            None
        };
        let q = QueueQuery {
            kind: KIND.to_owned(),
            statuses: vec!["received".into(), "pended-for-information".into()],
            org: Some(scope),
            plan_id: query.plan_id,
            county: query.county,
            due_before,
            limit: query.limit,
            after: query.after,
            order: QueueOrder::Due,
        };
        let page = self.store().queue(&q).await?;
        let mut items = Vec::with_capacity(page.items.len());
        let mut audit = Vec::with_capacity(page.items.len());
        for stored in page.items {
            let record = AuthorizationRecord::from_stored(stored, self.pack())?;
            let Some(entry) = classify_authorization(&record.state, now, policy) else {
                continue;
            };
            audit.push(AuditEntry {
                org_id: actor.org_id.clone(),
                action: action.as_str().to_owned(),
                record_kind: KIND.to_owned(),
                record_id: record.id.clone(),
                member_id: Some(record.member_id.clone()),
            });
            items.push(AuthorizationQueueItem { record, entry });
        }
        self.audit(actor, audit, now).await?;
        Ok(AuthorizationQueuePage {
            items,
            next: page.next,
        })
    }
}
