//! Closed-loop referrals: every legal transition, a table of illegal ones, the closure value set,
//! Sobering Centers exempt from CLR, fax to a referrer not meeting the electronic-notice duty.

#[path = "support/workflow.rs"]
mod support;

use careloop_domain::CsId;
use careloop_domain::workflow::referral::{
    self, ReferralCommand as C, ReferralSource, ReferralState, ReferralStatus as S, Referrer,
    clr_notice_duties,
};
use careloop_domain::workflow::{Channel, Ctx, NoticePurpose, Program, Recipient, WorkflowError};
use jiff::civil::date;
use support::*;

fn receive_for(program: Program, at: &str) -> C {
    C::Receive {
        referral_id: "REF-1".into(),
        member_id: "SYN-1".into(),
        referrer: Referrer {
            source: ReferralSource::Cbo,
            id: Some("CBO-9".into()),
            name: Some("Synthetic Community Org".into()),
            contact: Some("intake@example.invalid".into()),
        },
        program,
        claimed_pof: (program == Program::Ecm).then(|| "1a".to_string()),
        received_at: ts(at),
        actor: actor(),
    }
}
fn receive() -> C {
    receive_for(Program::Ecm, "2026-11-02T17:00:00Z")
}
fn review(eligible: bool) -> C {
    C::ReviewEligibility {
        at: ts("2026-11-03T17:00:00Z"),
        eligible,
        determination_id: Some("det-1".into()),
        actor: actor(),
    }
}
fn assign() -> C {
    C::AssignProvider {
        at: ts("2026-11-04T17:00:00Z"),
        provider_id: "ECM-PROV-1".into(),
        actor: actor(),
    }
}
fn accept() -> C {
    C::ProviderAccept {
        at: ts("2026-11-05T17:00:00Z"),
        actor: actor(),
    }
}
fn decline() -> C {
    C::ProviderDecline {
        at: ts("2026-11-05T17:00:00Z"),
        reason: "no capacity".into(),
        actor: actor(),
    }
}
fn authorize(authorized: bool, reason: Option<&str>) -> C {
    C::RecordAuthorization {
        at: ts("2026-11-06T17:00:00Z"),
        authorized,
        authorization_id: Some("REQ-1".into()),
        reason: reason.map(str::to_string),
        actor: actor(),
    }
}
fn start() -> C {
    C::StartServices {
        at: ts("2026-11-10T17:00:00Z"),
        started_on: date(2026, 11, 10),
        actor: actor(),
    }
}
fn close(reason: &str) -> C {
    C::Close {
        at: ts("2026-11-12T17:00:00Z"),
        reason: reason.into(),
        note: None,
        actor: actor(),
    }
}
fn to_referrer(purpose: NoticePurpose, channel: Channel) -> C {
    C::RecordNotice {
        notice: notice(
            Recipient::Referrer,
            purpose,
            channel,
            "2026-11-04T18:00:00Z",
        ),
    }
}

fn run(path: Vec<C>) -> Result<ReferralState, WorkflowError> {
    let pack = pack();
    let ctx = Ctx::new(&pack);
    let mut state = ReferralState::default();
    for cmd in path {
        let events = referral::decide(&state, cmd, &ctx)?;
        state = events.iter().fold(state, referral::apply);
    }
    Ok(state)
}

#[test]
fn every_legal_transition_reaches_its_status() {
    let cases: Vec<(&str, Vec<C>, S)> = vec![
        ("receive", vec![receive()], S::Received),
        (
            "eligible",
            vec![receive(), review(true)],
            S::EligibilityReviewed,
        ),
        (
            "not eligible",
            vec![receive(), review(false)],
            S::NotEligible,
        ),
        (
            "assign",
            vec![receive(), review(true), assign()],
            S::AssignedToProvider,
        ),
        (
            "provider accepts",
            vec![receive(), review(true), assign(), accept()],
            S::AcceptedByProvider,
        ),
        (
            "provider declines",
            vec![receive(), review(true), assign(), decline()],
            S::DeclinedByProvider,
        ),
        (
            "reassign after decline",
            vec![receive(), review(true), assign(), decline(), assign()],
            S::AssignedToProvider,
        ),
        (
            "authorized",
            vec![
                receive(),
                review(true),
                assign(),
                accept(),
                authorize(true, None),
            ],
            S::Authorized,
        ),
        (
            "not authorized",
            vec![
                receive(),
                review(true),
                assign(),
                accept(),
                authorize(false, Some("not medically necessary")),
            ],
            S::NotAuthorized,
        ),
        (
            "services started",
            vec![
                receive(),
                review(true),
                assign(),
                accept(),
                authorize(true, None),
                start(),
            ],
            S::ServicesStarted,
        ),
        (
            "closed services received",
            vec![
                receive(),
                review(true),
                assign(),
                accept(),
                authorize(true, None),
                start(),
                close("services-received"),
            ],
            S::Closed,
        ),
        (
            "closed not eligible",
            vec![receive(), review(false), close("not-eligible")],
            S::Closed,
        ),
        (
            "closed unable to reach",
            vec![receive(), review(true), assign(), close("unable-to-reach")],
            S::Closed,
        ),
        (
            "closed member declined",
            vec![receive(), close("member-declined")],
            S::Closed,
        ),
    ];
    for (name, path, want) in cases {
        let state = run(path);
        assert_eq!(
            state
                .as_ref()
                .map(|s| s.status)
                .map_err(ToString::to_string),
            Ok(want),
            "{name}"
        );
    }
}

#[test]
fn illegal_transitions_are_refused_naming_the_status() {
    let cases: Vec<(&str, Vec<C>, &str)> = vec![
        (
            "assign before review",
            vec![receive(), assign()],
            "cannot assign a provider to a referral that is received",
        ),
        (
            "assign when not eligible",
            vec![receive(), review(false), assign()],
            "cannot assign a provider to a referral that is not eligible",
        ),
        (
            "accept unassigned",
            vec![receive(), review(true), accept()],
            "cannot record the provider's acceptance of a referral that is eligibility reviewed",
        ),
        (
            "authorize before acceptance",
            vec![receive(), review(true), assign(), authorize(true, None)],
            "cannot authorize a referral that is assigned to a provider",
        ),
        (
            "start before authorization",
            vec![receive(), review(true), assign(), accept(), start()],
            "cannot start services on a referral that is accepted by the provider",
        ),
        (
            "close twice",
            vec![
                receive(),
                close("member-declined"),
                close("member-declined"),
            ],
            "cannot close a referral that is closed",
        ),
        (
            "close unknown reason",
            vec![receive(), close("lost-paperwork")],
            "closure reason \"lost-paperwork\" is not in the value set",
        ),
        (
            "services received before start",
            vec![
                receive(),
                review(true),
                assign(),
                accept(),
                authorize(true, None),
                close("services-received"),
            ],
            "only after services started",
        ),
        (
            "not authorized without reason",
            vec![
                receive(),
                review(true),
                assign(),
                accept(),
                authorize(false, None),
            ],
            "not-authorized reason is required",
        ),
        (
            "review before receipt",
            vec![review(true)],
            "cannot review eligibility of a referral that is not yet received",
        ),
        (
            "receive twice",
            vec![receive(), receive()],
            "already exists",
        ),
        (
            "unknown POF",
            vec![C::Receive {
                referral_id: "R".into(),
                member_id: "M".into(),
                referrer: Referrer {
                    source: ReferralSource::SelfReferral,
                    id: None,
                    name: None,
                    contact: None,
                },
                program: Program::Ecm,
                claimed_pof: Some("10".into()),
                received_at: ts("2026-11-02T17:00:00Z"),
                actor: actor(),
            }],
            "claimed_pof \"10\"",
        ),
    ];
    for (name, path, want) in cases {
        match run(path) {
            Ok(s) => assert_eq!(format!("accepted: {:?}", s.status), want, "{name}"),
            Err(e) => assert!(e.to_string().contains(want), "{name}: {e}"),
        }
    }
}

#[test]
fn sobering_center_referral_is_not_tracked_for_clr() {
    let state = run(vec![
        receive_for(Program::Cs(CsId::SoberingCenters), "2026-11-02T17:00:00Z"),
        review(true),
        assign(),
    ]);
    let state = state.map_err(|e| e.to_string());
    assert_eq!(state.as_ref().map(|s| s.clr_tracked()), Ok(false));
    let rule = state
        .as_ref()
        .ok()
        .and_then(|s| s.clr.clone())
        .map(|c| (c.rule, c.citation.source));
    assert!(
        rule.as_ref()
            .is_some_and(|(r, c)| r.contains("Sobering Centers") && c.contains("§6.4")),
        "{rule:?}"
    );
    assert_eq!(state.map(|s| clr_notice_duties(&s).len()), Ok(0));
    // Another CS and ECM are tracked.
    for program in [Program::Cs(CsId::Respite), Program::Ecm] {
        let tracked =
            run(vec![receive_for(program, "2026-11-02T17:00:00Z")]).map(|s| s.clr_tracked());
        assert_eq!(tracked.map_err(|e| e.to_string()), Ok(true), "{program:?}");
    }
    // Before the CLR effective date (2025-07-01, Pacific) nothing is tracked.
    let early =
        run(vec![receive_for(Program::Ecm, "2025-07-01T06:59:59Z")]).map(|s| s.clr_tracked());
    assert_eq!(early.map_err(|e| e.to_string()), Ok(false));
    let first_day =
        run(vec![receive_for(Program::Ecm, "2025-07-01T07:00:00Z")]).map(|s| s.clr_tracked());
    assert_eq!(first_day.map_err(|e| e.to_string()), Ok(true));
}

fn referrer_assignment_duty(path: Vec<C>) -> Option<(bool, String)> {
    let state = run(path).ok()?;
    clr_notice_duties(&state)
        .into_iter()
        .find(|d| d.recipient == Recipient::Referrer && d.purpose == NoticePurpose::Assignment)
        .map(|d| (d.satisfied, d.detail))
}

#[test]
fn fax_notice_to_a_referrer_does_not_satisfy_the_electronic_notice_duty() {
    let base = || vec![receive(), review(true), assign()];
    let cases: Vec<(&str, Vec<C>, bool)> = vec![
        ("no notice", base(), false),
        (
            "fax",
            [
                base(),
                vec![to_referrer(NoticePurpose::Assignment, Channel::Fax)],
            ]
            .concat(),
            false,
        ),
        (
            "mail",
            [
                base(),
                vec![to_referrer(NoticePurpose::Assignment, Channel::Mail)],
            ]
            .concat(),
            false,
        ),
        (
            "portal",
            [
                base(),
                vec![to_referrer(NoticePurpose::Assignment, Channel::Portal)],
            ]
            .concat(),
            true,
        ),
        (
            "email",
            [
                base(),
                vec![to_referrer(NoticePurpose::Assignment, Channel::Email)],
            ]
            .concat(),
            true,
        ),
        (
            "fax after agreeing on fax",
            [
                base(),
                vec![
                    C::RecordNoticeAgreement {
                        at: ts("2026-11-04T17:30:00Z"),
                        channel: Channel::Fax,
                        documentation: "signed agreement AG-1".into(),
                        actor: actor(),
                    },
                    to_referrer(NoticePurpose::Assignment, Channel::Fax),
                ],
            ]
            .concat(),
            true,
        ),
        (
            "fax after agreeing on mail",
            [
                base(),
                vec![
                    C::RecordNoticeAgreement {
                        at: ts("2026-11-04T17:30:00Z"),
                        channel: Channel::Mail,
                        documentation: "signed agreement AG-1".into(),
                        actor: actor(),
                    },
                    to_referrer(NoticePurpose::Assignment, Channel::Fax),
                ],
            ]
            .concat(),
            false,
        ),
    ];
    for (name, path, want) in cases {
        let duty = referrer_assignment_duty(path);
        assert_eq!(duty.as_ref().map(|d| d.0), Some(want), "{name}: {duty:?}");
    }
    let fax = referrer_assignment_duty(
        [
            base(),
            vec![to_referrer(NoticePurpose::Assignment, Channel::Fax)],
        ]
        .concat(),
    );
    assert!(fax.is_some_and(|(_, d)| d.contains("fax is not electronic")));
}

#[test]
fn notice_event_records_whether_it_meets_the_electronic_rule() {
    let pack = pack();
    let ctx = Ctx::new(&pack);
    let state = run(vec![receive(), review(true), assign()]).unwrap_or_default();
    let events = referral::decide(
        &state,
        to_referrer(NoticePurpose::Assignment, Channel::Fax),
        &ctx,
    );
    let json = events.ok().and_then(|e| serde_json::to_value(&e).ok());
    assert_eq!(
        json.as_ref()
            .and_then(|j| j.pointer("/0/type"))
            .and_then(|v| v.as_str()),
        Some("notice-recorded")
    );
    assert_eq!(
        json.as_ref()
            .and_then(|j| j.pointer("/0/meets_electronic_rule"))
            .and_then(|v| v.as_bool()),
        Some(false)
    );
}

#[test]
fn self_referral_owes_no_referrer_notices_but_the_member_notice() {
    let self_ref = C::Receive {
        referral_id: "REF-2".into(),
        member_id: "SYN-2".into(),
        referrer: Referrer {
            source: ReferralSource::SelfReferral,
            id: None,
            name: None,
            contact: None,
        },
        program: Program::Ecm,
        claimed_pof: None,
        received_at: ts("2026-11-02T17:00:00Z"),
        actor: actor(),
    };
    let state = run(vec![self_ref, review(true), assign()]).unwrap_or_default();
    let duties = clr_notice_duties(&state);
    assert_eq!(duties.len(), 1);
    assert!(
        duties
            .iter()
            .all(|d| d.recipient == Recipient::Member && !d.satisfied)
    );
}

#[test]
fn closure_records_reason_citation_and_status_closed_from() {
    let state = run(vec![
        receive(),
        review(true),
        assign(),
        accept(),
        authorize(true, None),
        start(),
        close("services-received"),
    ])
    .unwrap_or_default();
    let closure = state.closure.clone();
    assert_eq!(
        closure.as_ref().map(|c| c.reason.as_str()),
        Some("services-received")
    );
    assert_eq!(
        closure.as_ref().map(|c| c.closed_from),
        Some(S::ServicesStarted)
    );
    assert!(closure.is_some_and(|c| c.citation.source.contains("[37]") && !c.citation.unconfirmed));
    // Closed referrers are owed a loop-closure notice.
    assert!(
        clr_notice_duties(&state)
            .iter()
            .any(|d| d.purpose == NoticePurpose::LoopClosure && !d.satisfied)
    );
}

/// Issue #12 defect 5: services started a week after the report's day (California) are refused
/// naming `started_on`, and a loop cannot close as services received before services started.
/// "Today" is the command's fixed time, never the wall clock.
#[test]
fn services_cannot_start_in_the_future_nor_be_received_before_they_start() {
    let base = || {
        vec![
            receive(),
            review(true),
            assign(),
            accept(),
            authorize(true, None),
        ]
    };
    let future = C::StartServices {
        at: ts("2026-11-10T17:00:00Z"),
        started_on: date(2026, 11, 17),
        actor: actor(),
    };
    let mut path = base();
    path.push(future);
    match run(path) {
        Err(WorkflowError::ImpossibleDate { field, date: d, .. }) => {
            assert_eq!((field, d), ("started_on", date(2026, 11, 17)))
        }
        other => unreachable!("expected a refusal, got {other:?}"),
    }
    // 2026-11-11T07:00Z is still Nov 10 in California: "today" is the California date.
    let evening = C::StartServices {
        at: ts("2026-11-11T07:00:00Z"),
        started_on: date(2026, 11, 11),
        actor: actor(),
    };
    let mut path = base();
    path.push(evening);
    assert!(matches!(
        run(path),
        Err(WorkflowError::ImpossibleDate {
            field: "started_on",
            ..
        })
    ));
    // Same day is fine.
    let mut path = base();
    path.push(start());
    assert!(run(path).is_ok());

    // A stored services-started date later than the close (as the old rule let in) refuses
    // closing as services received before that day.
    let mut path = base();
    path.push(start());
    let Ok(mut state) = run(path) else {
        unreachable!("services started");
    };
    state.services_started_on = Some(date(2026, 11, 17));
    let pack = pack();
    match referral::decide(&state, close("services-received"), &Ctx::new(&pack)) {
        Err(
            e @ WorkflowError::ImpossibleDate {
                field: "closed at", ..
            },
        ) => {
            assert!(
                e.to_string()
                    .contains("before services started on 2026-11-17"),
                "{e}"
            )
        }
        other => unreachable!("expected a refusal, got {other:?}"),
    }
}

/// Issue #12 defect 7: the domain refuses ids and texts past their rule whoever calls it (API,
/// UI, CLI), naming the field.
#[test]
fn ids_and_texts_past_their_rule_are_refused_by_the_domain() {
    let with = |edit: &dyn Fn(&mut C)| {
        let mut c = receive();
        edit(&mut c);
        run(vec![c])
    };
    type Edit = Box<dyn Fn(&mut C)>;
    let cases: Vec<(Edit, &str)> = vec![
        (
            Box::new(|c| {
                if let C::Receive { member_id, .. } = c {
                    *member_id = "../../etc/passwd".into();
                }
            }),
            "member_id",
        ),
        (
            Box::new(|c| {
                if let C::Receive { referral_id, .. } = c {
                    *referral_id = "R".repeat(900_000);
                }
            }),
            "referral_id",
        ),
        (
            Box::new(|c| {
                if let C::Receive { referrer, .. } = c {
                    referrer.name = Some("CBO\u{1b}[2J".into());
                }
            }),
            "referrer.name",
        ),
    ];
    for (edit, field) in cases {
        match with(&*edit) {
            Err(WorkflowError::InvalidText { field: f, .. }) => assert_eq!(f, field),
            other => unreachable!("{field}: expected a refusal, got {other:?}"),
        }
    }
    let mut path = vec![receive(), review(false)];
    path.push(C::Close {
        at: ts("2026-11-12T17:00:00Z"),
        reason: "not-eligible".into(),
        note: Some("note\u{0}".into()),
        actor: actor(),
    });
    assert!(matches!(
        run(path),
        Err(WorkflowError::InvalidText { field: "note", .. })
    ));
}
