//! Community Supports approvals run the CS limit check at decision time (`cs_limits::check`,
//! CALAIM.md §3.3) and show the rules with the decision; over a limit the approval is refused.

#[path = "support/workflow.rs"]
mod support;

use careloop_domain::CsId;
use careloop_domain::clock::ClockKind;
use careloop_domain::cs_limits::CsLimitInput;
use careloop_domain::workflow::authorization::{
    AuthorizationCommand as C, AuthorizationState, AuthorizationStatus, DecisionInput, Service,
};
use careloop_domain::workflow::{Ctx, WorkflowError};
use jiff::civil::date;
use support::*;

const RECEIVED: &str = "2026-11-02T17:00:00Z";

fn sobering_input(start: jiff::civil::Date, end: jiff::civil::Date, hours: i64) -> CsLimitInput {
    let text = format!(
        r#"{{"history": [], "proposed": {{"cs": "sobering-centers", "plan": "hpsm", "start": "{start}", "end": "{end}", "stay_hours": {hours}}}}}"#
    );
    match serde_json::from_str::<CsLimitInput>(&text) {
        Ok(i) => i,
        Err(e) => unreachable!("bad test input: {e}"),
    }
}

#[test]
fn cs_approval_runs_the_limit_check_and_shows_the_rule() {
    let pack = pack();
    let cs_request = receive(
        Service::Cs(CsId::SoberingCenters),
        ClockKind::PostService,
        Some("hpsm"),
        RECEIVED,
    );
    let ctx = Ctx::new(&pack);
    let open = step(&AuthorizationState::default(), cs_request, &ctx)
        .map(|(s, _)| s)
        .unwrap_or_default();
    assert_eq!(open.status, AuthorizationStatus::Received);
    let approve = |through| C::Decide {
        at: ts("2026-11-03T17:00:00Z"),
        decision: DecisionInput::Approve {
            start: date(2026, 11, 1),
            through,
            units: Some(1),
        },
        notice_of_action: None,
        actor: actor(),
    };
    // Without the limit input the approval names the missing fact.
    let ctx = Ctx::new(&pack);
    let err = step(&open, approve(Some(date(2026, 11, 1))), &ctx).err();
    assert!(
        matches!(err, Some(WorkflowError::MissingFact { .. })),
        "{err:?}"
    );
    // Under 24 hours: allowed, the rule shown with the decision.
    let ok_input = sobering_input(date(2026, 11, 1), date(2026, 11, 1), 10);
    let ctx = Ctx::new(&pack).with_cs_limit_input(&ok_input);
    let decided = step(&open, approve(Some(date(2026, 11, 1))), &ctx);
    let check = decided
        .ok()
        .and_then(|(s, _)| s.decision)
        .and_then(|d| d.limit_check);
    assert!(
        check.as_ref().is_some_and(|c| !c.rules.is_empty()),
        "{check:?}"
    );
    // 30 hours: over the under-24-hour stay limit, refused with the rule's message.
    let over = sobering_input(date(2026, 11, 1), date(2026, 11, 2), 30);
    let ctx = Ctx::new(&pack).with_cs_limit_input(&over);
    let err = step(&open, approve(Some(date(2026, 11, 2))), &ctx).err();
    assert!(
        matches!(err, Some(WorkflowError::CsLimitNotAllowed { .. })),
        "{err:?}"
    );
    // The input must propose the same period.
    let ctx = Ctx::new(&pack).with_cs_limit_input(&ok_input);
    let err = step(&open, approve(Some(date(2026, 11, 2))), &ctx).err();
    assert!(
        matches!(err, Some(WorkflowError::FactMismatch { .. })),
        "{err:?}"
    );
}
