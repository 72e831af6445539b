//! The federal extension of 42 CFR 438.210(d): up to 14 *additional* calendar days on top of the
//! federal limit (issue #14 item 5), against the stricter California ceiling (end of calendar
//! day 14 after the request, CALAIM.md §4.1 [40]). Boundaries: day 21 exactly, expedited
//! 72 h + 14 days, the DST change, the CMS-0057-F effective date. Synthetic requests only.

use careloop_domain::PolicyPack;
use careloop_domain::clock::{ClockKind, ClockRequest, Deadline, Winner, due, format_rfc3339};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn extended(kind: ClockKind, received: &str) -> Result<Deadline, Box<dyn std::error::Error>> {
    let pack = PolicyPack::embedded()?;
    let req = ClockRequest {
        plan: None,
        kind,
        received: received.parse()?,
        info_received: None,
        extension_reason: Some("awaiting specialist records; no harm to the member".into()),
    };
    Ok(due(&req, &pack)?)
}

fn federal_due(d: &Deadline) -> Option<String> {
    d.explanation
        .federal_rule
        .as_ref()
        .map(|f| format_rfc3339(&f.due))
}

#[test]
fn standard_extension_is_day_7_plus_14_and_the_state_day_14_wins() -> TestResult {
    let d = extended(ClockKind::NonUrgentPreService, "2026-06-01T23:30:00-07:00")?;
    // Federal: end of calendar day 21 after receipt, not day 14 (the old reading) nor 22.
    assert_eq!(
        federal_due(&d).as_deref(),
        Some("2026-06-22T23:59:59-07:00")
    );
    assert_eq!(d.due_rfc3339(), "2026-06-15T23:59:59-07:00");
    assert_eq!(d.explanation.winner, Winner::State);
    assert!(
        d.rule
            .contains("7 calendar days + 14 additional calendar days")
            && d.rule.ends_with("is later"),
        "{}",
        d.rule
    );
    let note = d
        .explanation
        .extension
        .as_ref()
        .map(|e| e.description.as_str());
    assert!(
        note.is_some_and(|n| n.contains("2026-06-22T23:59:59-07:00")
            && n.ends_with("the California rule is stricter and applies")),
        "{note:?}"
    );
    Ok(())
}

#[test]
fn expedited_extension_is_72_hours_plus_14_days() -> TestResult {
    let d = extended(ClockKind::UrgentPreService, "2026-06-01T09:00:00-07:00")?;
    assert_eq!(
        federal_due(&d).as_deref(),
        Some("2026-06-18T09:00:00-07:00")
    );
    assert_eq!(d.due_rfc3339(), "2026-06-15T23:59:59-07:00");
    assert_eq!(d.explanation.winner, Winner::State);
    assert!(d.rule.contains("72 hours + 14 additional"), "{}", d.rule);
    Ok(())
}

#[test]
fn extension_across_the_dst_change_counts_calendar_days() -> TestResult {
    // DST ends 2026-11-01: day 21 after 2026-10-25 is 2026-11-15, in PST.
    let d = extended(ClockKind::NonUrgentPreService, "2026-10-25T10:00:00-07:00")?;
    assert_eq!(
        federal_due(&d).as_deref(),
        Some("2026-11-15T23:59:59-08:00")
    );
    assert_eq!(d.due_rfc3339(), "2026-11-08T23:59:59-08:00");
    Ok(())
}

#[test]
fn federal_extension_starts_with_the_effective_date() -> TestResult {
    let on = extended(ClockKind::NonUrgentPreService, "2026-01-01T00:00:00-08:00")?;
    assert_eq!(
        federal_due(&on).as_deref(),
        Some("2026-01-22T23:59:59-08:00")
    );
    assert_eq!(on.explanation.winner, Winner::State);
    let before = extended(ClockKind::NonUrgentPreService, "2025-12-31T23:59:59-08:00")?;
    assert_eq!(federal_due(&before), None);
    assert_eq!(before.due_rfc3339(), "2026-01-14T23:59:59-08:00");
    Ok(())
}
