//! ECM enrollment: legal and illegal transitions, conflicts (hospice, PACE, CCM, CCT, 1915(c)
//! waiver) blocking enrollment with the rule shown from the eligibility determination, HPSM
//! initial 12-month and 6-month re-authorization periods, discontinuation value set.

#[path = "support/eligibility.rs"]
mod elig;
#[path = "support/workflow.rs"]
mod support;

use careloop_domain::eligibility::{Determination, IndicatorKind, MemberFacts, determine};
use careloop_domain::workflow::ecm::{
    self, Assessment, ContactMode, CoreService, CoreServiceActivity, DomainAnswer, EcmCommand as C,
    EcmEnrollmentState, EnrollmentStatus as S, OutreachAttempt, StaffType,
};
use careloop_domain::workflow::{Channel, Ctx, WorkflowError};
use jiff::civil::{Date, date};
use support::*;

const START: Date = date(2026, 11, 22);

fn open() -> C {
    C::Open {
        enrollment_id: "ENR-1".into(),
        member_id: "SYN-TEST".into(),
        plan: Some("hpsm".into()),
        provider_id: "ECM-PROV-1".into(),
        at: ts("2026-11-02T17:00:00Z"),
        actor: actor(),
    }
}
fn outreach(reached: bool) -> C {
    C::RecordOutreachAttempt {
        at: ts("2026-11-05T18:00:00Z"),
        attempt: OutreachAttempt {
            date: date(2026, 11, 5),
            channel: Channel::Phone,
            mode: ContactMode::Telephonic,
            staff: StaffType::NonClinical,
            reached,
            actor: actor(),
        },
    }
}
fn enroll() -> C {
    C::Enroll {
        at: ts("2026-11-22T18:00:00Z"),
        start: START,
        authorization_id: "REQ-1".into(),
        lead_care_manager: "LCM-7".into(),
        actor: actor(),
    }
}
fn activity(service: CoreService) -> C {
    C::RecordCoreServiceActivity {
        at: ts("2026-12-01T18:00:00Z"),
        activity: CoreServiceActivity {
            service,
            date: date(2026, 12, 1),
            description: "synthetic activity".into(),
            actor: actor(),
        },
    }
}
fn reauthorize(start: Date) -> C {
    C::Reauthorize {
        at: ts("2027-11-01T18:00:00Z"),
        start,
        authorization_id: "REQ-2".into(),
        actor: actor(),
    }
}
fn discontinue(reason: &str) -> C {
    C::Discontinue {
        at: ts("2027-01-10T18:00:00Z"),
        on: date(2027, 1, 10),
        reason: reason.into(),
        note: None,
        actor: actor(),
    }
}

fn hpsm_member() -> MemberFacts {
    let mut facts = elig::adult();
    facts.enrollments = vec![elig::medi_cal("hpsm")];
    facts
}

fn determination(facts: &MemberFacts, as_of: Date) -> Determination {
    determine(facts, as_of, &pack())
}

fn run_with(path: Vec<C>, det: &Determination) -> Result<EcmEnrollmentState, WorkflowError> {
    let pack = pack();
    let ctx = Ctx::new(&pack).with_determination(det);
    let mut state = EcmEnrollmentState::default();
    for cmd in path {
        let events = ecm::decide(&state, cmd, &ctx)?;
        state = events.iter().fold(state, ecm::apply);
    }
    Ok(state)
}

fn run(path: Vec<C>) -> Result<EcmEnrollmentState, WorkflowError> {
    run_with(path, &determination(&hpsm_member(), START))
}

#[test]
fn every_legal_transition_reaches_its_status() {
    let cases: Vec<(&str, Vec<C>, S)> = vec![
        ("open", vec![open()], S::Outreach),
        (
            "outreach not reached",
            vec![open(), outreach(false)],
            S::Outreach,
        ),
        (
            "enroll",
            vec![open(), outreach(true), enroll()],
            S::Enrolled,
        ),
        (
            "lead care manager",
            vec![
                open(),
                enroll(),
                C::AssignLeadCareManager {
                    at: ts("2026-12-01T18:00:00Z"),
                    person_id: "LCM-8".into(),
                    actor: actor(),
                },
            ],
            S::Enrolled,
        ),
        (
            "core service activity",
            vec![open(), enroll(), activity(CoreService::HealthPromotion)],
            S::Enrolled,
        ),
        (
            "reauthorize",
            vec![open(), enroll(), reauthorize(date(2027, 11, 22))],
            S::Enrolled,
        ),
        (
            "discontinue enrolled",
            vec![open(), enroll(), discontinue("member-declined")],
            S::Discontinued,
        ),
        (
            "discontinue in outreach",
            vec![open(), outreach(false), discontinue("unable-to-reach")],
            S::Discontinued,
        ),
    ];
    for (name, path, want) in cases {
        assert_eq!(
            run(path).map(|s| s.status).map_err(|e| e.to_string()),
            Ok(want),
            "{name}"
        );
    }
}

#[test]
fn illegal_transitions_are_refused_naming_the_status() {
    let cases: Vec<(&str, Vec<C>, &str)> = vec![
        (
            "enroll before open",
            vec![enroll()],
            "cannot enroll an enrollment that is not yet opened",
        ),
        (
            "enroll twice",
            vec![open(), enroll(), enroll()],
            "cannot enroll an enrollment that is enrolled",
        ),
        (
            "activity in outreach",
            vec![open(), activity(CoreService::HealthPromotion)],
            "cannot record a core service activity on an enrollment that is in outreach",
        ),
        (
            "reauthorize in outreach",
            vec![open(), reauthorize(date(2027, 11, 22))],
            "cannot re-authorize an enrollment that is in outreach",
        ),
        (
            "outreach after discontinuation",
            vec![open(), discontinue("member-declined"), outreach(true)],
            "cannot record an outreach attempt on an enrollment that is discontinued",
        ),
        (
            "discontinue twice",
            vec![
                open(),
                discontinue("member-declined"),
                discontinue("member-declined"),
            ],
            "cannot discontinue an enrollment that is discontinued",
        ),
        (
            "unknown discontinuation reason",
            vec![open(), discontinue("bored")],
            "discontinuation reason \"bored\" is not in the value set",
        ),
        ("open twice", vec![open(), open()], "already exists"),
    ];
    for (name, path, want) in cases {
        match run(path) {
            Ok(s) => assert_eq!(format!("accepted: {:?}", s.status), want, "{name}"),
            Err(e) => assert!(e.to_string().contains(want), "{name}: {e}"),
        }
    }
}

#[test]
fn conflicting_programs_block_enrollment_with_the_rule_shown() {
    let cases = [
        (IndicatorKind::Hospice, "exclusion.hospice"),
        (IndicatorKind::Pace, "exclusion.pace"),
        (IndicatorKind::Ccm, "exclusion.ccm"),
        (IndicatorKind::Cct, "exclusion.cct"),
        (IndicatorKind::Waiver1915c, "exclusion.waiver_1915c"),
    ];
    for (kind, rule) in cases {
        let facts = elig::with(hpsm_member(), vec![elig::ind(kind, date(2026, 11, 10))]);
        let det = determination(&facts, START);
        let expected = det
            .exclusion(rule)
            .map(|t| t.citation.source.clone())
            .unwrap_or_default();
        let result = run_with(vec![open(), enroll()], &det);
        assert!(
            matches!(&result, Err(WorkflowError::EnrollmentBlocked { rules })
                if rules.iter().any(|r| r.starts_with(rule) && r.contains(&expected))),
            "{rule}: {:?}",
            result.map(|s| s.status)
        );
    }
}

#[test]
fn hpsm_d_snp_member_is_blocked_by_the_plan_line_of_business_rule() {
    let mut facts = hpsm_member();
    facts.enrollments = vec![careloop_domain::eligibility::EnrollmentSpan {
        line_of_business: "d-snp".into(),
        ..elig::medi_cal("hpsm")
    }];
    let det = determine(&facts, START, &elig::pack());
    let err = run_with(vec![open(), enroll()], &det)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("exclusion.plan_line_of_business"), "{err}");
}

#[test]
fn unknown_exclusion_facts_leave_enrollment_undetermined_naming_them() {
    let mut facts = hpsm_member();
    facts.indicators.clear();
    let det = determination(&facts, START);
    let result = run_with(vec![open(), enroll()], &det);
    assert!(
        matches!(&result, Err(WorkflowError::EnrollmentUndetermined { missing }) if !missing.is_empty()),
        "{:?}",
        result.map(|s| s.status)
    );
}

#[test]
fn determination_must_be_as_of_the_enrollment_start() {
    let det = determination(&hpsm_member(), date(2026, 11, 1));
    let err = run_with(vec![open(), enroll()], &det).err();
    assert!(
        matches!(
            err,
            Some(WorkflowError::FactMismatch {
                fact: "determination.as_of",
                ..
            })
        ),
        "{err:?}"
    );
}

#[test]
fn ecm_initial_12_months_then_reauthorization_6_months_hpsm_overlay() {
    let state = run(vec![open(), enroll(), reauthorize(date(2027, 11, 22))]).unwrap_or_default();
    let spans: Vec<(Date, Date, Option<u32>)> = state
        .periods
        .iter()
        .map(|p| (p.start, p.through, p.months))
        .collect();
    assert_eq!(
        spans,
        vec![
            (date(2026, 11, 22), date(2027, 11, 21), Some(12)),
            (date(2027, 11, 22), date(2028, 5, 21), Some(6)),
        ]
    );
    assert_eq!(state.reauthorization_due(), Some(date(2028, 5, 21)));
    assert!(state.periods.iter().all(|p| {
        p.citation
            .as_ref()
            .is_some_and(|c| c.source.contains("seed 003"))
    }));
    assert!(
        state
            .exclusion_check
            .is_some_and(|c| c.rules_checked.iter().any(|r| r == "exclusion.hospice"))
    );
}

#[test]
fn outreach_attempts_count_whether_or_not_they_reach_the_member() {
    let state = run(vec![
        open(),
        outreach(false),
        outreach(false),
        outreach(true),
    ])
    .unwrap_or_default();
    assert_eq!(state.outreach.len(), 3);
    assert_eq!(state.outreach.iter().filter(|a| a.reached).count(), 1);
}

#[test]
fn each_of_the_seven_core_services_records_activities() {
    let mut path = vec![open(), enroll()];
    path.extend(CoreService::ALL.into_iter().map(activity));
    let state = run(path).unwrap_or_default();
    for service in CoreService::ALL {
        assert!(
            state.activities.iter().any(|a| a.service == service),
            "{service:?}"
        );
    }
}

/// Issue #12 defect 5: dates that cannot be true are refused naming the field. What happened
/// (an outreach attempt, an activity) cannot be after the command's California date; what is
/// scheduled (enrollment start, re-authorization start, discontinuation) may be at most 90 days
/// ahead; an enrollment cannot be discontinued before it was opened.
#[test]
fn dates_that_cannot_be_true_are_refused() {
    let attempt_on = |day: Date| C::RecordOutreachAttempt {
        at: ts("2026-11-05T18:00:00Z"),
        attempt: OutreachAttempt {
            date: day,
            channel: Channel::Phone,
            mode: ContactMode::Telephonic,
            staff: StaffType::NonClinical,
            reached: false,
            actor: actor(),
        },
    };
    let enroll_from = |start: Date| C::Enroll {
        at: ts("2026-11-22T18:00:00Z"),
        start,
        authorization_id: "REQ-1".into(),
        lead_care_manager: "LCM-7".into(),
        actor: actor(),
    };
    let discontinue_on = |on: Date| C::Discontinue {
        at: ts("2026-11-10T18:00:00Z"),
        on,
        reason: "member-declined".into(),
        note: None,
        actor: actor(),
    };
    let far = date(2027, 2, 21); // 91 days after 2026-11-22
    let cases: Vec<(Vec<C>, &str, Date)> = vec![
        (
            vec![open(), attempt_on(date(2027, 11, 5))],
            "date",
            date(2027, 11, 5),
        ),
        (
            vec![open(), attempt_on(date(2026, 11, 6))],
            "date",
            date(2026, 11, 6),
        ),
        (
            vec![open(), enroll(), activity_on(date(2026, 12, 2))],
            "date",
            date(2026, 12, 2),
        ),
        (vec![open(), outreach(true), enroll_from(far)], "start", far),
        (
            vec![open(), enroll(), reauthorize(date(2028, 3, 1))],
            "start",
            date(2028, 3, 1),
        ),
        (
            vec![open(), discontinue_on(date(2026, 10, 1))],
            "on",
            date(2026, 10, 1),
        ),
        (
            vec![open(), discontinue_on(date(2027, 3, 1))],
            "on",
            date(2027, 3, 1),
        ),
    ];
    for (path, field, day) in cases {
        match run(path) {
            Err(e @ WorkflowError::ImpossibleDate { .. }) => {
                let WorkflowError::ImpossibleDate {
                    field: f, date: d, ..
                } = &e
                else {
                    unreachable!();
                };
                assert_eq!((*f, *d), (field, day), "{e}");
            }
            other => unreachable!("{field} {day}: expected a refusal, got {other:?}"),
        }
    }
    // Within the tolerance: an attempt today, an enrollment start 90 days ahead.
    let ninety = date(2027, 2, 20);
    let state = run_with(
        vec![open(), attempt_on(date(2026, 11, 5)), enroll_from(ninety)],
        &determination(&hpsm_member(), ninety),
    );
    assert!(state.is_ok(), "{state:?}");
}

fn activity_on(day: Date) -> C {
    C::RecordCoreServiceActivity {
        at: ts("2026-12-01T18:00:00Z"),
        activity: CoreServiceActivity {
            service: CoreService::HealthPromotion,
            date: day,
            description: "synthetic activity".into(),
            actor: actor(),
        },
    }
}

/// Issue #14 item 9: "they cannot be enrolled in ECM and a 1915(c) waiver program at the same
/// time" (seed 003). Enrollment is refused while a waiver span is open on the start date, naming
/// the waiver; a span that ended before the start does not block.
#[test]
fn open_1915c_waiver_span_refuses_enrollment_naming_the_waiver() {
    use careloop_domain::eligibility::{Indicator, WaiverProgram};
    let waiver = |end: Option<Date>| Indicator {
        waiver: Some(WaiverProgram::Alw),
        end,
        ..elig::ind(IndicatorKind::Waiver1915c, date(2026, 3, 1))
    };
    let mut facts = hpsm_member();
    facts
        .indicators
        .retain(|i| i.kind != IndicatorKind::Waiver1915c);
    let open_span = elig::with(facts.clone(), vec![waiver(None)]);
    let err = run_with(vec![open(), enroll()], &determination(&open_span, START))
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.contains("exclusion.waiver_1915c")
            && err.contains("Assisted Living Waiver (ALW), from 2026-03-01 (open)"),
        "{err}"
    );
    let through_start = elig::with(facts.clone(), vec![waiver(Some(START))]);
    let err = run_with(
        vec![open(), enroll()],
        &determination(&through_start, START),
    )
    .err()
    .map(|e| e.to_string())
    .unwrap_or_default();
    assert!(
        err.contains("(ALW), from 2026-03-01 (through 2026-11-22)"),
        "{err}"
    );
    let ended = elig::with(facts, vec![waiver(Some(date(2026, 11, 21)))]);
    let state = run_with(vec![open(), enroll()], &determination(&ended, START));
    assert_eq!(state.map(|s| s.status).ok(), Some(S::Enrolled));
}

fn assessment(answers: &[(&str, Date, &str)]) -> C {
    C::RecordAssessment {
        at: ts("2026-12-01T18:00:00Z"),
        assessment: Assessment {
            assessment_id: "ASMT-1".into(),
            started: date(2026, 11, 23),
            completed: None,
            answers: answers
                .iter()
                .map(|(domain, answered_on, answer)| DomainAnswer {
                    domain: (*domain).into(),
                    answered_on: *answered_on,
                    answer: (*answer).into(),
                })
                .collect(),
        },
        actor: actor(),
    }
}

#[test]
fn a_structured_assessment_records_dated_answers_by_the_packs_domains() {
    // The pack names the domains of CALAIM.md §2.7 core service 2 [12], cited.
    let codes: Vec<String> = pack()
        .workflow
        .assessment_domains
        .iter()
        .map(|d| d.value.code.clone())
        .collect();
    assert_eq!(codes.len(), 8, "{codes:?}");
    assert!(
        pack()
            .workflow
            .assessment_domains
            .iter()
            .all(|d| d.source.contains("[12]"))
    );
    let state = run(vec![
        open(),
        enroll(),
        assessment(&[
            (
                "physical-health",
                date(2026, 11, 23),
                "diabetes, no PCP visit",
            ),
            ("social-drivers", date(2026, 12, 1), "behind on rent"),
        ]),
    ])
    .unwrap_or_else(|e| unreachable!("{e}"));
    let answers = &state.assessments[0].answers;
    assert_eq!(answers.len(), 2);
    assert_eq!(answers[1].domain, "social-drivers");
    assert_eq!(answers[1].answered_on, date(2026, 12, 1));
    // Recording the same assessment again replaces its answers (a revision).
    let state = run(vec![
        open(),
        enroll(),
        assessment(&[("physical-health", date(2026, 11, 23), "first")]),
        assessment(&[
            ("physical-health", date(2026, 11, 23), "first"),
            ("oral-health", date(2026, 11, 30), "no dentist in 3 years"),
        ]),
    ])
    .unwrap_or_else(|e| unreachable!("{e}"));
    assert_eq!(state.assessments.len(), 1);
    assert_eq!(state.assessments[0].answers.len(), 2);

    let refused = |answers: &[(&str, Date, &str)]| {
        run(vec![open(), enroll(), assessment(answers)])
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    };
    let unknown = refused(&[("housing", date(2026, 11, 23), "x")]);
    assert!(
        unknown.contains("\"housing\"") && unknown.contains("physical-health"),
        "{unknown}"
    );
    let twice = refused(&[
        ("oral-health", date(2026, 11, 23), "x"),
        ("oral-health", date(2026, 11, 24), "y"),
    ]);
    assert!(twice.contains("more than once"), "{twice}");
    let future = refused(&[("oral-health", date(2026, 12, 2), "x")]);
    assert!(future.contains("after today"), "{future}");
    let before_start = refused(&[("oral-health", date(2026, 11, 22), "x")]);
    assert!(
        before_start.contains("assessment's start"),
        "{before_start}"
    );
    let empty = refused(&[("oral-health", date(2026, 11, 23), "  ")]);
    assert!(empty.contains("required"), "{empty}");
}
