//! Work-queue classification: at risk with under 24 hours left, overdue past due (the boundary at
//! exactly 24 hours and at the due instant), ECM re-authorizations due within 30 days.

#[path = "support/workflow.rs"]
mod support;

use careloop_domain::clock::ClockKind;
use careloop_domain::workflow::authorization::{AuthorizationState, Service};
use careloop_domain::workflow::ecm::{EcmEnrollmentState, EnrollmentStatus};
use careloop_domain::workflow::queue::{QueueStatus, classify_authorization, reauthorizations_due};
use careloop_domain::workflow::{AuthorizationPeriod, Ctx};
use jiff::civil::date;
use jiff::{SignedDuration, Timestamp};
use support::*;

fn open_request() -> AuthorizationState {
    let pack = pack();
    let ctx = Ctx::new(&pack);
    let cmd = receive(
        Service::EcmInitial,
        ClockKind::UrgentPreService,
        None,
        "2026-11-02T17:00:00Z",
    );
    step(&AuthorizationState::default(), cmd, &ctx)
        .map(|(s, _)| s)
        .unwrap_or_default()
}

fn at(due: Timestamp, offset_secs: i64) -> Timestamp {
    due.checked_add(SignedDuration::from_secs(offset_secs))
        .unwrap_or(due)
}

#[test]
fn at_risk_under_24_hours_overdue_past_due() {
    let state = open_request();
    let due = state.due.as_ref().map(|d| d.due).unwrap_or_default();
    assert_eq!(due, ts("2026-11-05T17:00:00Z"));
    let wf = workflow();
    let h = 3600;
    let cases = [
        ("48 h left", -48 * h, QueueStatus::OnTrack),
        ("exactly 24 h left", -24 * h, QueueStatus::OnTrack),
        ("24 h less a second", -24 * h + 1, QueueStatus::AtRisk),
        ("one hour left", -h, QueueStatus::AtRisk),
        ("at the due instant", 0, QueueStatus::AtRisk),
        ("a second past due", 1, QueueStatus::Overdue),
        ("a day past due", 24 * h, QueueStatus::Overdue),
    ];
    for (name, offset, want) in cases {
        let entry = classify_authorization(&state, at(due, offset), &wf);
        assert_eq!(entry.as_ref().map(|e| e.status), Some(want), "{name}");
        assert_eq!(entry.map(|e| e.minutes_left), Some(-offset / 60), "{name}");
    }
}

#[test]
fn at_risk_threshold_comes_from_policy() {
    let state = open_request();
    let due = state.due.as_ref().map(|d| d.due).unwrap_or_default();
    let mut wf = workflow();
    wf.at_risk_hours.value = 48;
    let entry = classify_authorization(&state, at(due, -30 * 3600), &wf);
    assert_eq!(
        entry.map(|e| (e.status, e.at_risk_hours)),
        Some((QueueStatus::AtRisk, 48))
    );
}

#[test]
fn decided_requests_are_not_in_the_queue() {
    let mut state = open_request();
    state.status = careloop_domain::workflow::authorization::AuthorizationStatus::Approved;
    assert_eq!(
        classify_authorization(&state, ts("2026-11-03T00:00:00Z"), &workflow()),
        None
    );
}

fn enrolled(id: &str, through: jiff::civil::Date) -> EcmEnrollmentState {
    EcmEnrollmentState {
        status: EnrollmentStatus::Enrolled,
        enrollment_id: id.into(),
        member_id: format!("SYN-{id}"),
        periods: vec![AuthorizationPeriod {
            start: date(2026, 1, 1),
            through,
            months: Some(12),
            citation: None,
        }],
        ..EcmEnrollmentState::default()
    }
}

#[test]
fn ecm_reauthorizations_due_within_30_days() {
    let as_of = date(2026, 11, 22);
    let mut discontinued = enrolled("E-DISC", date(2026, 11, 30));
    discontinued.status = EnrollmentStatus::Discontinued;
    let all = vec![
        enrolled("E-31", date(2026, 12, 23)),
        enrolled("E-30", date(2026, 12, 22)),
        enrolled("E-0", as_of),
        enrolled("E-LATE", date(2026, 11, 21)),
        discontinued,
    ];
    let due = reauthorizations_due(&all, as_of, &workflow());
    let got: Vec<(&str, i64, bool)> = due
        .iter()
        .map(|d| (d.enrollment_id.as_str(), d.days_left, d.overdue))
        .collect();
    assert_eq!(
        got,
        vec![("E-LATE", -1, true), ("E-0", 0, false), ("E-30", 30, false)]
    );
}
