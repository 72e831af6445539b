//! Authorization periods: ECM initial and re-authorization spans from the plan overlay or the
//! statewide pack (CALAIM.md §2.6 [4]); CS periods as requested.

use super::WorkflowError;
use crate::cite::Citation;
use crate::policy::PolicyPack;
use jiff::ToSpan;
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An authorized span, first and last day inclusive.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthorizationPeriod {
    pub start: Date,
    pub through: Date,
    /// Length in months when set by an ECM rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub months: Option<u32>,
    /// Where the length came from (plan overlay or statewide pack), for ECM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citation: Option<Citation>,
}

impl AuthorizationPeriod {
    /// A requested span (CS), refused when it ends before it starts.
    pub fn requested(start: Date, through: Date) -> Result<Self, WorkflowError> {
        if through < start {
            return Err(WorkflowError::InvalidPeriod {
                field: "period",
                message: format!("ends {through}, before it starts {start}"),
            });
        }
        Ok(AuthorizationPeriod {
            start,
            through,
            months: None,
            citation: None,
        })
    }
}

/// Initial ECM authorization or a re-authorization.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum EcmPeriodKind {
    /// 12 months (CALAIM.md §2.6 [4]).
    Initial,
    /// 6 months per re-authorization (CALAIM.md §2.6 [4]).
    Reauthorization,
}

/// The ECM authorization period starting on `start`: the plan overlay's months when it states
/// them, else the statewide value (CALAIM.md §2.6 [4]). The period runs through the day before the
/// same day `months` later (12 months from 2026-01-15 runs through 2027-01-14).
pub fn ecm_period(
    pack: &PolicyPack,
    plan: Option<&str>,
    kind: EcmPeriodKind,
    start: Date,
) -> Result<AuthorizationPeriod, WorkflowError> {
    let overlay = match plan {
        None => None,
        Some(id) => Some(pack.known_plan(id)?),
    };
    let cited = match kind {
        EcmPeriodKind::Initial => overlay
            .and_then(|p| p.ecm.initial_authorization_months.as_ref())
            .unwrap_or(&pack.program.ecm_initial_authorization_months),
        EcmPeriodKind::Reauthorization => overlay
            .and_then(|p| p.ecm.reauthorization_months.as_ref())
            .unwrap_or(&pack.program.ecm_reauthorization_months),
    };
    let months = i64::from(cited.value);
    let through = start.checked_add(months.months())?.checked_sub(1.day())?;
    Ok(AuthorizationPeriod {
        start,
        through,
        months: Some(cited.value),
        citation: Some(cited.citation()),
    })
}
