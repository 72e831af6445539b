//! Overlay validation (`careloop policy check`): every problem reported, each naming where.

use careloop_domain::policy::{PLAN_FILES, PolicyPack, ProblemKind, check_overlay};

fn pack() -> PolicyPack {
    match PolicyPack::embedded() {
        Ok(p) => p,
        Err(e) => panic!("embedded pack: {e}"),
    }
}

const VALID: &str = include_str!("../../../examples/overlays/valid-plan.toml");
const EVERY_ERROR: &str = include_str!("../../../examples/overlays/every-error.toml");
const SYNTAX_ERROR: &str = include_str!("../../../examples/overlays/syntax-error.toml");

#[test]
fn embedded_overlays_check_clean() {
    let pack = pack();
    for (file, text) in PLAN_FILES {
        let problems = check_overlay(text, &pack);
        assert!(problems.is_empty(), "{file}: {problems:#?}");
    }
}

#[test]
fn valid_example_checks_clean() {
    let problems = check_overlay(VALID, &pack());
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn every_error_example_names_each_problem_and_where() {
    let problems = check_overlay(EVERY_ERROR, &pack());
    let has = |kind: ProblemKind, location: &str, text: &str| {
        problems
            .iter()
            .any(|p| p.kind == kind && p.location.contains(location) && p.message.contains(text))
    };
    let cases = [
        (
            ProblemKind::MissingCitation,
            "source",
            "the overlay has no source",
        ),
        (
            ProblemKind::UnknownField,
            "website",
            "unknown field \"website\"",
        ),
        (
            ProblemKind::UnknownCounty,
            "line 8: [[counties]] #1 (Alamda) county",
            "not a California county",
        ),
        (
            ProblemKind::OverlappingCountySpan,
            "[[counties]] #3 (napa)",
            "overlaps county span #2",
        ),
        (
            ProblemKind::UnknownCs,
            "[[offerings]] #1 (housing-navigation) cs",
            "unknown Community Support id",
        ),
        (
            ProblemKind::DatesOutOfOrder,
            "[[offerings]] #2 (respite) effective_through",
            "before effective_from",
        ),
        (
            ProblemKind::OverlappingOffering,
            "[[offerings]] #4 (housing-deposits)",
            "overlaps offering #3",
        ),
        (
            ProblemKind::UnknownCounty,
            "[[offerings]] #5 (sobering-centers) counties",
            "\"Yolo\" is not among the plan's counties",
        ),
        (
            ProblemKind::MissingCitation,
            "[[offerings]] #5 (sobering-centers) source",
            "has no source",
        ),
        (
            ProblemKind::OfferedBeforeAvailable,
            "[[offerings]] #6 (transitional-rent) effective_from",
            "before it exists statewide",
        ),
        (
            ProblemKind::MandatedCsDropped,
            "[[offerings]] #6 (transitional-rent) effective_through",
            "mandatory for every plan from 2026-01-01",
        ),
        (
            ProblemKind::InvalidDate,
            "[[offerings]] #7 (day-habilitation) effective_from",
            "quoted date string",
        ),
        (
            ProblemKind::InvalidDate,
            "[[offerings]] #8 (asthma-remediation) effective_from",
            "not a calendar date",
        ),
        (
            ProblemKind::MissingField,
            "[[offerings]] #9 (medically-tailored-meals) effective_from",
            "is required",
        ),
        (
            ProblemKind::MissingCitation,
            "clocks.urgent_pre_service_hours.source",
            "has no source",
        ),
        (
            ProblemKind::WrongType,
            "clocks.post_service",
            "must be a cited value",
        ),
    ];
    for (kind, location, text) in cases {
        assert!(
            has(kind, location, text),
            "missing {kind:?} at {location}: {problems:#?}"
        );
    }
    assert_eq!(problems.len(), cases.len(), "{problems:#?}");
}

#[test]
fn syntax_error_names_line_and_column() {
    let problems = check_overlay(SYNTAX_ERROR, &pack());
    assert_eq!(problems.len(), 1, "{problems:#?}");
    let p = problems.first();
    assert!(p.is_some_and(|p| p.kind == ProblemKind::Syntax && p.location.starts_with("line 4, column")), "{problems:#?}");
}

#[test]
fn value_shape_errors_fall_through_to_the_strict_reader() {
    let text = r#"
id = "x"
name = "X"
source = "synthetic"

[[counties]]
county = "Yolo"
effective_from = "2022-01-01"
source = "synthetic"

[clocks]
urgent_pre_service_hours = { value = "seventy-two", source = "synthetic" }

[invoice]
timely_filing_days = { value = 180, source = "synthetic" }
resubmission_days = { value = 90, source = "synthetic" }
"#;
    let problems = check_overlay(text, &pack());
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems
            .iter()
            .all(|p| p.kind == ProblemKind::InvalidValue && p.location.starts_with("line 12")),
        "{problems:#?}"
    );
}

#[test]
fn stopping_a_mandated_cs_the_day_before_its_mandate_is_allowed() {
    let base = r#"
id = "x"
name = "X"
source = "synthetic"

[[counties]]
county = "Yolo"
effective_from = "2022-01-01"
source = "synthetic"

[[offerings]]
cs = "transitional-rent"
effective_from = "2025-07-01"
source = "synthetic"
"#;
    let cases = [("2025-12-31", 0), ("2026-01-01", 1), ("2030-01-01", 1)];
    for (through, expected) in cases {
        let text = format!("{base}effective_through = \"{through}\"\n");
        let dropped = check_overlay(&text, &pack())
            .into_iter()
            .filter(|p| p.kind == ProblemKind::MandatedCsDropped)
            .count();
        assert_eq!(dropped, expected, "through {through}");
    }
}

#[test]
fn an_overlay_without_counties_is_reported() {
    let problems = check_overlay(
        "id = \"x\"\nname = \"X\"\nsource = \"s\"\ncounties = []\n",
        &pack(),
    );
    assert!(
        problems
            .iter()
            .any(|p| p.kind == ProblemKind::MissingField && p.location == "counties"),
        "{problems:#?}"
    );
}

/// Issue #14 item 14: the avoidable-ED reading is a checked plan setting: a known reading with
/// its source passes, an unknown one is named, and a reading without a source is refused.
#[test]
fn avoidable_ed_reading_is_a_checked_plan_setting() {
    let with = |line: &str| format!("{VALID}\n[identification]\n{line}\n");
    let ok = with(r#"avoidable_ed_reading = { value = "any-ed-claim", source = "plan memo" }"#);
    assert!(check_overlay(&ok, &pack()).is_empty());
    let unknown = check_overlay(
        &with(r#"avoidable_ed_reading = { value = "first-claim", source = "plan memo" }"#),
        &pack(),
    );
    assert!(
        unknown
            .iter()
            .any(|p| p.kind == ProblemKind::InvalidValue && p.message.contains("first-claim")),
        "{unknown:#?}"
    );
    let uncited = check_overlay(&with(r#"avoidable_ed_reading = "any-ed-claim""#), &pack());
    assert!(!uncited.is_empty(), "a bare value has no citation");
}

/// Issue #14 item 11: request channels are checked plan data: a cited channel passes, one
/// without a source or with an unknown key is named, an unknown kind is refused.
#[test]
fn request_channels_are_checked_plan_data() {
    let with = |body: &str| format!("{VALID}\n[[channels]]\n{body}\n");
    let ok = with(
        "purpose = \"cs-referral\"\nkind = \"fax\"\nvalue = \"555-0100\"\nsource = \"plan page\"",
    );
    assert!(
        check_overlay(&ok, &pack()).is_empty(),
        "{:#?}",
        check_overlay(&ok, &pack())
    );
    let uncited = check_overlay(
        &with("purpose = \"cs-referral\"\nkind = \"fax\"\nvalue = \"555-0100\"\nwebsite = \"x\""),
        &pack(),
    );
    assert!(
        uncited
            .iter()
            .any(|p| p.kind == ProblemKind::MissingCitation && p.location.contains("channels[1]")),
        "{uncited:#?}"
    );
    assert!(
        uncited
            .iter()
            .any(|p| p.kind == ProblemKind::UnknownField && p.location.contains("website")),
        "{uncited:#?}"
    );
    let pigeon = check_overlay(
        &with("purpose = \"cs-referral\"\nkind = \"pigeon\"\nvalue = \"x\"\nsource = \"s\""),
        &pack(),
    );
    assert!(
        pigeon
            .iter()
            .any(|p| p.kind == ProblemKind::InvalidValue && p.message.contains("pigeon")),
        "{pigeon:#?}"
    );
}

/// The shipped overlays give HPSM's prior-authorization fax and forms as data (seed 003).
#[test]
fn hpsm_channels_come_from_its_page() {
    use careloop_domain::policy::ChannelPurpose;
    let pack = pack();
    let hpsm = pack.plan("hpsm").unwrap();
    let values: Vec<&str> = hpsm
        .channels_for(&[ChannelPurpose::PriorAuthorization])
        .map(|c| c.value.as_str())
        .collect();
    assert_eq!(
        values,
        ["HPSM Prior Authorization Request Form", "650-829-2079"]
    );
}

/// Plan program rules (issue #14): a well-formed prerequisite checks clean; an unknown indicator
/// kind in one is an invalid value naming where.
#[test]
fn cs_prerequisites_are_checked_by_the_typed_parse() {
    let with = |indicator: &str| {
        format!(
            "{VALID}\n[[cs_prerequisites]]\nid = \"cm\"\ndescription = \"Engaged with a Care Manager\"\nrequires = {{ indicator = \"{indicator}\" }}\nsource = \"test overlay\"\n"
        )
    };
    let problems = check_overlay(&with("engaged-with-care-manager"), &pack());
    assert!(problems.is_empty(), "{problems:#?}");
    let problems = check_overlay(&with("engaged-with-a-manager"), &pack());
    assert!(
        problems.iter().any(|p| p.kind == ProblemKind::InvalidValue
            && p.location.starts_with("line ")
            && p.message.contains("engaged-with-a-manager")),
        "{problems:#?}"
    );
}
