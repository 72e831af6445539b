//! Community Supports counters at their boundaries: respite hours, lifetime dollars, housing
//! deposits (CALAIM.md §3.2–§3.3). Synthetic data only.

use careloop_domain::cs_limits::{Outcome, check};
use serde_json::{Value, json};

#[path = "support/cs_limits.rs"]
mod support;
use support::*;

fn exception(kind: &str, documentation: &str) -> Value {
    json!({ "kind": kind, "documentation": documentation })
}

#[test]
fn respite_336_hours_per_calendar_year_boundary() -> TestResult {
    let history = json!([with(
        item("r1", "respite", "hpsm", "2026-01-05", "2026-03-31"),
        "hours",
        json!(300)
    )]);
    for (hours, expected) in [
        (35, Outcome::Allowed),
        (36, Outcome::Allowed),
        (37, Outcome::Denied),
    ] {
        let p = with(
            proposal("respite", "2026-06-01", "2026-06-30"),
            "hours",
            json!(hours),
        );
        let d = decide(history.clone(), p)?;
        assert_eq!(d.outcome, expected, "300 + {hours} hours: {}", d.message);
        assert_eq!(d.rules.len(), 1);
        assert_eq!(
            d.rules.first().map(|r| r.evidence.clone()),
            Some(vec!["r1".to_string()])
        );
    }
    Ok(())
}

#[test]
fn respite_message_names_used_requested_and_remaining() -> TestResult {
    let history = json!([with(
        item("r1", "respite", "hpsm", "2026-01-05", "2026-03-31"),
        "hours",
        json!(210)
    )]);
    let p = with(
        proposal("respite", "2026-06-01", "2026-06-30"),
        "hours",
        json!(40),
    );
    let d = decide(history, p)?;
    assert_eq!(d.outcome, Outcome::Allowed);
    assert_eq!(
        d.message,
        "210 of 336 respite hours used in 2026; 40 more requested; 86 remain."
    );
    let json = serde_json::to_value(&d)?;
    assert_eq!(json["outcome"], "allowed");
    assert_eq!(json["rules"][0]["rule"], "respite-hours-per-calendar-year");
    assert_eq!(json["rules"][0]["unit"], "hours");
    assert_eq!(json["rules"][0]["used"], 210);
    assert_eq!(json["rules"][0]["remaining"], 86);
    assert_eq!(json["rules"][0]["window"]["from"], "2026-01-01");
    assert_eq!(json["rules"][0]["window"]["through"], "2026-12-31");
    assert_eq!(json["policy_version"], pack()?.version());
    Ok(())
}

#[test]
fn respite_past_cap_needs_a_listed_documented_exception() -> TestResult {
    let history = json!([with(
        item("r1", "respite", "other-plan", "2026-01-05", "2026-03-31"),
        "hours",
        json!(330)
    )]);
    for (claim, expected) in [
        (None, Outcome::Denied),
        (
            Some(exception(
                "caregiver-support-changed",
                "Daughter started night shifts",
            )),
            Outcome::AllowedWithException,
        ),
        (
            Some(exception("caregiver-support-changed", "  ")),
            Outcome::Denied,
        ),
        (
            Some(exception("member-moved", "Moved to Oakland")),
            Outcome::Denied,
        ),
    ] {
        let mut p = with(
            proposal("respite", "2026-06-01", "2026-06-30"),
            "hours",
            json!(20),
        );
        if let Some(c) = &claim {
            p = with(p, "exception", c.clone());
        }
        let d = decide(history.clone(), p)?;
        assert_eq!(d.outcome, expected, "{claim:?}: {}", d.message);
        let named = d.exception.map(|k| k.as_str());
        if expected == Outcome::AllowedWithException {
            assert_eq!(named, Some("caregiver-support-changed"));
        } else {
            assert_eq!(named, None);
        }
    }
    Ok(())
}

#[test]
fn respite_counter_resets_each_calendar_year() -> TestResult {
    let history = json!([with(
        item("r2025", "respite", "hpsm", "2025-02-01", "2025-12-31"),
        "hours",
        json!(336)
    )]);
    let p = with(
        proposal("respite", "2026-01-01", "2026-01-31"),
        "hours",
        json!(336),
    );
    let d = decide(history, p)?;
    assert_eq!(d.outcome, Outcome::Allowed, "{}", d.message);
    assert!(d.rules.iter().all(|r| r.evidence.is_empty()));
    Ok(())
}

#[test]
fn respite_proposal_spanning_two_years_checks_each_year() -> TestResult {
    // Dec 22 2026 – Jan 10 2027: 10 days in each year, so 20 hours split 10 / 10.
    for (used_2026, expected) in [(326, Outcome::Allowed), (327, Outcome::Denied)] {
        let history = json!([with(
            item("r1", "respite", "hpsm", "2026-01-05", "2026-11-30"),
            "hours",
            json!(used_2026)
        )]);
        let p = with(
            proposal("respite", "2026-12-22", "2027-01-10"),
            "hours",
            json!(20),
        );
        let d = decide(history, p)?;
        assert_eq!(d.outcome, expected, "{}", d.message);
        assert_eq!(d.rules.len(), 2, "one trace per calendar year");
        let outcomes: Vec<Outcome> = d.rules.iter().map(|r| r.outcome).collect();
        assert_eq!(outcomes, vec![expected, Outcome::Allowed]);
    }
    Ok(())
}

#[test]
fn respite_without_hours_is_undetermined_naming_the_fact() -> TestResult {
    let d = decide(json!([]), proposal("respite", "2026-06-01", "2026-06-30"))?;
    assert_eq!(d.outcome, Outcome::Undetermined);
    assert_eq!(d.missing, vec!["proposed.hours".to_string()]);
    let history = json!([item("r1", "respite", "hpsm", "2026-01-05", "2026-03-31")]);
    let p = with(
        proposal("respite", "2026-06-01", "2026-06-30"),
        "hours",
        json!(10),
    );
    let d = decide(history, p)?;
    assert_eq!(d.outcome, Outcome::Undetermined);
    assert_eq!(d.missing, vec!["history[r1].hours".to_string()]);
    Ok(())
}

#[test]
fn only_approved_history_counts() -> TestResult {
    let history = json!([
        with(
            with(
                item("d1", "respite", "hpsm", "2026-01-05", "2026-03-31"),
                "hours",
                json!(336)
            ),
            "status",
            json!("denied")
        ),
        with(
            with(
                item("c1", "respite", "hpsm", "2026-04-01", "2026-04-30"),
                "hours",
                json!(336)
            ),
            "status",
            json!("cancelled")
        ),
    ]);
    let p = with(
        proposal("respite", "2026-06-01", "2026-06-30"),
        "hours",
        json!(336),
    );
    assert_eq!(decide(history, p)?.outcome, Outcome::Allowed);
    Ok(())
}

fn dollars(id: &str, cs: &str, plan: &str, cents: u64) -> Value {
    with(
        item(id, cs, plan, "2024-03-01", "2024-03-31"),
        "amount_cents",
        json!(cents),
    )
}

#[test]
fn eaa_7500_lifetime_boundary_counts_other_plans() -> TestResult {
    let history = json!([dollars(
        "e1",
        "environmental-accessibility-adaptations",
        "alameda-alliance",
        700_000
    )]);
    for (cents, expected) in [
        (49_999, Outcome::Allowed), // $7,499.99 total
        (50_000, Outcome::Allowed), // $7,500.00
        (50_001, Outcome::Denied),  // $7,500.01
    ] {
        let p = with(
            proposal(
                "environmental-accessibility-adaptations",
                "2026-05-01",
                "2026-05-31",
            ),
            "amount_cents",
            json!(cents),
        );
        let d = decide(history.clone(), p)?;
        assert_eq!(d.outcome, expected, "{}", d.message);
        assert_eq!(
            d.rules.first().map(|r| r.evidence.clone()),
            Some(vec!["e1".to_string()])
        );
    }
    Ok(())
}

#[test]
fn eaa_exception_when_member_moves_or_condition_changes() -> TestResult {
    let history = json!([dollars(
        "e1",
        "environmental-accessibility-adaptations",
        "hpsm",
        750_000
    )]);
    for (kind, expected) in [
        ("member-moved", Outcome::AllowedWithException),
        ("condition-changed", Outcome::AllowedWithException),
        ("caregiver-support-changed", Outcome::Denied),
    ] {
        let p = with(
            with(
                proposal(
                    "environmental-accessibility-adaptations",
                    "2026-05-01",
                    "2026-05-31",
                ),
                "amount_cents",
                json!(120_000),
            ),
            "exception",
            exception(kind, "New apartment needs a ramp"),
        );
        assert_eq!(decide(history.clone(), p)?.outcome, expected, "{kind}");
    }
    Ok(())
}

#[test]
fn eaa_and_asthma_remediation_are_separate_counters() -> TestResult {
    // Same base code S5165, different services: spending on one leaves the other untouched.
    for (spent, asked) in [
        (
            "asthma-remediation",
            "environmental-accessibility-adaptations",
        ),
        (
            "environmental-accessibility-adaptations",
            "asthma-remediation",
        ),
    ] {
        let history = json!([dollars("h1", spent, "hpsm", 750_000)]);
        let p = with(
            proposal(asked, "2026-05-01", "2026-05-31"),
            "amount_cents",
            json!(750_000),
        );
        let d = decide(history, p)?;
        assert_eq!(d.outcome, Outcome::Allowed, "{asked}: {}", d.message);
        assert!(d.rules.iter().all(|r| r.evidence.is_empty()));
    }
    Ok(())
}

#[test]
fn asthma_remediation_has_no_exception() -> TestResult {
    let history = json!([dollars("a1", "asthma-remediation", "hpsm", 700_000)]);
    let p = with(
        with(
            proposal("asthma-remediation", "2026-05-01", "2026-05-31"),
            "amount_cents",
            json!(50_001),
        ),
        "exception",
        exception("condition-changed", "Worse asthma"),
    );
    let d = decide(history, p)?;
    assert_eq!(d.outcome, Outcome::Denied);
    Ok(())
}

#[test]
fn home_transition_cap_is_flagged_unconfirmed_and_needs_nf_stay() -> TestResult {
    let p = with(
        proposal("community-home-transition", "2026-05-01", "2026-05-31"),
        "amount_cents",
        json!(100_000),
    );
    let d = decide(json!([]), p.clone())?;
    assert_eq!(d.outcome, Outcome::Undetermined);
    assert_eq!(d.missing, vec!["nursing_facility_stays".to_string()]);
    let cap = d
        .rules
        .iter()
        .find(|r| r.rule == "community-home-transition-lifetime-dollars")
        .ok_or("no dollar rule")?;
    assert!(cap.citation.unconfirmed);

    let mut with_stay = input(
        json!([dollars("h1", "community-home-transition", "hpsm", 700_000)]),
        p,
    )?;
    with_stay.nursing_facility_stays = Some(serde_json::from_value(json!([
        { "start": "2026-01-01", "end": "2026-04-30" }
    ]))?);
    let d = check(&with_stay, &pack()?);
    assert_eq!(d.outcome, Outcome::Denied, "{}", d.message);
    Ok(())
}

#[test]
fn housing_deposits_once_then_once_more_with_documentation() -> TestResult {
    let deposit =
        |id: &str, plan: &str| item(id, "housing-deposits", plan, "2024-01-10", "2024-01-10");
    let cases = [
        ("first", json!([]), None, Outcome::Allowed),
        (
            "second, undocumented",
            json!([deposit("h1", "la-care")]),
            None,
            Outcome::Denied,
        ),
        (
            "second, documented change",
            json!([deposit("h1", "la-care")]),
            Some(exception(
                "documented-change-of-circumstances",
                "Lost housing after a fire",
            )),
            Outcome::AllowedWithException,
        ),
        (
            "second, blank documentation",
            json!([deposit("h1", "la-care")]),
            Some(exception("documented-change-of-circumstances", "")),
            Outcome::Denied,
        ),
        (
            "third, documented change",
            json!([deposit("h1", "la-care"), deposit("h2", "hpsm")]),
            Some(exception(
                "documented-change-of-circumstances",
                "Moved again",
            )),
            Outcome::Denied,
        ),
    ];
    for (name, history, claim, expected) in cases {
        let mut p = proposal("housing-deposits", "2026-05-01", "2026-05-01");
        if let Some(c) = claim {
            p = with(p, "exception", c);
        }
        let d = decide(history, p)?;
        assert_eq!(d.outcome, expected, "{name}: {}", d.message);
    }
    Ok(())
}

#[test]
fn delivery_under_an_authorization_is_not_counted_twice() -> TestResult {
    let auth = item("a1", "housing-deposits", "hpsm", "2024-01-01", "2024-01-31");
    let covered = with(
        item("d1", "housing-deposits", "hpsm", "2024-01-10", "2024-01-10"),
        "kind",
        json!("delivery"),
    );
    let p = with(
        proposal("housing-deposits", "2026-05-01", "2026-05-01"),
        "exception",
        exception(
            "documented-change-of-circumstances",
            "Evicted after landlord sold",
        ),
    );
    let d = decide(json!([auth.clone(), covered]), p.clone())?;
    assert_eq!(d.outcome, Outcome::AllowedWithException, "{}", d.message);
    assert_eq!(
        d.rules.first().map(|r| r.evidence.clone()),
        Some(vec!["a1".to_string()])
    );

    // A delivery with no authorization (e.g. billed retroactively) counts on its own.
    let retro = with(
        item("d2", "housing-deposits", "hpsm", "2025-03-01", "2025-03-01"),
        "kind",
        json!("delivery"),
    );
    let d = decide(json!([auth, retro]), p)?;
    assert_eq!(d.outcome, Outcome::Denied, "{}", d.message);
    Ok(())
}

#[test]
fn a_denying_rule_outweighs_a_missing_fact() -> TestResult {
    let history = json!([dollars("h1", "community-home-transition", "hpsm", 750_000)]);
    let p = with(
        proposal("community-home-transition", "2026-05-01", "2026-05-31"),
        "amount_cents",
        json!(1),
    );
    let d = decide(history, p)?;
    assert_eq!(d.outcome, Outcome::Denied, "{}", d.message);
    assert!(d.missing.contains(&"nursing_facility_stays".to_string()));
    Ok(())
}
