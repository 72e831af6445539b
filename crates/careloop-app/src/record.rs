//! How an aggregate is stored: the domain state as a JSON document next to who owns it, with the
//! projection columns the queues index (docs/app.md, "Stored records").

use careloop_domain::PolicyPack;
use careloop_domain::eligibility::Determination;
use careloop_domain::workflow::{Ctx, WorkflowError, authorization, ecm, member, referral};
use careloop_store::{StoreError, StoredAggregate};
use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::access::{Action, RecordOwners};
use crate::at_rest::AtRest;
use crate::error::AppError;

/// One workflow aggregate as the app stores it: the domain's `decide`/`apply` for it and the
/// projection columns the store indexes. Adding an aggregate is one impl of this trait.
pub trait Aggregate {
    /// The store's `kind` column.
    const KIND: &'static str;
    /// Reading one record (`App::get`): the role check and the audit line name it.
    const READ: Action;
    /// Kept at rest as [`AtRest`] says (a member's determination as its summary).
    type State: AtRest + Default + Clone + Send + Sync;
    type Command: Send;
    type Event: AtRest + Send + Sync;
    /// The domain's `decide` (`workflow::<aggregate>::decide`).
    const DECIDE: Decide<Self>;
    /// The domain's `apply` (`workflow::<aggregate>::apply`).
    const APPLY: fn(Self::State, &Self::Event) -> Self::State;
    /// The projection columns of a state.
    fn columns(state: &Self::State) -> Columns;
}

/// The domain decision of aggregate `A`: its events for a command, or the refusal.
pub type Decide<A> = fn(
    &<A as Aggregate>::State,
    <A as Aggregate>::Command,
    &Ctx<'_>,
) -> Result<Vec<<A as Aggregate>::Event>, WorkflowError>;

/// The columns the store indexes next to the JSON body (`aggregates.member_id`, `status`,
/// `due_at`).
pub struct Columns {
    pub member_id: String,
    /// The kebab-case status.
    pub status: String,
    /// When the next action is due; `None` keeps the record off the work queue.
    pub due_at: Option<Timestamp>,
}

impl Columns {
    fn of<T: Serialize>(member_id: &str, status: &T, due_at: Option<Timestamp>) -> Self {
        Columns {
            member_id: member_id.to_owned(),
            status: kebab(status),
            due_at,
        }
    }
}

/// The kebab-case text of a serde enum value (statuses, event types).
pub(crate) fn kebab<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(serde_json::Value::Object(map)) => map
            .get("type")
            .and_then(|t| t.as_str())
            .unwrap_or_default()
            .to_owned(),
        _ => String::new(),
    }
}

pub struct AuthorizationAggregate;

impl Aggregate for AuthorizationAggregate {
    const KIND: &'static str = "authorization";
    const READ: Action = Action::ReadAuthorization;
    type State = authorization::AuthorizationState;
    type Command = authorization::AuthorizationCommand;
    type Event = authorization::AuthorizationEvent;
    const DECIDE: Decide<Self> = authorization::decide;
    const APPLY: fn(Self::State, &Self::Event) -> Self::State = authorization::apply;
    /// Open requests are on the queue until their decision due time (CALAIM.md §4.1 [40]).
    fn columns(state: &Self::State) -> Columns {
        let due_at = if state.status.is_open() {
            state.due.as_ref().map(|d| d.due)
        } else {
            None
        };
        Columns::of(&state.member_id, &state.status, due_at)
    }
}

pub struct ReferralAggregate;

impl Aggregate for ReferralAggregate {
    const KIND: &'static str = "referral";
    const READ: Action = Action::ReadReferral;
    type State = referral::ReferralState;
    type Command = referral::ReferralCommand;
    type Event = referral::ReferralEvent;
    const DECIDE: Decide<Self> = referral::decide;
    const APPLY: fn(Self::State, &Self::Event) -> Self::State = referral::apply;
    fn columns(state: &Self::State) -> Columns {
        Columns::of(&state.member_id, &state.status, None)
    }
}

/// An ECM enrollment command with the facts it needs: `Enroll` needs the member's eligibility
/// determination as of the enrollment start date (the exclusion check).
pub struct EcmStep {
    pub(crate) command: ecm::EcmCommand,
    pub(crate) determination: Option<Box<Determination>>,
}

impl From<ecm::EcmCommand> for EcmStep {
    fn from(command: ecm::EcmCommand) -> Self {
        EcmStep {
            command,
            determination: None,
        }
    }
}

/// The time zone ECM dates are in (California).
pub(crate) const ECM_TIME_ZONE: &str = "America/Los_Angeles";

pub struct EcmAggregate;

impl Aggregate for EcmAggregate {
    const KIND: &'static str = "ecm-enrollment";
    const READ: Action = Action::ReadEcmEnrollment;
    type State = ecm::EcmEnrollmentState;
    type Command = EcmStep;
    type Event = ecm::EcmEvent;
    const DECIDE: Decide<Self> = |state, step, ctx| match step.determination.as_deref() {
        Some(det) => ecm::decide(state, step.command, &ctx.with_determination(det)),
        None => ecm::decide(state, step.command, ctx),
    };
    const APPLY: fn(Self::State, &Self::Event) -> Self::State = ecm::apply;
    /// While enrolled: the start of the re-authorization due date (the current period's last
    /// day) in California, so the store queue lists re-authorizations due (CALAIM.md §2.6 [4]).
    fn columns(state: &Self::State) -> Columns {
        let due_at = state
            .reauthorization_due()
            .and_then(|due| due.in_tz(ECM_TIME_ZONE).ok())
            .map(|z| z.timestamp());
        Columns::of(&state.member_id, &state.status, due_at)
    }
}

/// A member: contact data, eligibility facts and the stored determination (no due time).
pub struct MemberAggregate;

impl Aggregate for MemberAggregate {
    const KIND: &'static str = "member";
    const READ: Action = Action::ReadMember;
    type State = member::MemberState;
    type Command = member::MemberCommand;
    type Event = member::MemberEvent;
    const DECIDE: Decide<Self> = member::decide;
    const APPLY: fn(Self::State, &Self::Event) -> Self::State = member::apply;
    /// Members have no due time.
    fn columns(state: &Self::State) -> Columns {
        Columns::of(&state.member_id, &state.status, None)
    }
}

/// A stored workflow record as use cases return it (and as an idempotent replay returns it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "{S}Record")]
pub struct Record<S> {
    pub kind: String,
    pub id: String,
    /// The stored version; pass it back as `expected_version` to guard against lost updates.
    pub version: i64,
    pub owners: RecordOwners,
    pub member_id: String,
    pub status: String,
    pub due_at: Option<Timestamp>,
    pub plan_id: Option<String>,
    pub county: Option<String>,
    pub state: S,
}

/// The JSON document in `aggregates.body`: the state as [`AtRest::to_rest`] keeps it.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StoredBody {
    pub owners: RecordOwners,
    pub state: serde_json::Value,
}

impl<S: AtRest> Record<S> {
    /// The record from its stored row; `pack` recomputes what the state keeps only a summary
    /// of (a member's eligibility traces).
    pub(crate) fn from_stored(
        stored: StoredAggregate,
        pack: &PolicyPack,
    ) -> Result<Self, AppError> {
        let corrupt = |e: serde_json::Error| {
            AppError::Store(StoreError::Corrupt {
                table: "aggregates",
                column: "body",
                source: Box::new(e),
            })
        };
        let body: StoredBody = serde_json::from_value(stored.body).map_err(corrupt)?;
        let state = S::from_rest(body.state, pack).map_err(corrupt)?;
        Ok(Record {
            kind: stored.kind,
            id: stored.id,
            version: stored.version,
            owners: body.owners,
            member_id: stored.member_id.unwrap_or_default(),
            status: stored.status,
            due_at: stored.due_at,
            plan_id: stored.plan_id,
            county: stored.county,
            state,
        })
    }
}
