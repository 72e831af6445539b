//! A member's appeal to the plan against an adverse decision on an authorization request
//! (CALAIM.md §4.4 [42]): received, due 30 calendar days later, resolved as upheld or overturned.
//! An overturn authorizes the service, so "approved after appeal" can be counted (CMS-0057-F
//! metrics, CALAIM.md §4.3 [45]). Appeal commands and events belong to the authorization aggregate
//! (see [`super::authorization`]); this module holds the appeal's own types and rules.

use super::period::AuthorizationPeriod;
use super::{ActorId, WorkflowError};
use crate::cite::Citation;
use crate::policy::PolicyPack;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Where an appeal stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AppealStatus {
    Open,
    /// The adverse decision stands.
    Upheld,
    /// The adverse decision is reversed; the service is authorized.
    Overturned,
}

impl AppealStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AppealStatus::Open => "open",
            AppealStatus::Upheld => "upheld",
            AppealStatus::Overturned => "overturned",
        }
    }
}

/// How the plan resolved an appeal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "outcome", rename_all = "kebab-case", deny_unknown_fields)]
pub enum AppealResolution {
    /// The adverse decision stands, with the reason.
    Upheld {
        #[serde(deserialize_with = "crate::text::de::required_text")]
        #[schemars(with = "crate::text::RequiredText")]
        reason: String,
    },
    /// The decision is reversed and the service authorized for `start` (ECM: the period follows
    /// the ECM rule; CS: through `through`) with `units`.
    Overturned {
        start: Date,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        through: Option<Date>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        units: Option<u32>,
    },
}

/// The appeal as recorded on the authorization request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Appeal {
    pub appeal_id: String,
    pub received_at: Timestamp,
    /// Last day to resolve: the local receipt date plus the appeal resolution days.
    pub due: Date,
    pub due_citation: Citation,
    pub status: AppealStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_at: Option<Timestamp>,
    /// Resolved on or before the due date (local); an appeal not resolved in time counts as
    /// exhausted and the member may go to a State Hearing (CALAIM.md §4.4 [42]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_time: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<AuthorizationPeriod>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub units: Option<u32>,
    pub filed_by: ActorId,
}

/// The local (policy time zone) calendar date of an instant.
pub(crate) fn local_date(pack: &PolicyPack, at: Timestamp) -> Result<Date, WorkflowError> {
    let zone = &pack.clocks.time_zone.value;
    let tz = TimeZone::get(zone).map_err(|e| {
        WorkflowError::Clock(crate::clock::ClockError::UnknownTimeZone {
            zone: zone.clone(),
            message: e.to_string(),
        })
    })?;
    Ok(at.to_zoned(tz).date())
}

/// Plan appeal resolution due date: the local receipt date plus `appeal_resolution_days`
/// calendar days (30; CALAIM.md §4.4 [42]).
pub fn appeal_due(
    pack: &PolicyPack,
    received_at: Timestamp,
) -> Result<(Date, Citation), WorkflowError> {
    let days = &pack.program.appeal_resolution_days;
    let received = local_date(pack, received_at)?;
    let due = received.checked_add(i64::from(days.value).days())?;
    Ok((due, days.citation()))
}

/// True when an appeal resolved at `resolved_at` met its due date (compared on the local date).
pub(crate) fn resolved_on_time(
    pack: &PolicyPack,
    due: Date,
    resolved_at: Timestamp,
) -> Result<bool, WorkflowError> {
    Ok(local_date(pack, resolved_at)? <= due)
}
