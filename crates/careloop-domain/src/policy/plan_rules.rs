//! A plan's own program rules beyond the DHCS criteria (issue #14 items 4 and 8): Community
//! Supports prerequisites the plan adds, and the legacy automatic ECM enrollment of members who
//! were in a predecessor program before CalAIM. The eligibility engine reads them
//! (`eligibility::cs`, `eligibility::legacy`); the data sits in the plan overlay.

use crate::cite::Citation;
use crate::eligibility::facts::IndicatorKind;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// One prerequisite a plan adds for every Community Support, e.g. HPSM's "Engaged with a Care
/// Manager" (seed 003 [4]). It appears in each CS's eligibility trace as
/// `cs.<id>.plan_prerequisite.<id>` with its citation; an unknown one is `undetermined`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsPrerequisite {
    /// Stable id, used in the rule id (`snake_case` or kebab-case).
    pub id: String,
    /// The plan's wording.
    pub description: String,
    /// The fact that decides it.
    pub requires: Requirement,
    pub source: String,
    #[serde(default)]
    pub unconfirmed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl CsPrerequisite {
    pub fn citation(&self) -> Citation {
        Citation {
            source: self.source.clone(),
            unconfirmed: self.unconfirmed,
        }
    }
}

/// What decides a prerequisite. TOML: `requires = { enrolled_in = ["medi-cal", "d-snp"] }` or
/// `requires = { indicator = "engaged-with-care-manager" }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Requirement {
    /// Enrolled in this plan on the as-of date in one of these lines of business.
    EnrolledIn(Vec<String>),
    /// An indicator of this kind holds on the as-of date.
    Indicator(IndicatorKind),
}

/// Members enrolled in a listed predecessor program before `enrolled_before` were enrolled in
/// ECM automatically (HPSM: MSSP or Whole Person Care, including CCSP and Bridges to Wellness,
/// before 2022-01-01; seed 003 [4]). Its own path to ECM in the trace, not a Population of Focus.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegacyEcmEnrollment {
    /// The indicator kinds that record the predecessor programs (`legacy-mssp`, `legacy-wpc`).
    pub programs: Vec<IndicatorKind>,
    /// The program enrollment must have started before this day.
    pub enrolled_before: Date,
    /// The plan's wording.
    pub description: String,
    pub source: String,
    #[serde(default)]
    pub unconfirmed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl LegacyEcmEnrollment {
    pub fn citation(&self) -> Citation {
        Citation {
            source: self.source.clone(),
            unconfirmed: self.unconfirmed,
        }
    }
}
