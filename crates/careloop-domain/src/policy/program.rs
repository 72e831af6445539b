//! Program-wide dates and windows: ECM authorization periods, CS election cadence, closed-loop
//! referral dates, statewide CS mandates, appeal windows (CALAIM.md §8).

use crate::cite::Cited;
use crate::cs::CsId;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgramPolicy {
    /// ECM initial authorization period, months (12; CALAIM.md §2.6 [4]).
    pub ecm_initial_authorization_months: Cited<u32>,
    /// ECM re-authorization period, months (6; [4]).
    pub ecm_reauthorization_months: Cited<u32>,
    /// Closed-loop referral policy effective date (2025-07-01; [37]).
    pub clr_effective: Cited<Date>,
    /// DHCS closed-loop referral compliance monitoring start (2026-07-01; [37]).
    pub clr_monitoring_start: Cited<Date>,
    /// Plan appeal resolution, days (30; [42]).
    pub appeal_resolution_days: Cited<u32>,
    /// State hearing request window, calendar days after the plan's appeal resolution (120; [41][42]).
    pub state_hearing_request_days: Cited<u32>,
    /// Aid paid pending: hearing requested within this many days of the NAR (10; CALAIM.md §4.4 [41]).
    pub aid_paid_pending_request_days: Cited<u32>,
    /// Standard state hearing decision, days (90; CALAIM.md §4.4 [41]).
    pub state_hearing_decision_days: Cited<u32>,
    /// Member's deadline to appeal to the plan, days (commonly 60; UNCONFIRMED, CALAIM.md §4.4).
    pub member_appeal_filing_days: Cited<u32>,
    /// How often a plan may add or drop a CS, months (6; CALAIM.md §3.1 [3]; a fixed
    /// January/July cycle is UNCONFIRMED).
    pub cs_election_interval_months: Cited<u32>,
    /// The months (1-12) on whose first day a CS election takes effect (January and July:
    /// UNCONFIRMED, CALAIM.md §10 item 6); `careloop policy check` flags other change days.
    pub cs_election_months: Cited<Vec<u8>>,
    /// How many days a provider's recorded capacity (accepting / waitlist / full) counts as
    /// current; older, it is shown as "stale as of <date>" (30: careloop's own choice,
    /// UNCONFIRMED; issue #14 item 12, `crate::capacity`).
    pub capacity_stale_after_days: Cited<u32>,
    /// Community Supports every plan must offer, from a date (Transitional Rent 2026-01-01; [18][31]).
    #[serde(default)]
    pub cs_mandates: Vec<CsMandate>,
}

/// A statewide mandate: every plan offers `cs` in every county it serves from `effective_from`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsMandate {
    pub cs: CsId,
    pub effective_from: Date,
    pub source: String,
    #[serde(default)]
    pub unconfirmed: bool,
    /// Scope remarks (e.g. Transitional Rent's mandatory population).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl ProgramPolicy {
    /// The mandate for a CS, if any.
    pub fn mandate(&self, cs: CsId) -> Option<&CsMandate> {
        self.cs_mandates.iter().find(|m| m.cs == cs)
    }

    /// The mandates in effect on `on`.
    pub fn mandates_on(&self, on: Date) -> impl Iterator<Item = &CsMandate> {
        self.cs_mandates
            .iter()
            .filter(move |m| m.effective_from <= on)
    }
}
