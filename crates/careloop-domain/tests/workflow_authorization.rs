//! Authorization requests: every legal transition, a table of illegal ones, the CMS-0057-F
//! specific-denial-reason rule, notices of action on adverse decisions, appeals (due 30 calendar
//! days after receipt; an overturn authorizes), ECM periods from the HPSM overlay, CS limits.

#[path = "support/workflow.rs"]
mod support;

use careloop_domain::clock::ClockKind;
use careloop_domain::workflow::appeal::{AppealResolution, AppealStatus};
use careloop_domain::workflow::authorization::{
    AuthorizationCommand as C, AuthorizationState, AuthorizationStatus as S, DecisionInput,
    DecisionOutcome, Service,
};
use careloop_domain::workflow::{Channel, Ctx, NoticePurpose, Recipient, WorkflowError};
use jiff::civil::date;
use support::*;

const RECEIVED: &str = "2026-11-02T17:00:00Z";

fn deny(reason: &str, with_notice: bool) -> C {
    C::Decide {
        at: ts("2026-11-03T17:00:00Z"),
        decision: DecisionInput::Deny {
            reason: reason.into(),
        },
        notice_of_action: with_notice.then(|| {
            notice(
                Recipient::Member,
                NoticePurpose::NoticeOfAction,
                Channel::Mail,
                "2026-11-03T18:00:00Z",
            )
        }),
        actor: actor(),
    }
}

fn approve_ecm() -> C {
    C::Decide {
        at: ts("2026-11-03T17:00:00Z"),
        decision: DecisionInput::Approve {
            start: date(2026, 11, 15),
            through: None,
            units: None,
        },
        notice_of_action: None,
        actor: actor(),
    }
}

fn modify() -> C {
    C::Decide {
        at: ts("2026-11-03T17:00:00Z"),
        decision: DecisionInput::ApproveAsModified {
            start: date(2026, 11, 15),
            through: date(2027, 2, 14),
            units: None,
            reason: "three months approved pending reassessment".into(),
        },
        notice_of_action: Some(notice(
            Recipient::Member,
            NoticePurpose::NoticeOfAction,
            Channel::Portal,
            "2026-11-03T17:30:00Z",
        )),
        actor: actor(),
    }
}

fn pend() -> C {
    C::PendForInformation {
        at: ts("2026-11-02T20:00:00Z"),
        information_needed: "recent assessment".into(),
        actor: actor(),
    }
}

fn info() -> C {
    C::ReceiveInformation {
        at: ts("2026-11-03T16:00:00Z"),
        actor: actor(),
    }
}

fn extend() -> C {
    C::Extend {
        at: ts("2026-11-03T16:30:00Z"),
        reason: "expert reviewer needed; delay will not harm the member".into(),
        actor: actor(),
    }
}

fn withdraw() -> C {
    C::Withdraw {
        at: ts("2026-11-03T15:00:00Z"),
        reason: "member request".into(),
        actor: actor(),
    }
}

fn file_appeal() -> C {
    C::FileAppeal {
        appeal_id: "APL-1".into(),
        received_at: ts("2026-11-10T18:00:00Z"),
        actor: actor(),
    }
}

fn overturn() -> C {
    C::ResolveAppeal {
        at: ts("2026-11-20T18:00:00Z"),
        resolution: AppealResolution::Overturned {
            start: date(2026, 12, 1),
            through: None,
            units: None,
        },
        notice: None,
        actor: actor(),
    }
}

fn uphold() -> C {
    C::ResolveAppeal {
        at: ts("2026-11-20T18:00:00Z"),
        resolution: AppealResolution::Upheld {
            reason: "criteria not met on review".into(),
        },
        notice: None,
        actor: actor(),
    }
}

fn ecm_request(kind: ClockKind) -> C {
    receive(Service::EcmInitial, kind, Some("hpsm"), RECEIVED)
}

/// Runs a path of commands from the empty state, failing the test on a refused one.
fn run(path: Vec<C>) -> AuthorizationState {
    let pack = pack();
    let ctx = Ctx::new(&pack);
    let mut state = AuthorizationState::default();
    for (i, cmd) in path.into_iter().enumerate() {
        match step(&state, cmd, &ctx) {
            Ok((next, _)) => state = next,
            Err(e) => panic_free_fail(&format!("step {i}: {e}")),
        }
    }
    state
}

fn panic_free_fail(msg: &str) {
    assert!(msg.is_empty(), "{msg}");
}

#[test]
fn every_legal_transition_reaches_its_status() {
    let n = ClockKind::NonUrgentPreService;
    let cases: Vec<(&str, Vec<C>, S)> = vec![
        ("receive", vec![ecm_request(n)], S::Received),
        (
            "pend",
            vec![ecm_request(n), pend()],
            S::PendedForInformation,
        ),
        (
            "information received",
            vec![ecm_request(n), pend(), info()],
            S::Received,
        ),
        (
            "extend while received",
            vec![ecm_request(n), extend()],
            S::Received,
        ),
        (
            "extend while pended",
            vec![ecm_request(n), pend(), extend()],
            S::PendedForInformation,
        ),
        ("approve", vec![ecm_request(n), approve_ecm()], S::Approved),
        (
            "approve after pend",
            vec![ecm_request(n), pend(), info(), approve_ecm()],
            S::Approved,
        ),
        (
            "approve as modified",
            vec![ecm_request(n), modify()],
            S::ApprovedAsModified,
        ),
        (
            "deny",
            vec![ecm_request(n), deny("POF not documented", true)],
            S::Denied,
        ),
        (
            "deny while pended",
            vec![
                ecm_request(n),
                pend(),
                deny("information not received", true),
            ],
            S::Denied,
        ),
        ("withdraw", vec![ecm_request(n), withdraw()], S::Withdrawn),
        (
            "appeal a denial",
            vec![
                ecm_request(n),
                deny("POF not documented", true),
                file_appeal(),
            ],
            S::Denied,
        ),
        (
            "appeal a modification",
            vec![ecm_request(n), modify(), file_appeal()],
            S::ApprovedAsModified,
        ),
        (
            "appeal upheld",
            vec![
                ecm_request(n),
                deny("POF not documented", true),
                file_appeal(),
                uphold(),
            ],
            S::Denied,
        ),
        (
            "appeal overturned authorizes",
            vec![
                ecm_request(n),
                deny("POF not documented", true),
                file_appeal(),
                overturn(),
            ],
            S::Approved,
        ),
    ];
    for (name, path, want) in cases {
        let state = run(path);
        assert_eq!(state.status, want, "{name}");
    }
}

#[test]
fn illegal_transitions_are_refused_naming_the_status() {
    let n = ClockKind::NonUrgentPreService;
    let u = ClockKind::UrgentPreService;
    let cases: Vec<(&str, Vec<C>, C, &str)> = vec![
        (
            "approve withdrawn",
            vec![ecm_request(n), withdraw()],
            approve_ecm(),
            "cannot approve a request that is withdrawn",
        ),
        (
            "approve before receipt",
            vec![],
            approve_ecm(),
            "cannot approve a request that is not yet received",
        ),
        (
            "deny approved",
            vec![ecm_request(n), approve_ecm()],
            deny("x", true),
            "cannot deny a request that is approved",
        ),
        (
            "withdraw denied",
            vec![ecm_request(n), deny("x", true)],
            withdraw(),
            "cannot withdraw a request that is denied",
        ),
        (
            "pend twice",
            vec![ecm_request(n), pend()],
            pend(),
            "cannot pend a request that is pended for information",
        ),
        (
            "pend again after information",
            vec![ecm_request(n), pend(), info()],
            pend(),
            "cannot pend a request that is received",
        ),
        (
            "information without pend",
            vec![ecm_request(n)],
            info(),
            "cannot record information for a request that is received",
        ),
        (
            "extend approved",
            vec![ecm_request(n), approve_ecm()],
            extend(),
            "cannot extend a request that is approved",
        ),
        (
            "extend twice",
            vec![ecm_request(n), extend()],
            extend(),
            "already extended",
        ),
        (
            "appeal an approval",
            vec![ecm_request(n), approve_ecm()],
            file_appeal(),
            "cannot appeal a request that is approved",
        ),
        (
            "appeal twice",
            vec![ecm_request(n), deny("x", true), file_appeal()],
            file_appeal(),
            "cannot appeal a request that is denied",
        ),
        (
            "resolve without appeal",
            vec![ecm_request(n), deny("x", true)],
            uphold(),
            "cannot resolve an appeal on a request that is denied with no appeal",
        ),
        (
            "resolve twice",
            vec![ecm_request(n), deny("x", true), file_appeal(), uphold()],
            overturn(),
            "with its appeal upheld",
        ),
        (
            "receive twice",
            vec![ecm_request(n)],
            ecm_request(n),
            "already exists",
        ),
        (
            "pend urgent",
            vec![ecm_request(u)],
            pend(),
            "pend for information applies only to non-urgent-pre-service",
        ),
    ];
    let pack = pack();
    let ctx = Ctx::new(&pack);
    for (name, path, cmd, want) in cases {
        let state = run(path);
        match step(&state, cmd, &ctx) {
            Ok(_) => panic_free_fail(&format!("{name}: accepted")),
            Err(e) => assert!(e.to_string().contains(want), "{name}: {e}"),
        }
    }
}

#[test]
fn denial_without_a_specific_reason_is_refused_cms_0057_f() {
    let pack = pack();
    let ctx = Ctx::new(&pack);
    let state = run(vec![ecm_request(ClockKind::NonUrgentPreService)]);
    for reason in ["", "   "] {
        let err = step(&state, deny(reason, true), &ctx).err();
        assert!(
            matches!(err, Some(WorkflowError::DenialReasonRequired)),
            "{reason:?}: {err:?}"
        );
    }
}

#[test]
fn adverse_decision_without_a_notice_of_action_is_refused() {
    let pack = pack();
    let ctx = Ctx::new(&pack);
    let state = run(vec![ecm_request(ClockKind::NonUrgentPreService)]);
    let err = step(&state, deny("POF not documented", false), &ctx).err();
    assert!(
        matches!(
            err,
            Some(WorkflowError::NoticeOfActionRequired { decision: "denied" })
        ),
        "{err:?}"
    );
}

#[test]
fn a_notice_of_action_exists_after_every_adverse_decision() {
    for path in [
        vec![
            ecm_request(ClockKind::NonUrgentPreService),
            deny("POF not documented", true),
        ],
        vec![ecm_request(ClockKind::NonUrgentPreService), modify()],
    ] {
        let state = run(path);
        let decision = state.decision.clone();
        assert!(decision.as_ref().is_some_and(|d| d.outcome.is_adverse()));
        let noa = state
            .notices
            .iter()
            .filter(|n| {
                n.purpose == NoticePurpose::NoticeOfAction && n.recipient == Recipient::Member
            })
            .count();
        assert_eq!(noa, 1, "{:?}", state.status);
    }
    let approved = run(vec![
        ecm_request(ClockKind::NonUrgentPreService),
        approve_ecm(),
    ]);
    assert!(approved.notices.is_empty());
}

#[test]
fn appeal_due_is_receipt_plus_30_calendar_days() {
    // Received 2026-11-10 10:00 Pacific; also one received late on 2026-12-31 Pacific
    // (already 2027-01-01 in UTC): the local date counts.
    for (received, due) in [
        ("2026-11-10T18:00:00Z", date(2026, 12, 10)),
        ("2027-01-01T06:30:00Z", date(2027, 1, 30)),
    ] {
        let pack = pack();
        let ctx = Ctx::new(&pack);
        let state = run(vec![
            ecm_request(ClockKind::NonUrgentPreService),
            deny("x", true),
        ]);
        let cmd = C::FileAppeal {
            appeal_id: "APL-1".into(),
            received_at: ts(received),
            actor: actor(),
        };
        let appeal = step(&state, cmd, &ctx).ok().and_then(|(s, _)| s.appeal);
        assert_eq!(appeal.as_ref().map(|a| a.due), Some(due), "{received}");
        assert_eq!(
            appeal.map(|a| a.due_citation.source),
            Some(pack.program.appeal_resolution_days.source.clone())
        );
    }
}

#[test]
fn overturn_authorizes_and_counts_as_approved_after_appeal() {
    let state = run(vec![
        ecm_request(ClockKind::NonUrgentPreService),
        deny("POF not documented", true),
        file_appeal(),
        overturn(),
    ]);
    assert!(state.is_authorized());
    assert!(state.approved_after_appeal());
    let appeal = state.appeal.clone();
    assert_eq!(
        appeal.as_ref().map(|a| a.status),
        Some(AppealStatus::Overturned)
    );
    assert_eq!(appeal.as_ref().and_then(|a| a.on_time), Some(true));
    // The overturn authorizes the ECM initial period (HPSM: 12 months).
    let period = appeal.and_then(|a| a.period);
    assert_eq!(
        period.map(|p| (p.start, p.through)),
        Some((date(2026, 12, 1), date(2027, 11, 30)))
    );
    let upheld = run(vec![
        ecm_request(ClockKind::NonUrgentPreService),
        deny("POF not documented", true),
        file_appeal(),
        uphold(),
    ]);
    assert!(!upheld.is_authorized());
    assert!(!upheld.approved_after_appeal());
}

#[test]
fn ecm_periods_initial_12_months_reauthorization_6_months_hpsm_overlay() {
    let cases = [
        (
            Service::EcmInitial,
            date(2026, 11, 15),
            date(2027, 11, 14),
            12,
        ),
        (
            Service::EcmReauthorization,
            date(2026, 11, 15),
            date(2027, 5, 14),
            6,
        ),
    ];
    for (service, start, through, months) in cases {
        let state = run(vec![
            receive(
                service,
                ClockKind::NonUrgentPreService,
                Some("hpsm"),
                RECEIVED,
            ),
            C::Decide {
                at: ts("2026-11-03T17:00:00Z"),
                decision: DecisionInput::Approve {
                    start,
                    through: None,
                    units: None,
                },
                notice_of_action: None,
                actor: actor(),
            },
        ]);
        let period = state.decision.and_then(|d| d.period);
        assert_eq!(
            period.as_ref().map(|p| (p.start, p.through)),
            Some((start, through)),
            "{service:?}"
        );
        assert_eq!(period.as_ref().and_then(|p| p.months), Some(months));
        let source = period
            .and_then(|p| p.citation)
            .map(|c| c.source)
            .unwrap_or_default();
        assert!(source.contains("seed 003"), "{service:?}: {source}");
    }
}

#[test]
fn decision_records_on_time_extension_and_pend_for_metrics() {
    let state = run(vec![
        ecm_request(ClockKind::NonUrgentPreService),
        extend(),
        approve_ecm(),
    ]);
    let d = state.decision.clone();
    assert_eq!(
        d.as_ref().map(|d| (d.on_time, d.extension_used, d.pended)),
        Some((true, true, false))
    );
    assert!(state.approved_after_extension());
    let due = state.due.as_ref().map(|d| d.due);
    assert_eq!(d.map(|d| d.due), due);
    // A decision after the due time is recorded as late.
    let pack = pack();
    let ctx = Ctx::new(&pack);
    let open = run(vec![ecm_request(ClockKind::UrgentPreService)]);
    let late = C::Decide {
        at: ts("2026-11-20T17:00:00Z"),
        decision: DecisionInput::Approve {
            start: date(2026, 11, 20),
            through: None,
            units: None,
        },
        notice_of_action: None,
        actor: actor(),
    };
    let decided = step(&open, late, &ctx).ok().and_then(|(s, _)| s.decision);
    assert_eq!(
        decided.map(|d| (d.outcome, d.on_time)),
        Some((DecisionOutcome::Approved, false))
    );
}

#[test]
fn due_time_comes_from_the_clock_engine_with_its_explanation() {
    let state = run(vec![ecm_request(ClockKind::UrgentPreService)]);
    let due = state.due.clone();
    // Urgent pre-service: 72 hours from receipt (CALAIM.md §4.1).
    assert_eq!(
        due.as_ref().map(|d| d.due),
        Some(ts("2026-11-05T17:00:00Z"))
    );
    assert!(
        due.as_ref()
            .is_some_and(|d| d.explanation.get("state_rule").is_some())
    );
    let extended = run(vec![ecm_request(ClockKind::NonUrgentPreService), extend()]);
    let ext = extended.extension.clone();
    assert!(ext.is_some_and(|e| Some(e.previous_due) != extended.due.as_ref().map(|d| d.due)));
}

/// Issue #12 defect 5: a requested or approved start more than 90 days after the command's
/// California date (a 2027 typed for 2026) is refused naming the field.
#[test]
fn starts_far_ahead_are_refused() {
    let pack = pack();
    let ctx = Ctx::new(&pack);
    let mut far = receive(
        Service::EcmInitial,
        ClockKind::NonUrgentPreService,
        Some("hpsm"),
        "2026-11-02T17:00:00Z",
    );
    if let C::Receive { requested, .. } = &mut far {
        requested.start = Some(jiff::civil::date(2027, 11, 2));
    }
    match step(&AuthorizationState::default(), far, &ctx) {
        Err(WorkflowError::ImpossibleDate { field, .. }) => assert_eq!(field, "requested.start"),
        other => unreachable!("expected a refusal, got {other:?}"),
    }
    let Ok((state, _)) = step(
        &AuthorizationState::default(),
        receive(
            Service::EcmInitial,
            ClockKind::NonUrgentPreService,
            Some("hpsm"),
            "2026-11-02T17:00:00Z",
        ),
        &ctx,
    ) else {
        unreachable!("received");
    };
    let approve = C::Decide {
        at: ts("2026-11-03T17:00:00Z"),
        decision: DecisionInput::Approve {
            start: jiff::civil::date(2027, 11, 3),
            through: None,
            units: None,
        },
        notice_of_action: None,
        actor: actor(),
    };
    match step(&state, approve, &ctx) {
        Err(WorkflowError::ImpossibleDate { field, .. }) => assert_eq!(field, "decision.start"),
        other => unreachable!("expected a refusal, got {other:?}"),
    }
}
