//! Members: the determination is computed in `decide` on the local (America/Los_Angeles) date and
//! carried in the event; new facts re-determine it; a recompute with the same result yields no
//! event; invalid input is refused naming the field. Synthetic data only.

#[path = "support/workflow.rs"]
mod support;

use careloop_domain::eligibility::{IndicatorKind, MemberFacts, Outcome, determine};
use careloop_domain::workflow::member::{
    self, Demographics, MemberCommand as C, MemberEvent as E, MemberState, MemberStatus,
    same_result,
};
use careloop_domain::workflow::{Ctx, WorkflowError};
use jiff::civil::date;
use support::*;

fn example(name: &str) -> MemberFacts {
    let text = match name {
        "pof-1a-adult" => include_str!("../../../examples/members/pof-1a-adult.json"),
        "undetermined" => include_str!("../../../examples/members/undetermined.json"),
        other => unreachable!("no example {other}"),
    };
    match serde_json::from_str(text) {
        Ok(f) => f,
        Err(e) => unreachable!("example {name} must parse: {e}"),
    }
}

fn register(facts: MemberFacts, at: &str) -> C {
    C::Register {
        member_id: "SYN-1A-001".into(),
        plan: Some("alameda-alliance".into()),
        county: Some("Alameda".into()),
        demographics: Demographics {
            given_name: "Testa".parse().ok(),
            family_name: "Synthetic".parse().ok(),
            preferred_language: "es".parse().ok(),
            ..Demographics::default()
        },
        cin: Some("SYN00000001A".into()),
        facts,
        at: ts(at),
        actor: actor(),
    }
}

fn run(state: &MemberState, command: C) -> Result<(MemberState, Vec<E>), WorkflowError> {
    let pack = pack();
    let events = member::decide(state, command, &Ctx::new(&pack))?;
    let next = events.iter().fold(state.clone(), member::apply);
    Ok((next, events))
}

fn registered() -> Result<MemberState, WorkflowError> {
    // 05:30Z on Nov 23 is still Nov 22 in Los Angeles.
    let (state, _) = run(
        &MemberState::default(),
        register(example("pof-1a-adult"), "2026-11-23T05:30:00Z"),
    )?;
    Ok(state)
}

#[test]
fn register_determines_on_the_los_angeles_date_and_carries_it() -> Result<(), WorkflowError> {
    let pack = pack();
    let facts = example("pof-1a-adult");
    let (state, events) = run(
        &MemberState::default(),
        register(facts.clone(), "2026-11-23T05:30:00Z"),
    )?;
    let [E::Registered { determination, .. }] = events.as_slice() else {
        unreachable!("one registered event, got {events:?}");
    };
    assert_eq!(
        determination.as_of,
        date(2026, 11, 22),
        "local date, not UTC"
    );
    assert_eq!(determination, &determine(&facts, date(2026, 11, 22), &pack));
    assert_eq!(determination.policy_version, pack.version());
    assert_eq!(
        determination.population("1a").map(|p| p.status),
        Some(Outcome::Met)
    );
    assert_eq!(state.status, MemberStatus::Active);
    assert_eq!(
        state.facts, facts,
        "birth date and enrollment live in facts"
    );
    let stored = state.determination.as_ref().map(|d| &d.determination);
    assert_eq!(stored, Some(determination));
    assert_eq!(state.determination_as_of(), Some(date(2026, 11, 22)));
    assert_eq!(state.demographics.preferred_language.as_deref(), Some("es"));
    Ok(())
}

#[test]
fn new_facts_redetermine_and_the_event_carries_the_result() -> Result<(), WorkflowError> {
    let state = registered()?;
    let mut facts = example("pof-1a-adult");
    facts
        .indicators
        .retain(|i| i.kind != IndicatorKind::Homelessness);
    let (next, events) = run(
        &state,
        C::RecordFacts {
            facts: facts.clone(),
            at: ts("2026-11-24T18:00:00Z"),
            actor: actor(),
        },
    )?;
    let [E::FactsRecorded { determination, .. }] = events.as_slice() else {
        unreachable!("one facts-recorded event, got {events:?}");
    };
    assert_eq!(determination.as_of, date(2026, 11, 24));
    assert_ne!(
        determination.population("1a").map(|p| p.status),
        Some(Outcome::Met),
        "without homelessness POF 1a is no longer met"
    );
    assert_eq!(next.facts, facts);
    assert_eq!(
        next.determination.as_ref().map(|d| &d.determination),
        Some(determination)
    );
    assert_eq!(
        next.determination.as_ref().map(|d| d.computed_at),
        Some(ts("2026-11-24T18:00:00Z"))
    );
    Ok(())
}

#[test]
fn replay_uses_the_carried_determination_never_a_newer_engine() -> Result<(), WorkflowError> {
    let pack = pack();
    let facts = example("pof-1a-adult");
    let mut events = member::decide(
        &MemberState::default(),
        register(facts, "2026-11-23T05:30:00Z"),
        &Ctx::new(&pack),
    )?;
    // Pretend the event was written under an older policy version.
    if let Some(E::Registered { determination, .. }) = events.first_mut() {
        determination.policy_version = "older-pack".into();
    }
    let state = member::replay(&events);
    assert_eq!(
        state
            .determination
            .as_ref()
            .map(|d| d.determination.policy_version.as_str()),
        Some("older-pack")
    );
    Ok(())
}

#[test]
fn recompute_with_the_same_result_yields_nothing() -> Result<(), WorkflowError> {
    let state = registered()?;
    for as_of in [date(2026, 11, 22), date(2026, 11, 25)] {
        let (next, events) = run(
            &state,
            C::Recompute {
                as_of,
                at: ts("2026-11-25T18:00:00Z"),
                actor: actor(),
            },
        )?;
        assert!(events.is_empty(), "{as_of}: {events:?}");
        assert_eq!(next, state);
    }
    Ok(())
}

#[test]
fn recompute_with_a_changed_result_is_stored_and_can_disenroll() -> Result<(), WorkflowError> {
    let mut facts = example("pof-1a-adult");
    for span in &mut facts.enrollments {
        span.end = Some(date(2026, 12, 31));
    }
    let (state, _) = run(
        &MemberState::default(),
        register(facts, "2026-11-23T05:30:00Z"),
    )?;
    assert_eq!(state.status, MemberStatus::Active);
    let (next, events) = run(
        &state,
        C::Recompute {
            as_of: date(2027, 1, 15),
            at: ts("2027-01-15T18:00:00Z"),
            actor: actor(),
        },
    )?;
    let [E::EligibilityRecomputed { determination, .. }] = events.as_slice() else {
        unreachable!("one recomputed event, got {events:?}");
    };
    assert_eq!(determination.as_of, date(2027, 1, 15));
    assert_eq!(determination.ecm_eligible, Some(false), "not enrolled");
    assert_eq!(next.status, MemberStatus::Disenrolled);
    assert_eq!(next.determination_as_of(), Some(date(2027, 1, 15)));
    Ok(())
}

#[test]
fn same_result_ignores_id_date_and_version_but_not_outcomes() {
    let pack = pack();
    let a = determine(&example("pof-1a-adult"), date(2026, 11, 22), &pack);
    let mut b = determine(&example("pof-1a-adult"), date(2026, 11, 23), &pack);
    b.policy_version = "another".into();
    assert!(same_result(&a, &b));
    let c = determine(&example("undetermined"), date(2026, 11, 22), &pack);
    assert!(!same_result(&a, &c));
}

/// A stored determination of another policy version is served without its traces and missing
/// facts (issue #15 compact records): its outcomes decide, so a member whose outcomes are the
/// same under a new policy version is not a change; other outcomes still are.
#[test]
fn same_result_compares_missing_facts_only_when_both_are_known() {
    let pack = pack();
    let facts = example("undetermined");
    let full = determine(&facts, date(2026, 11, 22), &pack);
    assert!(!full.missing_facts.is_empty());
    let mut summary = full.summary();
    summary.policy_version = "an older version".into();
    let served = summary.expand(&facts, &pack);
    assert!(served.missing_facts.is_empty() && !served.has_traces());
    assert!(same_result(&served, &full));
    let mut fewer = full.clone();
    fewer.missing_facts.clear();
    assert!(!same_result(&full, &fewer), "both known: compared");
    let other = determine(&example("pof-1a-adult"), date(2026, 11, 22), &pack);
    assert!(!same_result(&served, &other));
}

#[test]
fn invalid_input_is_refused_naming_the_field() -> Result<(), WorkflowError> {
    let blank_id = C::Register {
        member_id: "  ".into(),
        plan: None,
        county: None,
        demographics: Demographics::default(),
        cin: None,
        facts: MemberFacts::default(),
        at: ts("2026-11-23T18:00:00Z"),
        actor: actor(),
    };
    let mut blank_county = register(example("pof-1a-adult"), "2026-11-23T18:00:00Z");
    if let C::Register { county, .. } = &mut blank_county {
        *county = Some(" ".into());
    }
    let mut unknown_plan = register(example("pof-1a-adult"), "2026-11-23T18:00:00Z");
    if let C::Register { plan, .. } = &mut unknown_plan {
        *plan = Some("no-such-plan".into());
    }
    let mut other_member = example("pof-1a-adult");
    other_member.member_id = Some("SYN-OTHER".into());
    let mut backwards = example("pof-1a-adult");
    for span in &mut backwards.enrollments {
        span.end = Some(date(2023, 1, 1));
    }
    let mut bad_indicator = example("pof-1a-adult");
    for i in &mut bad_indicator.indicators {
        i.end = Some(date(2020, 1, 1));
    }
    let fresh = MemberState::default();
    let cases: Vec<(C, &str)> = vec![
        (blank_id, "member_id"),
        (blank_county, "county"),
        (unknown_plan, "plan"),
        (
            register(other_member, "2026-11-23T18:00:00Z"),
            "facts.member_id",
        ),
        (
            register(backwards, "2026-11-23T18:00:00Z"),
            "facts.enrollments",
        ),
        (
            register(bad_indicator, "2026-11-23T18:00:00Z"),
            "facts.indicators",
        ),
    ];
    for (command, field) in cases {
        match run(&fresh, command) {
            Err(WorkflowError::EmptyField { field: f }) => assert_eq!(f, field),
            Err(WorkflowError::FactMismatch { fact, .. }) => assert_eq!(fact, field),
            Err(WorkflowError::InvalidPeriod { field: f, .. }) => assert_eq!(f, field),
            Err(WorkflowError::Facts(e)) => {
                assert!(format!("facts.{}", e.field()).starts_with(field), "{e}")
            }
            Err(WorkflowError::UnknownPlan { plan, .. }) => {
                assert_eq!((field, plan.as_str()), ("plan", "no-such-plan"))
            }
            other => unreachable!("{field}: expected a refusal, got {other:?}"),
        }
    }
    Ok(())
}

#[test]
fn transitions_need_a_registered_member_and_register_once() -> Result<(), WorkflowError> {
    let fresh = MemberState::default();
    let facts_first = C::RecordFacts {
        facts: MemberFacts::default(),
        at: ts("2026-11-23T18:00:00Z"),
        actor: actor(),
    };
    assert!(matches!(
        run(&fresh, facts_first),
        Err(WorkflowError::IllegalTransition { .. })
    ));
    let state = registered()?;
    assert!(matches!(
        run(
            &state,
            register(example("pof-1a-adult"), "2026-11-24T18:00:00Z")
        ),
        Err(WorkflowError::AlreadyExists { .. })
    ));
    let earlier = C::UpdateDemographics {
        demographics: Demographics::default(),
        at: ts("2026-11-01T18:00:00Z"),
        actor: actor(),
    };
    assert!(matches!(
        run(&state, earlier),
        Err(WorkflowError::TimeBeforePrevious { .. })
    ));
    let (next, events) = run(
        &state,
        C::UpdateDemographics {
            demographics: Demographics {
                phone: "555-0100".parse().ok(),
                ..Demographics::default()
            },
            at: ts("2026-11-24T18:00:00Z"),
            actor: actor(),
        },
    )?;
    assert_eq!(events.len(), 1);
    assert_eq!(next.demographics.phone.as_deref(), Some("555-0100"));
    assert_eq!(
        next.demographics.given_name, None,
        "demographics are replaced"
    );
    assert_eq!(next.determination, state.determination, "facts untouched");
    Ok(())
}

#[test]
fn state_and_events_round_trip_as_json() -> Result<(), Box<dyn std::error::Error>> {
    let pack = pack();
    let events = member::decide(
        &MemberState::default(),
        register(example("pof-1a-adult"), "2026-11-23T05:30:00Z"),
        &Ctx::new(&pack),
    )?;
    let json = serde_json::to_value(&events)?;
    assert_eq!(json[0]["type"], "registered");
    assert_eq!(json[0]["facts"]["birth_date"], "1980-03-15");
    let back: Vec<E> = serde_json::from_value(json)?;
    assert_eq!(back, events);
    let state = member::replay(&events);
    let json = serde_json::to_value(&state)?;
    assert_eq!(json["status"], "active");
    assert!(
        json["facts"]["enrollments"].is_array(),
        "contract: field `facts`"
    );
    let back: MemberState = serde_json::from_value(json)?;
    assert_eq!(back, state);
    Ok(())
}

/// Issue #12 defects 5–7: facts that cannot be true on the registration's local date are
/// refused naming the field: a birth date after it (2999-01-01), an enrollment span in a plan
/// the pack does not know, a span that ends before it starts, an id that is a path.
#[test]
fn facts_that_cannot_be_true_are_refused_naming_the_field() {
    let mut future_birth = example("pof-1a-adult");
    future_birth.birth_date = Some(date(2999, 1, 1));
    // Born the day after the local registration date (Nov 22 in Los Angeles).
    let mut born_tomorrow = example("pof-1a-adult");
    born_tomorrow.birth_date = Some(date(2026, 11, 23));
    let mut unknown_plan = example("pof-1a-adult");
    for span in &mut unknown_plan.enrollments {
        span.plan = "hpms".into();
    }
    let mut path_id = example("pof-1a-adult");
    path_id.member_id = None;
    for ind in &mut path_id.indicators {
        ind.id = Some("../../etc/passwd".into());
    }
    let mut esc_detail = example("pof-1a-adult");
    for ind in &mut esc_detail.indicators {
        ind.detail = Some("synthetic\u{1b}[2J".into());
    }
    let cases: Vec<(MemberFacts, &str, &str)> = vec![
        (
            future_birth,
            "birth_date",
            "2999-01-01 is after the as-of date 2026-11-22",
        ),
        (
            born_tomorrow,
            "birth_date",
            "2026-11-23 is after the as-of date 2026-11-22",
        ),
        (unknown_plan, "enrollments[0].plan", "known plans: "),
        (path_id, "indicators[0].id", "'/'"),
        (esc_detail, "indicators[0].detail", "U+001B"),
    ];
    for (facts, field, words) in cases {
        match run(
            &MemberState::default(),
            register(facts, "2026-11-23T05:30:00Z"),
        ) {
            Err(WorkflowError::Facts(e)) => {
                assert_eq!(e.field(), field);
                let message = WorkflowError::Facts(e).to_string();
                assert!(message.starts_with(&format!("facts.{field}")), "{message}");
                assert!(message.contains(words), "{message}");
            }
            other => unreachable!("{field}: expected a refusal, got {other:?}"),
        }
    }
    // The same facts with a birth date on the registration day are accepted.
    let mut born_today = example("pof-1a-adult");
    born_today.birth_date = Some(date(2026, 11, 22));
    assert!(
        run(
            &MemberState::default(),
            register(born_today, "2026-11-23T05:30:00Z")
        )
        .is_ok()
    );
}
