//! The limit-check input: a member's CS history and one proposed authorization
//! (docs/community-supports-limits.md, "Input"; schema docs/schemas/cs-history.schema.json).

pub use super::policy::ExceptionKind;
use super::units::{Cents, Hours};
use crate::cs::CsId;
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A member's Community Supports history and the authorization being considered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Community Supports limit check input")]
pub struct CsLimitInput {
    /// Synthetic member id, echoed for the reader; never used by a rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_id: Option<String>,
    /// Prior authorizations and deliveries from ANY Medi-Cal plan: lifetime counters are
    /// cross-plan (CALAIM.md §3.3 [20]).
    #[serde(default)]
    pub history: Vec<HistoryItem>,
    /// Nursing facility stays, for the 60-day rule of ALF Transitions and Community or Home
    /// Transition Services. Absent = not known (those rules are undetermined); `[]` = none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nursing_facility_stays: Option<Vec<NursingFacilityStay>>,
    pub proposed: Proposal,
}

/// One prior authorization or delivery of a Community Support.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HistoryItem {
    /// Unique id within this input; named as evidence in the decision.
    pub id: String,
    pub cs: CsId,
    pub kind: HistoryKind,
    /// The plan that authorized or paid it (any plan counts toward lifetime counters).
    pub plan: String,
    /// First day.
    pub start: Date,
    /// Last day (inclusive).
    pub end: Date,
    /// Hours authorized or delivered (respite).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<Hours>,
    /// Amount authorized or paid, in cents (EAA, asthma remediation, home transition).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_cents: Option<Cents>,
    /// Only approved items count; default approved.
    #[serde(default)]
    pub status: HistoryStatus,
}

/// Whether a history item is an authorization (committed) or a delivery (used).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum HistoryKind {
    Authorization,
    Delivery,
}

/// Status of a history item; denied and cancelled items never count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum HistoryStatus {
    #[default]
    Approved,
    Denied,
    Cancelled,
}

/// A nursing facility stay.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NursingFacilityStay {
    /// Admission day.
    pub start: Date,
    /// Last day in the facility (inclusive); absent while the member is still there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<Date>,
}

/// The authorization being considered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Proposal {
    pub cs: CsId,
    /// The plan asked to authorize.
    pub plan: String,
    /// First day.
    pub start: Date,
    /// Last day (inclusive).
    pub end: Date,
    /// Hours requested (respite).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<Hours>,
    /// Amount requested, in cents (EAA, asthma remediation, home transition).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_cents: Option<Cents>,
    /// Length of the sobering center stay, in hours (must be under 24).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stay_hours: Option<Hours>,
    /// An exception claimed for going past a cap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exception: Option<ExceptionClaim>,
}

/// An exception the requester claims, with its documentation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExceptionClaim {
    pub kind: ExceptionKind,
    /// What changed, in words (or a document reference); must not be blank.
    pub documentation: String,
}

impl ExceptionClaim {
    /// An exception counts only with documentation (CALAIM.md §3.2 #2: "with documentation").
    pub fn is_documented(&self) -> bool {
        !self.documentation.trim().is_empty()
    }
}

/// A fact in the input that cannot be used as written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("{field}: end {end} is before start {start}")]
    EndBeforeStart {
        field: String,
        start: Date,
        end: Date,
    },
    #[error("{field}: history id {id:?} is used twice")]
    DuplicateHistoryId { field: String, id: String },
    /// The plan asked to authorize is not in the policy pack (history items may name any
    /// Medi-Cal plan: lifetime counters are cross-plan, CALAIM.md §3.3 [20]).
    #[error("{field}: {source}")]
    UnknownPlan {
        field: String,
        source: crate::policy::UnknownPlan,
    },
}

impl CsLimitInput {
    /// Problems that make the input unusable, each naming its field (e.g. "history[2].end"):
    /// a span that ends before it starts, a history id used twice, and a proposed plan that is
    /// not in `pack` (the limits and offerings of an unknown plan cannot be known; issue #12).
    pub fn problems(&self, pack: &crate::policy::PolicyPack) -> Vec<InputError> {
        let mut problems = Vec::new();
        if let Err(source) = pack.known_plan(&self.proposed.plan) {
            problems.push(InputError::UnknownPlan {
                field: "proposed.plan".to_string(),
                source,
            });
        }
        if self.proposed.end < self.proposed.start {
            problems.push(InputError::EndBeforeStart {
                field: "proposed.end".to_string(),
                start: self.proposed.start,
                end: self.proposed.end,
            });
        }
        let mut seen: Vec<&str> = Vec::new();
        for (i, item) in self.history.iter().enumerate() {
            if item.end < item.start {
                problems.push(InputError::EndBeforeStart {
                    field: format!("history[{i}].end"),
                    start: item.start,
                    end: item.end,
                });
            }
            if seen.contains(&item.id.as_str()) {
                problems.push(InputError::DuplicateHistoryId {
                    field: format!("history[{i}].id"),
                    id: item.id.clone(),
                });
            }
            seen.push(&item.id);
        }
        for (i, stay) in self.nursing_facility_stays.iter().flatten().enumerate() {
            if let Some(end) = stay.end
                && end < stay.start
            {
                problems.push(InputError::EndBeforeStart {
                    field: format!("nursing_facility_stays[{i}].end"),
                    start: stay.start,
                    end,
                });
            }
        }
        problems
    }
}
