//! Workflows as pure state machines (issue #3): closed-loop referrals, authorization requests with
//! their appeals, and ECM enrollments, plus the work-queue classification.
//!
//! Each aggregate has a state struct, a command enum, an event enum and two functions:
//! `decide(&state, command, ctx) -> Result<Vec<Event>, WorkflowError>` checks a transition and
//! names the problem on an illegal one; `apply(state, &event) -> state` is total. Commands carry
//! explicit timestamps and actor ids; nothing here reads a clock. Storage (state plus an
//! append-only event in one transaction) is careloop-app's job. Formats: docs/workflows.md.

pub mod appeal;
pub mod authorization;
pub mod coverage;
pub mod dates;
pub mod ecm;
mod error;
pub mod member;
pub mod notice;
pub mod period;
pub mod policy;
pub mod queue;
pub mod referral;

pub use error::WorkflowError;
pub use notice::{Channel, Notice, NoticePurpose, Recipient};
pub use period::{AuthorizationPeriod, EcmPeriodKind, ecm_period};
pub use policy::WorkflowPolicy;

use crate::policy::PolicyPack;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Who did something: a staff user, a provider's system, or a member (an opaque id).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct ActorId(pub String);

impl ActorId {
    pub fn new(id: impl Into<String>) -> Self {
        ActorId(id.into())
    }
}

/// What a workflow decision may consult: the policy pack, the workflow policy, and the facts a
/// particular command needs (a CS limit input for a CS approval, an eligibility determination for
/// an ECM enrollment). A command that needs an absent fact is refused, naming it.
#[derive(Clone, Copy, Debug)]
pub struct Ctx<'a> {
    pub pack: &'a PolicyPack,
    /// The proposed CS authorization checked against the member's history
    /// (`crate::cs_limits::check`), for approving a Community Support.
    pub cs_limit_input: Option<&'a crate::cs_limits::CsLimitInput>,
    /// The member's eligibility determination on the enrollment start date, for ECM enrollment.
    pub determination: Option<&'a crate::eligibility::Determination>,
}

impl<'a> Ctx<'a> {
    /// A context with no command-specific facts.
    pub fn new(pack: &'a PolicyPack) -> Self {
        Ctx {
            pack,
            cs_limit_input: None,
            determination: None,
        }
    }

    pub fn with_cs_limit_input(mut self, input: &'a crate::cs_limits::CsLimitInput) -> Self {
        self.cs_limit_input = Some(input);
        self
    }

    pub fn with_determination(
        mut self,
        determination: &'a crate::eligibility::Determination,
    ) -> Self {
        self.determination = Some(determination);
        self
    }
}

/// The program a referral or authorization is for: ECM or one Community Support.
/// JSON: `"ecm"` or `{"cs": "sobering-centers"}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Program {
    Ecm,
    Cs(crate::CsId),
}

/// A required free-text field, trimmed; an empty one is refused naming the field, and so is one
/// past the text rule (at most 10,000 characters, no control characters but newline, carriage
/// return and tab; [`crate::text::check_text`]).
pub(crate) fn required(field: &'static str, value: &str) -> Result<String, WorkflowError> {
    let v = value.trim();
    if v.is_empty() {
        Err(WorkflowError::EmptyField { field })
    } else {
        text_rule(field, v, crate::text::check_text)?;
        Ok(v.to_string())
    }
}

/// The guard of every create command (receive, register, enroll): refused once the aggregate
/// exists, naming it by `subject` and `id`.
pub(crate) fn must_be_new(
    is_new: bool,
    subject: &'static str,
    id: &str,
) -> Result<(), WorkflowError> {
    if is_new {
        Ok(())
    } else {
        Err(WorkflowError::AlreadyExists {
            subject,
            id: id.to_string(),
        })
    }
}

/// A required id, trimmed; refused naming the field when empty or past the id rule (1..=100
/// characters of `A-Z a-z 0-9 . _ : -`, not starting with `.`; [`crate::text::check_id`]).
pub(crate) fn required_id(field: &'static str, value: &str) -> Result<String, WorkflowError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(WorkflowError::EmptyField { field });
    }
    text_rule(field, v, crate::text::check_id)?;
    Ok(v.to_string())
}

/// `value` checked by `rule` (one of the [`crate::text`] checks), the error naming `field`.
pub(crate) fn text_rule(
    field: &'static str,
    value: &str,
    rule: fn(&str) -> Result<(), crate::text::TextError>,
) -> Result<(), WorkflowError> {
    rule(value).map_err(|problem| WorkflowError::InvalidText { field, problem })
}

/// An optional value checked by `rule` when present.
pub(crate) fn optional_rule(
    field: &'static str,
    value: Option<&str>,
    rule: fn(&str) -> Result<(), crate::text::TextError>,
) -> Result<(), WorkflowError> {
    value.map_or(Ok(()), |v| text_rule(field, v, rule))
}
