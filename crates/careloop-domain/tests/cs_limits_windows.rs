//! Community Supports day windows and stay rules at their boundaries: rolling 12 months,
//! Transitional Rent episodes, sobering stays, nursing facility stays, uncapped CS
//! (CALAIM.md §3.2–§3.3). Synthetic data only.

use careloop_domain::cs_limits::{Outcome, check};
use serde_json::json;

#[path = "support/cs_limits.rs"]
mod support;
use support::*;

#[test]
fn room_and_board_rolling_window_exactly_at_cap_and_one_day_over() -> TestResult {
    // 90 days of Recuperative Care (Jan 1 – Mar 31 2026) from another plan.
    let history = json!([item(
        "rc1",
        "recuperative-care",
        "other-plan",
        "2026-01-01",
        "2026-03-31"
    )]);
    for (end, expected) in [
        ("2026-07-02", Outcome::Allowed), // Apr 1 – Jul 2 = 93 days: 183 in total
        ("2026-07-03", Outcome::Denied),  // 184
    ] {
        let d = decide(
            history.clone(),
            proposal("short-term-post-hospitalization-housing", "2026-04-01", end),
        )?;
        assert_eq!(d.outcome, expected, "{end}: {}", d.message);
        let trace = d.rules.first().ok_or("no trace")?;
        assert_eq!(trace.rule, "room-and-board-rolling-window");
        assert_eq!(trace.evidence, vec!["rc1".to_string()]);
    }
    Ok(())
}

#[test]
fn room_and_board_window_slides_so_old_stays_drop_out() -> TestResult {
    // 181 days in the first half of 2025.
    let history = json!([item(
        "rc1",
        "recuperative-care",
        "hpsm",
        "2025-01-01",
        "2025-06-30"
    )]);
    let cases = [
        // Days right after the old stay share a 12-month window with all of it.
        ("2025-07-01", "2025-07-02", Outcome::Allowed), // 183
        ("2025-07-01", "2025-07-03", Outcome::Denied),  // 184
        // A year on, each window that holds a new day has lost as many old days.
        ("2026-01-01", "2026-04-30", Outcome::Allowed),
    ];
    for (start, end, expected) in cases {
        let d = decide(history.clone(), proposal("recuperative-care", start, end))?;
        assert_eq!(d.outcome, expected, "{start}..{end}: {}", d.message);
    }
    // Once the old stay is out of every window, only the new days count: 183 allowed, 184 not.
    for (end, expected) in [
        ("2026-12-30", Outcome::Allowed),
        ("2026-12-31", Outcome::Denied),
    ] {
        let d = decide(
            history.clone(),
            proposal("recuperative-care", "2026-07-01", end),
        )?;
        assert_eq!(d.outcome, expected, "{end}: {}", d.message);
        assert!(
            d.rules.iter().all(|r| r.evidence.is_empty()),
            "{}",
            d.message
        );
    }
    Ok(())
}

#[test]
fn overlapping_history_spans_count_a_day_once() -> TestResult {
    // Two authorizations from two plans over the same 120 days, plus 63 new days: 183.
    let history = json!([
        item(
            "rc1",
            "recuperative-care",
            "hpsm",
            "2026-01-01",
            "2026-04-30"
        ),
        item(
            "rc2",
            "recuperative-care",
            "alameda-alliance",
            "2026-02-01",
            "2026-04-30"
        ),
    ]);
    let d = decide(
        history,
        proposal("recuperative-care", "2026-05-01", "2026-07-02"),
    )?;
    assert_eq!(d.outcome, Outcome::Allowed, "{}", d.message);
    let trace = d.rules.first().ok_or("no trace")?;
    assert_eq!(trace.used.map(|q| q.to_string()), Some("120".to_string()));
    assert_eq!(
        trace.proposed.map(|q| q.to_string()),
        Some("63".to_string())
    );
    Ok(())
}

#[test]
fn transitional_rent_episode_at_most_six_months() -> TestResult {
    // Narrow the episode cap so it binds before the combined cap does.
    let mut pack = pack()?;
    pack.cs_limits.transitional_rent.max_days_per_episode.value = 90;
    let history = json!([item(
        "tr1",
        "transitional-rent",
        "hpsm",
        "2026-01-01",
        "2026-01-31"
    )]);
    for (end, expected) in [
        ("2026-03-31", Outcome::Allowed),
        ("2026-04-01", Outcome::Denied),
    ] {
        let i = input(
            history.clone(),
            proposal("transitional-rent", "2026-02-01", end),
        )?;
        let d = check(&i, &pack);
        assert_eq!(d.outcome, expected, "{end}: {}", d.message);
        let episode = d
            .rules
            .iter()
            .find(|r| r.rule == "transitional-rent-episode")
            .ok_or("no episode rule")?;
        assert_eq!(episode.outcome, expected);
    }
    // A new episode after a gap starts its own count.
    let i = input(
        history,
        proposal("transitional-rent", "2026-02-02", "2026-05-01"),
    )?;
    let episode = check(&i, &pack)
        .rules
        .into_iter()
        .find(|r| r.rule == "transitional-rent-episode")
        .ok_or("no episode rule")?;
    assert_eq!(episode.outcome, Outcome::Allowed, "{}", episode.message);

    // With the statewide 183 days: exactly at the cap allowed, one day more denied.
    for (end, expected) in [
        ("2026-07-02", Outcome::Allowed),
        ("2026-07-03", Outcome::Denied),
    ] {
        let d = decide(json!([]), proposal("transitional-rent", "2026-01-01", end))?;
        assert_eq!(d.outcome, expected, "{end}: {}", d.message);
        assert!(d.rules.iter().all(|r| r.outcome == expected));
    }
    Ok(())
}

#[test]
fn sobering_center_stay_under_24_hours() -> TestResult {
    for (hours, expected) in [
        (json!(23), Outcome::Allowed),
        (json!(23.99), Outcome::Allowed),
        (json!(24), Outcome::Denied),
        (json!(30.5), Outcome::Denied),
    ] {
        let p = with(
            proposal("sobering-centers", "2026-05-01", "2026-05-02"),
            "stay_hours",
            hours.clone(),
        );
        assert_eq!(decide(json!([]), p)?.outcome, expected, "{hours}");
    }
    let d = decide(
        json!([]),
        proposal("sobering-centers", "2026-05-01", "2026-05-01"),
    )?;
    assert_eq!(d.outcome, Outcome::Undetermined);
    assert_eq!(d.missing, vec!["proposed.stay_hours".to_string()]);
    Ok(())
}

#[test]
fn alf_transitions_need_a_60_day_nursing_facility_stay() -> TestResult {
    let cases = [
        // Jan 1 – Feb 28 2026 = 59 days; Jan 1 – Mar 1 = 60.
        (
            json!([{ "start": "2026-01-01", "end": "2026-02-28" }]),
            Outcome::Denied,
        ),
        (
            json!([{ "start": "2026-01-01", "end": "2026-03-01" }]),
            Outcome::Allowed,
        ),
        // Still in the facility: counted through the proposal start (Apr 1): 91 days.
        (json!([{ "start": "2026-01-01" }]), Outcome::Allowed),
        // Two short stays are not added together.
        (
            json!([{ "start": "2025-01-01", "end": "2025-01-31" }, { "start": "2026-01-01", "end": "2026-01-31" }]),
            Outcome::Denied,
        ),
        // Admitted after the proposal starts: does not count.
        (
            json!([{ "start": "2026-04-02", "end": "2026-08-01" }]),
            Outcome::Denied,
        ),
        (json!([]), Outcome::Denied),
    ];
    for (stays, expected) in cases {
        let mut i = input(
            json!([]),
            proposal("alf-transitions", "2026-04-01", "2026-06-30"),
        )?;
        i.nursing_facility_stays = Some(serde_json::from_value(stays.clone())?);
        let d = check(&i, &pack()?);
        assert_eq!(d.outcome, expected, "{stays}: {}", d.message);
    }
    let d = decide(
        json!([]),
        proposal("alf-transitions", "2026-04-01", "2026-06-30"),
    )?;
    assert_eq!(d.outcome, Outcome::Undetermined);
    assert_eq!(d.missing, vec!["nursing_facility_stays".to_string()]);
    Ok(())
}

#[test]
fn uncapped_cs_allowed_with_unconfirmed_caps_listed_but_disabled() -> TestResult {
    let d = decide(
        json!([]),
        proposal("medically-tailored-meals", "2026-05-01", "2026-07-31"),
    )?;
    assert_eq!(d.outcome, Outcome::Allowed);
    let rules: Vec<&str> = d.rules.iter().map(|r| r.rule.as_str()).collect();
    assert_eq!(rules, vec!["no-statewide-cap", "mtm-duration"]);
    let mtm = d.rules.get(1).ok_or("no cap trace")?;
    assert!(mtm.citation.unconfirmed);
    assert!(mtm.message.contains("disabled"), "{}", mtm.message);
    Ok(())
}

#[test]
fn enabled_unconfirmed_cap_is_enforced() -> TestResult {
    let mut pack = pack()?;
    for cap in &mut pack.cs_limits.unconfirmed_caps {
        if cap.id == "recuperative-care-days-per-episode" {
            cap.enabled = true;
        }
    }
    for (end, expected) in [
        ("2026-03-31", Outcome::Allowed),
        ("2026-04-01", Outcome::Denied),
    ] {
        let i = input(json!([]), proposal("recuperative-care", "2026-01-01", end))?;
        let d = check(&i, &pack);
        assert_eq!(d.outcome, expected, "{end}: {}", d.message);
    }
    Ok(())
}

#[test]
fn unusable_spans_are_named_not_guessed() -> TestResult {
    let history = json!([item("x", "respite", "hpsm", "2026-03-01", "2026-02-01")]);
    let p = with(
        proposal("respite", "2026-06-01", "2026-06-30"),
        "hours",
        json!(1),
    );
    let d = decide(history, p)?;
    assert_eq!(d.outcome, Outcome::Undetermined);
    assert_eq!(d.missing.len(), 1);
    assert!(
        d.missing.iter().all(|m| m.starts_with("history[0].end")),
        "{:?}",
        d.missing
    );
    Ok(())
}
