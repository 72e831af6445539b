//! Members (issue #3 §3): contact data, the eligibility engine's facts (enrollment spans, birth
//! date, indicators, utilization events) and the eligibility determination stored with them.
//!
//! One source of truth: the birth date and the enrollment spans live in `facts`
//! ([`MemberFacts`]); `demographics` holds contact data only. The determination is computed in
//! [`decide`] from the facts as of the command's local date (America/Los_Angeles, from the pack's
//! clock policy) and carried IN the event, so a replay never recomputes with a newer pack.

mod apply;
mod decide;

pub use apply::{apply, replay};
pub use decide::{decide, same_result};

use super::ActorId;
use crate::eligibility::{Determination, MemberFacts};
use crate::text::Line;
use jiff::Timestamp;
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Contact data (synthetic only in examples and tests; never logged). The birth date and
/// enrollment are facts ([`MemberFacts::birth_date`], [`MemberFacts::enrollments`]), not here.
/// Every field is a [`Line`] (1..=500 characters, no control characters) and there are at most
/// [`MAX_ADDRESS_LINES`] address lines, so a bad value is refused when the request is parsed
/// (issue #12: 50,000 address lines were stored as given).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Demographics {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name: Option<Line>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name: Option<Line>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Line>,
    /// e.g. "en", "es", "zh-Hant".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_language: Option<Line>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<Line>,
    /// Street address, one line each (city, state and ZIP included as lines); at most 10.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::text::at_most::<_, _, MAX_ADDRESS_LINES>"
    )]
    #[schemars(length(max = 10))]
    pub address_lines: Vec<Line>,
}

/// Most address lines in [`Demographics`].
pub const MAX_ADDRESS_LINES: usize = 10;

/// Whether the member is enrolled, by the facts on the stored determination's as-of date.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum MemberStatus {
    /// Not registered yet.
    #[default]
    New,
    /// Registered; enrolled on the determination date, or enrollment unknown.
    Active,
    /// Every known enrollment span ended before the determination date.
    Disenrolled,
}

impl MemberStatus {
    pub fn label(self) -> &'static str {
        match self {
            MemberStatus::New => "not registered",
            MemberStatus::Active => "active",
            MemberStatus::Disenrolled => "disenrolled",
        }
    }
}

/// The stored eligibility determination and when it was computed. Its `as_of` date and
/// `policy_version` say what it used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StoredDetermination {
    pub determination: Determination,
    pub computed_at: Timestamp,
}

/// One member as the plan knows them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberState {
    pub status: MemberStatus,
    pub member_id: String,
    /// The policy overlay id of the member's plan (e.g. "hpsm").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub county: Option<String>,
    /// Synthetic client index number (never a real CIN).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cin: Option<String>,
    #[serde(default)]
    pub demographics: Demographics,
    /// The eligibility engine's facts (docs/schemas/member-facts.schema.json).
    #[serde(default)]
    pub facts: MemberFacts,
    /// The latest determination from `facts`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub determination: Option<StoredDetermination>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered_at: Option<Timestamp>,
}

impl MemberState {
    /// The date the stored determination is as of.
    pub fn determination_as_of(&self) -> Option<Date> {
        self.determination.as_ref().map(|d| d.determination.as_of)
    }
}

/// What a user asks of a member record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "kebab-case", deny_unknown_fields)]
#[allow(
    clippy::large_enum_variant,
    reason = "registration carries the facts; commands are built once and moved into decide"
)]
pub enum MemberCommand {
    /// Register a member with their facts; eligibility is determined as of `at`'s local date.
    Register {
        member_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        plan: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        county: Option<String>,
        #[serde(default)]
        demographics: Demographics,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cin: Option<String>,
        facts: MemberFacts,
        at: Timestamp,
        actor: ActorId,
    },
    /// Replace the contact data.
    UpdateDemographics {
        demographics: Demographics,
        at: Timestamp,
        actor: ActorId,
    },
    /// Replace the facts; eligibility is re-determined as of `at`'s local date.
    RecordFacts {
        facts: MemberFacts,
        at: Timestamp,
        actor: ActorId,
    },
    /// Re-run the engine on the stored facts as of `as_of` (e.g. after a policy update); yields
    /// an event only when the result differs from the stored one ([`same_result`]).
    Recompute {
        as_of: Date,
        at: Timestamp,
        actor: ActorId,
    },
}

/// What happened to a member record (append-only). Determinations are carried, not recomputed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
#[allow(
    clippy::large_enum_variant,
    reason = "events carry facts and determinations by design; each is built once and stored"
)]
pub enum MemberEvent {
    Registered {
        member_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        plan: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        county: Option<String>,
        demographics: Demographics,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cin: Option<String>,
        facts: MemberFacts,
        determination: Determination,
        at: Timestamp,
        actor: ActorId,
    },
    DemographicsUpdated {
        demographics: Demographics,
        at: Timestamp,
        actor: ActorId,
    },
    FactsRecorded {
        facts: MemberFacts,
        determination: Determination,
        at: Timestamp,
        actor: ActorId,
    },
    EligibilityRecomputed {
        determination: Determination,
        at: Timestamp,
        actor: ActorId,
    },
}
