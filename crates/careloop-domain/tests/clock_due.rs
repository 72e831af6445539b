//! UM decision clocks, table-driven (CALAIM.md §4.1, §4.3, §12). Synthetic requests only.

use careloop_domain::PolicyPack;
use careloop_domain::clock::{
    ClockError, ClockKind, ClockRequest, Deadline, RuleSource, Winner, due, format_rfc3339,
};
use careloop_domain::policy::PlanOverlay;
use jiff::Timestamp;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A test overlay shaped like Aetna's: non-urgent pre-service 5 calendar days, urgent 72 h,
/// post-service 30 calendar days (seed 000).
const TEST_PLAN: &str = r#"
id = "test-calendar-plan"
name = "Test plan counting calendar days"
source = "synthetic test overlay"
counties = []
[clocks]
urgent_pre_service_hours = { value = 72, source = "test" }
non_urgent_pre_service = { value = { days = 5, counting = "calendar" }, source = "test overlay (like seed 000)" }
post_service = { value = { days = 30, counting = "calendar" }, source = "test" }
"#;

fn pack() -> Result<PolicyPack, Box<dyn std::error::Error>> {
    let mut pack = PolicyPack::embedded()?;
    let overlay: PlanOverlay = toml::from_str(TEST_PLAN)?;
    pack.plans.push(overlay);
    Ok(pack)
}

fn request(
    plan: Option<&str>,
    kind: ClockKind,
    received: &str,
) -> Result<ClockRequest, jiff::Error> {
    Ok(ClockRequest {
        plan: plan.map(str::to_string),
        kind,
        received: received.parse()?,
        info_received: None,
        extension_reason: None,
    })
}

struct Case {
    name: &'static str,
    plan: Option<&'static str>,
    kind: ClockKind,
    received: &'static str,
    info_received: Option<&'static str>,
    extension: Option<&'static str>,
    due: &'static str,
    state_due: &'static str,
    federal: Option<&'static str>,
    winner: Winner,
    holidays: &'static [&'static str],
    weekends: u32,
    cap: bool,
}

const BASE: Case = Case {
    name: "",
    plan: None,
    kind: ClockKind::NonUrgentPreService,
    received: "",
    info_received: None,
    extension: None,
    due: "",
    state_due: "",
    federal: None,
    winner: Winner::State,
    holidays: &[],
    weekends: 0,
    cap: false,
};

const CASES: &[Case] = &[
    Case {
        name: "non-urgent 5 working days skip Thanksgiving and the day after; federal 7 days earlier",
        received: "2026-11-20T10:00:00-08:00",
        due: "2026-11-27T23:59:59-08:00",
        state_due: "2026-12-01T23:59:59-08:00",
        federal: Some("2026-11-27T23:59:59-08:00"),
        winner: Winner::Federal,
        holidays: &["2026-11-26", "2026-11-27"],
        weekends: 4,
        ..BASE
    },
    Case {
        name: "working days skip Christmas 2026",
        received: "2026-12-23T09:00:00-08:00",
        due: "2026-12-30T23:59:59-08:00",
        state_due: "2026-12-31T23:59:59-08:00",
        federal: Some("2026-12-30T23:59:59-08:00"),
        winner: Winner::Federal,
        holidays: &["2026-12-25"],
        weekends: 2,
        ..BASE
    },
    Case {
        name: "working days skip New Year's Day 2027",
        received: "2026-12-28T09:00:00-08:00",
        due: "2027-01-04T23:59:59-08:00",
        state_due: "2027-01-05T23:59:59-08:00",
        federal: Some("2027-01-04T23:59:59-08:00"),
        winner: Winner::Federal,
        holidays: &["2027-01-01"],
        weekends: 2,
        ..BASE
    },
    Case {
        name: "received on a Saturday: working days start Monday, state earlier than federal",
        received: "2026-06-06T11:00:00-07:00",
        due: "2026-06-12T23:59:59-07:00",
        state_due: "2026-06-12T23:59:59-07:00",
        federal: Some("2026-06-13T23:59:59-07:00"),
        winner: Winner::State,
        weekends: 1,
        ..BASE
    },
    Case {
        name: "Monday receipt without holidays: 5 working days equal 7 calendar days",
        received: "2026-06-01T09:00:00-07:00",
        due: "2026-06-08T23:59:59-07:00",
        state_due: "2026-06-08T23:59:59-07:00",
        federal: Some("2026-06-08T23:59:59-07:00"),
        winner: Winner::Equal,
        weekends: 2,
        ..BASE
    },
    Case {
        name: "spring DST week: day-based due is 23:59:59 PDT",
        received: "2026-03-06T16:00:00-08:00",
        due: "2026-03-13T23:59:59-07:00",
        state_due: "2026-03-13T23:59:59-07:00",
        federal: Some("2026-03-13T23:59:59-07:00"),
        winner: Winner::Equal,
        weekends: 2,
        ..BASE
    },
    Case {
        name: "fall DST week: day-based due is 23:59:59 PST",
        received: "2026-10-30T16:00:00-07:00",
        due: "2026-11-06T23:59:59-08:00",
        state_due: "2026-11-06T23:59:59-08:00",
        federal: Some("2026-11-06T23:59:59-08:00"),
        winner: Winner::Equal,
        weekends: 2,
        ..BASE
    },
    Case {
        name: "received before 2026-01-01: no federal overlay",
        received: "2025-12-19T09:00:00-08:00",
        due: "2025-12-29T23:59:59-08:00",
        state_due: "2025-12-29T23:59:59-08:00",
        holidays: &["2025-12-25"],
        weekends: 4,
        ..BASE
    },
    Case {
        name: "federal effective date compared on the local date: 2025-12-31 23:30 PST is 2026 in UTC",
        received: "2025-12-31T23:30:00-08:00",
        due: "2026-01-08T23:59:59-08:00",
        state_due: "2026-01-08T23:59:59-08:00",
        holidays: &["2026-01-01"],
        weekends: 2,
        ..BASE
    },
    Case {
        name: "first local minutes of 2026: federal applies",
        received: "2026-01-01T00:30:00-08:00",
        due: "2026-01-08T23:59:59-08:00",
        state_due: "2026-01-08T23:59:59-08:00",
        federal: Some("2026-01-08T23:59:59-08:00"),
        winner: Winner::Equal,
        weekends: 2,
        ..BASE
    },
    Case {
        name: "urgent pre-service across spring DST: 72 real hours",
        kind: ClockKind::UrgentPreService,
        received: "2026-03-07T12:00:00-08:00",
        due: "2026-03-10T13:00:00-07:00",
        state_due: "2026-03-10T13:00:00-07:00",
        federal: Some("2026-03-10T13:00:00-07:00"),
        winner: Winner::Equal,
        ..BASE
    },
    Case {
        name: "urgent pre-service across fall DST: 72 real hours",
        kind: ClockKind::UrgentPreService,
        received: "2026-10-31T12:00:00-07:00",
        due: "2026-11-03T11:00:00-08:00",
        state_due: "2026-11-03T11:00:00-08:00",
        federal: Some("2026-11-03T11:00:00-08:00"),
        winner: Winner::Equal,
        ..BASE
    },
    Case {
        name: "urgent concurrent 24 hours across spring DST, no federal overlay",
        kind: ClockKind::UrgentConcurrent,
        received: "2026-03-08T01:30:00-08:00",
        due: "2026-03-09T02:30:00-07:00",
        state_due: "2026-03-09T02:30:00-07:00",
        ..BASE
    },
    Case {
        name: "post-service 30 calendar days across fall DST, no federal overlay",
        kind: ClockKind::PostService,
        received: "2026-10-05T09:00:00-07:00",
        due: "2026-11-04T23:59:59-08:00",
        state_due: "2026-11-04T23:59:59-08:00",
        ..BASE
    },
    Case {
        name: "plan overlay: 5 calendar days beats the federal 7",
        plan: Some("test-calendar-plan"),
        received: "2026-11-20T10:00:00-08:00",
        due: "2026-11-25T23:59:59-08:00",
        state_due: "2026-11-25T23:59:59-08:00",
        federal: Some("2026-11-27T23:59:59-08:00"),
        winner: Winner::State,
        ..BASE
    },
    Case {
        name: "pend for information moves the state clock; federal still from receipt",
        received: "2026-06-01T09:00:00-07:00",
        info_received: Some("2026-06-03T15:00:00-07:00"),
        due: "2026-06-08T23:59:59-07:00",
        state_due: "2026-06-10T23:59:59-07:00",
        federal: Some("2026-06-08T23:59:59-07:00"),
        winner: Winner::Federal,
        weekends: 2,
        ..BASE
    },
    Case {
        name: "pend before 2026: state clock from the information date (Juneteenth not observed)",
        received: "2025-06-02T09:00:00-07:00",
        info_received: Some("2025-06-04T10:00:00-07:00"),
        due: "2025-06-11T23:59:59-07:00",
        state_due: "2025-06-11T23:59:59-07:00",
        weekends: 2,
        ..BASE
    },
    Case {
        name: "pend capped at the end of calendar day 14 after receipt",
        received: "2025-06-02T09:00:00-07:00",
        info_received: Some("2025-06-12T10:00:00-07:00"),
        due: "2025-06-16T23:59:59-07:00",
        state_due: "2025-06-16T23:59:59-07:00",
        weekends: 2,
        cap: true,
        ..BASE
    },
    Case {
        // Issue #14 item 5: the federal extension is 14 *additional* days (7 + 14 = day 21);
        // the California end of calendar day 14 is stricter and wins.
        name: "extension: end of calendar day 14; federal extension (day 7 + 14 additional) is later",
        received: "2026-06-01T09:00:00-07:00",
        extension: Some("awaiting specialist review"),
        due: "2026-06-15T23:59:59-07:00",
        state_due: "2026-06-15T23:59:59-07:00",
        federal: Some("2026-06-22T23:59:59-07:00"),
        winner: Winner::State,
        ..BASE
    },
    Case {
        name: "extension of an urgent pre-service request before 2026",
        kind: ClockKind::UrgentPreService,
        received: "2025-06-02T09:00:00-07:00",
        extension: Some("additional tests needed; no harm to member"),
        due: "2025-06-16T23:59:59-07:00",
        state_due: "2025-06-16T23:59:59-07:00",
        ..BASE
    },
];

fn check(case: &Case, pack: &PolicyPack) -> Result<Deadline, Box<dyn std::error::Error>> {
    let mut req = request(case.plan, case.kind, case.received)?;
    req.info_received = case
        .info_received
        .map(str::parse::<Timestamp>)
        .transpose()?;
    req.extension_reason = case.extension.map(str::to_string);
    Ok(due(&req, pack)?)
}

#[test]
fn due_times_follow_the_rules() -> TestResult {
    let pack = pack()?;
    for case in CASES {
        let d = check(case, &pack)?;
        let ex = &d.explanation;
        let name = case.name;
        assert_eq!(d.due_rfc3339(), case.due, "{name}: due");
        assert_eq!(
            format_rfc3339(&ex.state_rule.due),
            case.state_due,
            "{name}: state"
        );
        assert_eq!(
            ex.federal_rule
                .as_ref()
                .map(|f| format_rfc3339(&f.due))
                .as_deref(),
            case.federal,
            "{name}: federal"
        );
        assert_eq!(ex.winner, case.winner, "{name}: winner");
        let holidays: Vec<String> = ex
            .holidays_skipped
            .iter()
            .map(|h| h.date.to_string())
            .collect();
        assert_eq!(holidays, case.holidays, "{name}: holidays");
        assert_eq!(ex.weekends_skipped, case.weekends, "{name}: weekends");
        assert_eq!(ex.cap_applied, case.cap, "{name}: cap");
        assert_eq!(
            ex.pend.is_some(),
            case.info_received.is_some(),
            "{name}: pend"
        );
        assert_eq!(
            ex.extension.is_some(),
            case.extension.is_some(),
            "{name}: extension"
        );
        assert_eq!(ex.policy_version, pack.version(), "{name}: version");
        let expected_source = if case.plan.is_some() && case.extension.is_none() {
            RuleSource::Plan
        } else {
            RuleSource::Statewide
        };
        assert_eq!(ex.state_rule.source, expected_source, "{name}: source");
    }
    Ok(())
}

#[test]
fn thanksgiving_holidays_are_named() -> TestResult {
    let d = check(&CASES[0], &pack()?)?;
    let names: Vec<&str> = d
        .explanation
        .holidays_skipped
        .iter()
        .map(|h| h.name.as_str())
        .collect();
    assert_eq!(names, ["Thanksgiving Day", "Day after Thanksgiving"]);
    Ok(())
}

#[test]
fn rule_text_names_the_rule_and_the_federal_comparison() -> TestResult {
    let pack = pack()?;
    let plan = check(&CASES[14], &pack)?;
    assert_eq!(
        plan.rule,
        "non-urgent pre-service: 5 calendar days (plan, test overlay (like seed 000)); federal 7 calendar days (CMS-0057-F) is later"
    );
    let statewide = check(&CASES[0], &pack)?;
    assert!(
        statewide
            .rule
            .starts_with("non-urgent pre-service: 5 working days (statewide, CALAIM.md §4.1 [40]"),
        "{}",
        statewide.rule
    );
    assert!(
        statewide
            .rule
            .ends_with("federal 7 calendar days (CMS-0057-F) is earlier and applies")
    );
    let extended = check(&CASES[18], &pack)?;
    assert!(extended.rule.contains("UNCONFIRMED"), "{}", extended.rule);
    let fed_cite = extended
        .explanation
        .extension
        .as_ref()
        .and_then(|e| e.federal_citation.as_ref());
    assert!(
        fed_cite.is_some_and(|c| c.unconfirmed),
        "federal extension must be flagged unconfirmed"
    );
    Ok(())
}

#[test]
fn deadline_json_has_rfc3339_due_and_explanation() -> TestResult {
    let d = check(&CASES[0], &pack()?)?;
    let json = serde_json::to_value(&d)?;
    assert_eq!(json["due"], "2026-11-27T23:59:59-08:00");
    assert_eq!(json["explanation"]["winner"], "federal");
    assert_eq!(json["explanation"]["state_rule"]["source"], "statewide");
    assert_eq!(json["explanation"]["federal_rule"]["source"], "federal");
    assert_eq!(
        json["explanation"]["holidays_skipped"][0]["date"],
        "2026-11-26"
    );
    assert_eq!(json["explanation"]["cap_applied"], false);
    assert!(json["rule"].is_string());
    assert!(json["explanation"]["policy_version"].is_string());
    Ok(())
}

#[test]
fn invalid_requests_are_errors_naming_the_problem() -> TestResult {
    let pack = pack()?;
    let base = request(
        None,
        ClockKind::NonUrgentPreService,
        "2026-06-01T09:00:00-07:00",
    )?;

    let mut r = base.clone();
    r.info_received = Some("2026-05-31T09:00:00-07:00".parse()?);
    assert!(matches!(
        due(&r, &pack),
        Err(ClockError::InfoBeforeReceipt { .. })
    ));

    let mut r = base.clone();
    r.extension_reason = Some("   ".into());
    assert!(matches!(
        due(&r, &pack),
        Err(ClockError::EmptyExtensionReason)
    ));

    for kind in [
        ClockKind::UrgentPreService,
        ClockKind::UrgentConcurrent,
        ClockKind::PostService,
    ] {
        let mut r = base.clone();
        r.kind = kind;
        r.info_received = Some("2026-06-02T09:00:00-07:00".parse()?);
        assert!(
            matches!(due(&r, &pack), Err(ClockError::PendNotApplicable { .. })),
            "{kind}"
        );
    }
    for kind in [ClockKind::UrgentConcurrent, ClockKind::PostService] {
        let mut r = base.clone();
        r.kind = kind;
        r.extension_reason = Some("need records".into());
        assert!(
            matches!(
                due(&r, &pack),
                Err(ClockError::ExtensionNotApplicable { .. })
            ),
            "{kind}"
        );
    }

    let mut r = base.clone();
    r.plan = Some("no-such-plan".into());
    let err = due(&r, &pack)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.contains("no-such-plan") && err.contains("test-calendar-plan"),
        "{err}"
    );
    Ok(())
}

#[test]
fn working_days_beyond_the_holiday_calendar_are_undetermined() -> TestResult {
    let pack = pack()?;
    let r = request(
        None,
        ClockKind::NonUrgentPreService,
        "2030-12-27T09:00:00-08:00",
    )?;
    let err = due(&r, &pack);
    assert!(
        matches!(err, Err(ClockError::HolidaysNotCovered { .. })),
        "{err:?}"
    );
    // Calendar-day clocks need no holidays.
    let r = request(None, ClockKind::PostService, "2031-01-05T09:00:00-08:00")?;
    assert_eq!(due(&r, &pack)?.due_rfc3339(), "2031-02-04T23:59:59-08:00");
    Ok(())
}

#[test]
fn clock_kind_parses_kebab_case() -> TestResult {
    for kind in ClockKind::ALL {
        assert_eq!(kind.as_str().parse::<ClockKind>()?, kind);
        assert_eq!(serde_json::to_value(kind)?, kind.as_str());
    }
    assert!("urgent".parse::<ClockKind>().is_err());
    Ok(())
}
