//! Clock parameters: statewide defaults, the CMS-0057-F federal overlay, and a plan's own rules.

use crate::cite::Cited;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// How days are counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DayCounting {
    /// Every day counts.
    Calendar,
    /// Saturdays, Sundays and holidays of the calendar are skipped.
    Working,
}

/// "N calendar days" or "N working days".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DayRule {
    pub days: u32,
    pub counting: DayCounting,
}

/// Statewide clock rules (`statewide/clocks.toml`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockPolicy {
    /// IANA time zone in which days end (America/Los_Angeles).
    pub time_zone: Cited<String>,
    /// Urgent pre-service: hours elapsed from receipt (72; [40][1]).
    pub urgent_pre_service_hours: Cited<u32>,
    /// Non-urgent pre-service (5 working days; [40]).
    pub non_urgent_pre_service: Cited<DayRule>,
    /// Urgent concurrent: hours elapsed (24; [40]).
    pub urgent_concurrent_hours: Cited<u32>,
    /// Post-service / retrospective (30 calendar days; [1]).
    pub post_service: Cited<DayRule>,
    /// Deferral/extension ceiling, calendar days after receipt (14; [40]).
    pub extension_max_days: Cited<u32>,
    /// CMS-0057-F overlay.
    pub federal: FederalOverlay,
}

/// CMS-0057-F decision timeframes for pre-service requests (CALAIM.md §4.3 [44][46]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FederalOverlay {
    /// Applies to requests received on or after this date (2026-01-01).
    pub effective_from: Cited<Date>,
    /// Standard: calendar days (7).
    pub standard_days: Cited<u32>,
    /// Expedited: hours (72).
    pub expedited_hours: Cited<u32>,
    /// With an extension, the federal limit is the standard (or expedited) limit plus up to this
    /// many *additional* calendar days (14; 42 CFR 438.210(d)(1), (d)(2)): a standard request is
    /// due at the end of calendar day 7 + 14 = 21 after receipt, an expedited one 72 hours + 14
    /// days after receipt. The California rule (end of calendar day 14) is stricter and wins.
    pub extension_additional_days: Cited<u32>,
}

/// A plan's own clock rules; each absent value falls back to the statewide one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanClockPolicy {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urgent_pre_service_hours: Option<Cited<u32>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub non_urgent_pre_service: Option<Cited<DayRule>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urgent_concurrent_hours: Option<Cited<u32>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_service: Option<Cited<DayRule>>,
}
