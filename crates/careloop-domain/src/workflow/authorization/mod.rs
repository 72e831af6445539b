//! Authorization requests for ECM (initial, re-authorization) and each Community Support
//! (CALAIM.md §4): receipt starts the decision clock ([`crate::clock::due`]); the request may be
//! pended for information or extended with a reason; the decision is approved, approved as
//! modified, or denied with a specific reason (CMS-0057-F), or the request is withdrawn. Every
//! adverse decision carries a notice of action; the member may appeal it ([`super::appeal`]).
//!
//! Events carry what the CMS-0057-F metrics need (CALAIM.md §4.3 [45]): decision time, due time,
//! on time or late, extension used, appeal outcome.

mod apply;
mod decide;

pub use apply::{apply, replay};
pub use decide::decide;

use super::appeal::{Appeal, AppealResolution};
use super::notice::Notice;
use super::period::AuthorizationPeriod;
use super::{ActorId, Program};
use crate::cite::Citation;
use crate::clock::ClockKind;
use jiff::Timestamp;
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What is being authorized. JSON: `"ecm-initial"`, `"ecm-reauthorization"` or
/// `{"cs": "respite"}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Service {
    /// Initial ECM authorization: 12 months (CALAIM.md §2.6 [4]).
    EcmInitial,
    /// ECM re-authorization: 6 months (CALAIM.md §2.6 [4]).
    EcmReauthorization,
    /// One Community Support; period and units as requested, within the CS limits (CALAIM.md §3.3).
    Cs(crate::CsId),
}

impl Service {
    pub fn program(self) -> Program {
        match self {
            Service::EcmInitial | Service::EcmReauthorization => Program::Ecm,
            Service::Cs(cs) => Program::Cs(cs),
        }
    }
}

/// Where a request stands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AuthorizationStatus {
    /// No request received yet (the empty state before the first event).
    #[default]
    New,
    Received,
    PendedForInformation,
    Approved,
    ApprovedAsModified,
    Denied,
    Withdrawn,
}

impl AuthorizationStatus {
    /// The words used in error messages ("cannot approve a request that is withdrawn").
    pub fn label(self) -> &'static str {
        match self {
            AuthorizationStatus::New => "not yet received",
            AuthorizationStatus::Received => "received",
            AuthorizationStatus::PendedForInformation => "pended for information",
            AuthorizationStatus::Approved => "approved",
            AuthorizationStatus::ApprovedAsModified => "approved as modified",
            AuthorizationStatus::Denied => "denied",
            AuthorizationStatus::Withdrawn => "withdrawn",
        }
    }

    /// Awaiting a decision: the clock is running.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            AuthorizationStatus::Received | AuthorizationStatus::PendedForInformation
        )
    }
}

/// The decision due time as computed by the clock engine, with its explanation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DueRecord {
    pub due: Timestamp,
    /// The due time in local time, RFC 3339 with offset.
    pub due_local: String,
    /// The rule that set it, in one line.
    pub rule: String,
    /// The clock engine's explanation ([`crate::clock::Explanation`]) as JSON.
    pub explanation: serde_json::Value,
    pub policy_version: String,
}

/// What the requester asked for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Requested {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub through: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub units: Option<u32>,
}

/// The decision a reviewer makes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "decision", rename_all = "kebab-case", deny_unknown_fields)]
pub enum DecisionInput {
    /// Approved as requested. ECM: the period runs from `start` for the ECM months (leave
    /// `through` empty); CS: `through` is required.
    Approve {
        start: Date,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        through: Option<Date>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        units: Option<u32>,
    },
    /// Approved other than requested (modified or reduced): an adverse benefit determination
    /// (CALAIM.md §4.4 [43]) with its reason.
    ApproveAsModified {
        start: Date,
        through: Date,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        units: Option<u32>,
        #[serde(deserialize_with = "crate::text::de::required_text")]
        #[schemars(with = "crate::text::RequiredText")]
        reason: String,
    },
    /// Denied with a specific reason (CMS-0057-F, CALAIM.md §4.3 [46][47]).
    Deny {
        #[serde(deserialize_with = "crate::text::de::required_text")]
        #[schemars(with = "crate::text::RequiredText")]
        reason: String,
    },
}

/// The outcome of a decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DecisionOutcome {
    Approved,
    ApprovedAsModified,
    Denied,
}

impl DecisionOutcome {
    /// Denied, modified or reduced: an adverse benefit determination (CALAIM.md §4.4 [43]).
    pub fn is_adverse(self) -> bool {
        !matches!(self, DecisionOutcome::Approved)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DecisionOutcome::Approved => "approved",
            DecisionOutcome::ApprovedAsModified => "approved as modified",
            DecisionOutcome::Denied => "denied",
        }
    }
}

/// One CS limit rule as shown with the decision (from [`crate::cs_limits::RuleTrace`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LimitRuleShown {
    pub rule: String,
    pub outcome: String,
    pub message: String,
    pub citation: Citation,
}

/// The CS limit check made at decision time (`crate::cs_limits::check`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LimitCheckRecord {
    pub outcome: String,
    pub message: String,
    pub rules: Vec<LimitRuleShown>,
    pub policy_version: String,
}

/// A decision with what reports need: when, against which due time, on time or late, whether an
/// extension or a pend was used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRecord {
    pub outcome: DecisionOutcome,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub decided_at: Timestamp,
    pub due: Timestamp,
    pub on_time: bool,
    pub extension_used: bool,
    pub pended: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<AuthorizationPeriod>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub units: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit_check: Option<LimitCheckRecord>,
    pub actor: ActorId,
    pub policy_version: String,
}

/// A deferral/extension with its recorded reason (CALAIM.md §4.1 [40]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionRecord {
    pub at: Timestamp,
    pub reason: String,
    pub previous_due: Timestamp,
}

/// The state of one authorization request.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthorizationState {
    pub status: AuthorizationStatus,
    pub request_id: String,
    pub member_id: String,
    pub plan: Option<String>,
    pub service: Option<Service>,
    pub kind: Option<ClockKind>,
    pub received_at: Option<Timestamp>,
    #[serde(default)]
    pub requested: Requested,
    pub due: Option<DueRecord>,
    pub pended_at: Option<Timestamp>,
    pub information_needed: Option<String>,
    pub info_received_at: Option<Timestamp>,
    pub extension: Option<ExtensionRecord>,
    pub decision: Option<DecisionRecord>,
    pub withdrawn_reason: Option<String>,
    pub appeal: Option<Appeal>,
    #[serde(default)]
    pub notices: Vec<Notice>,
}

impl AuthorizationState {
    /// Authorized, on the first decision or after an overturned appeal.
    pub fn is_authorized(&self) -> bool {
        matches!(
            self.status,
            AuthorizationStatus::Approved | AuthorizationStatus::ApprovedAsModified
        )
    }

    /// Approved after the member's appeal overturned an adverse decision (CMS-0057-F metric).
    pub fn approved_after_appeal(&self) -> bool {
        self.appeal
            .as_ref()
            .is_some_and(|a| a.status == super::appeal::AppealStatus::Overturned)
    }

    /// Approved after an extended review timeframe (CMS-0057-F metric).
    pub fn approved_after_extension(&self) -> bool {
        self.decision
            .as_ref()
            .is_some_and(|d| d.extension_used && !d.outcome.is_adverse())
    }
}

/// What a user or system asks of an authorization request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "command", rename_all = "kebab-case", deny_unknown_fields)]
pub enum AuthorizationCommand {
    /// A request arrives; the clock starts at `received_at` (CALAIM.md §4.1 [40]).
    Receive {
        request_id: String,
        member_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        plan: Option<String>,
        service: Service,
        kind: ClockKind,
        received_at: Timestamp,
        #[serde(default)]
        requested: Requested,
        actor: ActorId,
    },
    /// Pend for the information needed to decide (non-urgent pre-service only, CALAIM.md §4.1 [40]).
    PendForInformation {
        at: Timestamp,
        information_needed: String,
        actor: ActorId,
    },
    /// The information arrived; the state clock restarts from its local date.
    ReceiveInformation {
        at: Timestamp,
        actor: ActorId,
    },
    /// Deferral/extension up to 14 calendar days from the original request, with a reason
    /// (CALAIM.md §4.1 [40]).
    Extend {
        at: Timestamp,
        reason: String,
        actor: ActorId,
    },
    Decide {
        at: Timestamp,
        decision: DecisionInput,
        /// Required for an adverse decision: the notice of action to the member.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        notice_of_action: Option<Notice>,
        actor: ActorId,
    },
    Withdraw {
        at: Timestamp,
        reason: String,
        actor: ActorId,
    },
    RecordNotice {
        notice: Notice,
    },
    /// The member appeals an adverse decision to the plan (CALAIM.md §4.4 [42]).
    FileAppeal {
        appeal_id: String,
        received_at: Timestamp,
        actor: ActorId,
    },
    ResolveAppeal {
        at: Timestamp,
        resolution: AppealResolution,
        /// The notice of appeal resolution (NAR) to the member, when sent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        notice: Option<Notice>,
        actor: ActorId,
    },
}

/// What happened to an authorization request (append-only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
pub enum AuthorizationEvent {
    Received {
        request_id: String,
        member_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        plan: Option<String>,
        service: Service,
        kind: ClockKind,
        received_at: Timestamp,
        requested: Requested,
        due: DueRecord,
        actor: ActorId,
    },
    PendedForInformation {
        at: Timestamp,
        information_needed: String,
        actor: ActorId,
    },
    InformationReceived {
        at: Timestamp,
        due: DueRecord,
        actor: ActorId,
    },
    Extended {
        at: Timestamp,
        reason: String,
        previous_due: Timestamp,
        due: DueRecord,
        actor: ActorId,
    },
    Decided {
        decision: DecisionRecord,
    },
    Withdrawn {
        at: Timestamp,
        reason: String,
        actor: ActorId,
    },
    NoticeRecorded {
        notice: Notice,
    },
    AppealFiled {
        appeal_id: String,
        received_at: Timestamp,
        due: Date,
        due_citation: Citation,
        actor: ActorId,
    },
    AppealResolved {
        appeal_id: String,
        resolved_at: Timestamp,
        on_time: bool,
        /// Upheld: the reason. Overturned: the authorized period and units.
        resolution: AppealResolution,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        period: Option<AuthorizationPeriod>,
        actor: ActorId,
    },
}
