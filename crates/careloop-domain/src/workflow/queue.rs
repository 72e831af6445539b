//! Work-queue classification (issue #3): an open authorization request is at risk with under
//! `at_risk_hours` left (24, `workflow.toml`) and overdue once past its due time; ECM
//! re-authorizations due within `reauthorization_lookahead_days` (30) are listed.

use super::WorkflowPolicy;
use super::authorization::AuthorizationState;
use super::ecm::EcmEnrollmentState;
use crate::cite::Citation;
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum QueueStatus {
    OnTrack,
    /// Fewer than the at-risk hours left before the due time (the due instant itself included).
    AtRisk,
    /// Past the due time.
    Overdue,
}

/// An open authorization request's place in the work queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct QueueEntry {
    pub request_id: String,
    pub status: QueueStatus,
    pub due: Timestamp,
    /// Whole minutes to the due time; negative once overdue.
    pub minutes_left: i64,
    pub at_risk_hours: u32,
    pub pended: bool,
    pub citation: Citation,
}

/// Classifies an open (received or pended) request at `now`; `None` for a request that is not
/// awaiting a decision.
pub fn classify_authorization(
    state: &AuthorizationState,
    now: Timestamp,
    policy: &WorkflowPolicy,
) -> Option<QueueEntry> {
    if !state.status.is_open() {
        return None;
    }
    let due = state.due.as_ref()?.due;
    let left = due.duration_since(now);
    let threshold = SignedDuration::from_hours(i64::from(policy.at_risk_hours.value));
    let status = if now > due {
        QueueStatus::Overdue
    } else if left < threshold {
        QueueStatus::AtRisk
    } else {
        QueueStatus::OnTrack
    };
    Some(QueueEntry {
        request_id: state.request_id.clone(),
        status,
        due,
        minutes_left: left.as_mins(),
        at_risk_hours: policy.at_risk_hours.value,
        pended: state.status == super::authorization::AuthorizationStatus::PendedForInformation,
        citation: policy.at_risk_hours.citation(),
    })
}

/// An enrolled member whose ECM re-authorization is due soon or overdue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ReauthorizationDue {
    pub enrollment_id: String,
    pub member_id: String,
    /// Last day of the current authorization period.
    pub due: Date,
    /// Days from as_of to the due date; negative once overdue.
    pub days_left: i64,
    pub overdue: bool,
    pub citation: Citation,
}

/// Enrolled members whose re-authorization is due on or before `as_of` + lookahead days (30),
/// soonest first; overdue ones included.
pub fn reauthorizations_due<'a>(
    enrollments: impl IntoIterator<Item = &'a EcmEnrollmentState>,
    as_of: Date,
    policy: &WorkflowPolicy,
) -> Vec<ReauthorizationDue> {
    let lookahead = i64::from(policy.reauthorization_lookahead_days.value);
    let mut out: Vec<ReauthorizationDue> = enrollments
        .into_iter()
        .filter_map(|e| {
            let due = e.reauthorization_due()?;
            let days_left = i64::from((due - as_of).get_days());
            (days_left <= lookahead).then(|| ReauthorizationDue {
                enrollment_id: e.enrollment_id.clone(),
                member_id: e.member_id.clone(),
                due,
                days_left,
                overdue: days_left < 0,
                citation: policy.reauthorization_lookahead_days.citation(),
            })
        })
        .collect();
    out.sort_by(|a, b| {
        a.due
            .cmp(&b.due)
            .then(a.enrollment_id.cmp(&b.enrollment_id))
    });
    out
}
