//! Every claims derivation of IDENT-SPEC.md on small hand-built files: ED visit days and their
//! flags, inpatient and SNF stays, homelessness, pregnancy/delivery, the justice-involved
//! condition groups, windows, coverage, and bad rows.

mod support;

use careloop_domain::PolicyPack;
use careloop_domain::cite::Cited;
use careloop_domain::eligibility::{
    AvoidableEdReading, EventKind, HomelessCondition, IndicatorKind, UtilizationEvent,
};
use jiff::civil::date;
use support::*;

fn events(o: &Outcome, person: &str, kind: EventKind) -> Vec<UtilizationEvent> {
    let u = o.facts(person).utilization.as_ref().unwrap();
    u.events
        .iter()
        .filter(|e| e.kind == kind)
        .cloned()
        .collect()
}

fn indicator(
    o: &Outcome,
    person: &str,
    kind: IndicatorKind,
) -> Option<careloop_domain::eligibility::Indicator> {
    o.facts(person)
        .indicators
        .iter()
        .find(|i| i.kind == kind)
        .cloned()
}

#[test]
fn ed_visits_are_counted_per_person_per_day_with_any_ed_marker() {
    let mut pos23 = office("C5", "a", "2026-10-02", &["J069"]);
    pos23.pos = "23";
    let mut cpt = office("C6", "a", "2026-10-03", &["J069"]);
    cpt.hcpcs = "99285";
    let mut rev0981 = ed("C7", "a", "2026-10-04", &["J069"]);
    rev0981.rev = "0981";
    let mut three_digit = ed("C8", "a", "2026-10-05", &["J069"]);
    three_digit.rev = "451";
    let mut not_ed = ed("C9", "a", "2026-10-06", &["J069"]);
    not_ed.rev = "0460";
    let claims = vec![
        ed("C2", "a", "2026-10-01", &["J069"]),
        ed("C1", "a", "2026-10-01", &["J02"]),
        pos23,
        cpt,
        rev0981,
        three_digit,
        not_ed,
        office("C10", "a", "2026-10-07", &["J069"]),
    ];
    let o = run(&[member("a", "1980-01-01")], &claims, &[]);
    let ed = events(&o, "a", EventKind::EdVisit);
    let days: Vec<String> = ed.iter().map(|e| e.date.to_string()).collect();
    assert_eq!(
        days,
        [
            "2026-10-01",
            "2026-10-02",
            "2026-10-03",
            "2026-10-04",
            "2026-10-05"
        ]
    );
    assert_eq!(
        ed[0].id, "C1",
        "the smallest claim id of the day is the event id"
    );
    assert!(o.errors.is_empty(), "{:?}", o.errors);
}

#[test]
fn ed_day_avoidable_and_sud_flags() {
    let claims = vec![
        // Day 1: every ED claim has a listed primary dx → avoidable.
        ed("A1", "a", "2026-09-01", &["J069"]),
        ed("A2", "a", "2026-09-01", &["N390"]),
        // Day 2: one non-listed primary dx → not avoidable.
        ed("B1", "a", "2026-09-02", &["J069"]),
        ed("B2", "a", "2026-09-02", &["S7200XA"]),
        // Day 3: listed + a claim without primary dx → unknown.
        ed("C1", "a", "2026-09-03", &["J069"]),
        ed("C2", "a", "2026-09-03", &[]),
        // Day 4: F10–F19 in a secondary position → SUD-related; non-listed primary.
        ed("D1", "a", "2026-09-04", &["R079", "F1020"]),
    ];
    let o = run(&[member("a", "1980-01-01")], &claims, &[]);
    let ed = events(&o, "a", EventKind::EdVisit);
    let flags: Vec<(Option<bool>, Option<bool>)> =
        ed.iter().map(|e| (e.avoidable, e.sud_related)).collect();
    assert_eq!(
        flags,
        [
            (Some(true), Some(false)),
            (Some(false), Some(false)),
            (None, Some(false)),
            (Some(false), Some(true)),
        ]
    );
}

/// Issue #14 item 14: which ED visit days count as avoidable is the plan overlay's named
/// setting; careloop's default (every ED line listed) is unchanged, and the reading is in the
/// evidence.
#[test]
fn avoidable_ed_reading_is_the_plans_setting() {
    let physician = |claim: &str, day: &str, dx: &[&'static str]| {
        let mut line = office(claim, "a", day, dx);
        line.pos = "23";
        line
    };
    let claims = vec![
        // Day 1: a listed and an unlisted facility ED claim.
        ed("A1", "a", "2026-09-01", &["J069"]),
        ed("A2", "a", "2026-09-01", &["S7200XA"]),
        // Day 2: the facility claim listed, the physician's ED claim unlisted.
        ed("B1", "a", "2026-09-02", &["J069"]),
        physician("B2", "2026-09-02", &["S7200XA"]),
        // Day 3: a listed facility claim and one without a primary diagnosis.
        ed("C1", "a", "2026-09-03", &["J069"]),
        ed("C2", "a", "2026-09-03", &[]),
        // Day 4: only a physician's ED claim, listed.
        physician("D1", "2026-09-04", &["J069"]),
    ];
    let members = [member("a", "1980-01-01")];
    let read = |reading: Option<AvoidableEdReading>| {
        let mut pack = PolicyPack::embedded().unwrap();
        let hpsm = pack.plans.iter_mut().find(|p| p.id == "hpsm").unwrap();
        hpsm.identification.avoidable_ed_reading = reading.map(|r| Cited::new(r, "test overlay"));
        let o = run_with_pack(&pack, &members, &claims, &[], |cfg, _| {
            cfg.plan = Some("hpsm".into());
        });
        let ed = events(&o, "a", EventKind::EdVisit);
        let flags: Vec<Option<bool>> = ed.iter().map(|e| e.avoidable).collect();
        let used: Vec<Option<AvoidableEdReading>> =
            ed.iter().map(|e| e.avoidable_reading).collect();
        (flags, used, o.summary.json["avoidable_ed_reading"].clone())
    };
    use AvoidableEdReading::*;
    let (flags, used, summary) = read(None);
    assert_eq!(flags, [Some(false), Some(false), None, Some(true)]);
    assert_eq!(
        used,
        [Some(EveryEdLine); 4],
        "the default reading is recorded"
    );
    assert_eq!(summary, "every-ed-line");
    let (flags, _, summary) = read(Some(AnyEdClaim));
    assert_eq!(flags, [Some(true), Some(true), Some(true), Some(true)]);
    assert_eq!(summary, "any-ed-claim");
    let (flags, used, _) = read(Some(FacilityClaim));
    assert_eq!(flags, [Some(false), Some(true), None, Some(true)]);
    assert_eq!(used, [Some(FacilityClaim); 4]);
}

#[test]
fn avoidable_list_can_be_replaced_by_the_plan() {
    let claims = vec![
        ed("A1", "a", "2026-09-01", &["R079"]),
        ed("B1", "a", "2026-09-02", &["J069"]),
    ];
    let o = run_with(&[member("a", "1980-01-01")], &claims, &[], |cfg, dir| {
        let list = dir.join("avoidable.txt");
        std::fs::write(&list, "# plan list\nR07 # chest pain\n").unwrap();
        cfg.avoidable_ed = Some(list);
    });
    let ed = events(&o, "a", EventKind::EdVisit);
    assert_eq!(ed[0].avoidable, Some(true), "R079 is listed by the plan");
    assert_eq!(
        ed[1].avoidable,
        Some(false),
        "J069 is not on the plan's list"
    );
}

#[test]
fn inpatient_stays_one_per_admission_with_unplanned_flag() {
    let mut professional = stay("P1", "a", "111", "2026-03-01", "2026-03-02", "1", &["I10"]);
    professional.claim_type = "professional";
    let claims = vec![
        stay("I1", "a", "111", "2026-06-01", "2026-06-05", "1", &["I509"]),
        stay("I2", "a", "111", "2026-06-01", "2026-06-05", "", &["F1120"]),
        stay("I3", "a", "0111", "2026-07-01", "2026-07-03", "3", &["I10"]),
        stay("I4", "a", "112", "2026-08-01", "2026-08-03", "9", &["I10"]),
        stay("I5", "a", "111", "2026-09-01", "2026-09-03", "5", &["I10"]),
        stay("I6", "a", "131", "2026-10-01", "2026-10-01", "1", &["I10"]),
        professional,
    ];
    let o = run(&[member("a", "1980-01-01")], &claims, &[]);
    let ip = events(&o, "a", EventKind::InpatientStay);
    let got: Vec<(String, String, Option<bool>, Option<bool>)> = ip
        .iter()
        .map(|e| (e.date.to_string(), e.id.clone(), e.unplanned, e.sud_related))
        .collect();
    assert_eq!(
        got,
        [
            ("2026-06-01".into(), "I1".into(), Some(true), Some(true)),
            ("2026-07-01".into(), "I3".into(), Some(false), Some(false)),
            ("2026-08-01".into(), "I4".into(), None, Some(false)),
            ("2026-09-01".into(), "I5".into(), Some(true), Some(false)),
        ]
    );
}

#[test]
fn snf_stays_short_term_within_30_days() {
    let mut no_end = stay("S3", "a", "211", "2026-09-01", "", "1", &["I10"]);
    no_end.end = String::new();
    let claims = vec![
        stay("S1", "a", "211", "2026-05-01", "2026-05-31", "2", &["I10"]),
        stay("S2", "a", "0211", "2026-07-01", "2026-08-01", "1", &["I10"]),
        no_end,
    ];
    let o = run(&[member("a", "1980-01-01")], &claims, &[]);
    let snf = events(&o, "a", EventKind::SnfStay);
    let got: Vec<(Option<bool>, Option<bool>)> =
        snf.iter().map(|e| (e.short_term, e.unplanned)).collect();
    assert_eq!(
        got,
        [
            (Some(true), Some(true)),
            (Some(false), Some(true)),
            (None, Some(true))
        ]
    );
}

#[test]
fn homelessness_from_z59_codes_latest_date_for_90_days() {
    let claims = vec![
        office("H1", "a", "2026-08-01", &["Z59.01"]),
        office("H2", "a", "2026-10-01", &["I10", "Z5902"]),
        office("H3", "b", "2026-10-01", &["Z590"]),
        office("H4", "c", "2026-10-01", &["Z591"]),
    ];
    let members = [
        member("a", "1980-01-01"),
        member("b", "1980-01-01"),
        member("c", "1980-01-01"),
    ];
    let o = run(&members, &claims, &[]);
    let h = indicator(&o, "a", IndicatorKind::Homelessness).unwrap();
    assert_eq!(h.start, date(2026, 10, 1));
    assert_eq!(h.end, Some(date(2026, 12, 30)));
    assert_eq!(
        h.condition,
        Some(HomelessCondition::PlaceNotMeantForHabitation)
    );
    assert_eq!(h.id.as_deref(), Some("H2"));
    assert_eq!(
        indicator(&o, "b", IndicatorKind::Homelessness)
            .unwrap()
            .condition,
        None
    );
    assert!(
        indicator(&o, "c", IndicatorKind::Homelessness).is_none(),
        "Z59.1 is not homelessness"
    );
}

#[test]
fn pregnancy_delivery_and_postpartum() {
    let claims = vec![
        // a: pregnant (first code in 10 months), no delivery.
        office("P0", "a", "2025-12-01", &["O0900"]),
        office("P1", "a", "2026-03-01", &["Z3A20"]),
        office("P2", "a", "2026-09-01", &["O0900"]),
        // b: pregnancy then delivery → postpartum only.
        office("Q1", "b", "2026-02-01", &["O0900"]),
        stay(
            "Q2",
            "b",
            "111",
            "2026-06-01",
            "2026-06-03",
            "1",
            &["O80", "Z370"],
        ),
        // c: delivery, then a new pregnancy.
        office("R1", "c", "2026-01-10", &["Z370"]),
        office("R2", "c", "2026-08-01", &["O0900"]),
    ];
    let members = [
        member("a", "1995-01-01"),
        member("b", "1995-01-01"),
        member("c", "1995-01-01"),
    ];
    let o = run(&members, &claims, &[]);
    let a = indicator(&o, "a", IndicatorKind::Pregnancy).unwrap();
    assert_eq!(
        (a.start, a.end),
        (date(2026, 3, 1), Some(date(2026, 10, 1))),
        "first date in the last 10 months"
    );
    assert!(indicator(&o, "a", IndicatorKind::Postpartum).is_none());
    assert!(
        indicator(&o, "b", IndicatorKind::Pregnancy).is_none(),
        "a delivery follows it"
    );
    assert_eq!(
        indicator(&o, "b", IndicatorKind::Postpartum).unwrap().start,
        date(2026, 6, 1)
    );
    let c = indicator(&o, "c", IndicatorKind::Pregnancy).unwrap();
    assert_eq!(c.start, date(2026, 8, 1));
    assert_eq!(
        indicator(&o, "c", IndicatorKind::Postpartum).unwrap().start,
        date(2026, 1, 10)
    );
}

#[test]
fn condition_groups_first_date_in_the_look_back() {
    let claims = vec![
        office("X0", "a", "2025-11-21", &["F1020"]), // one day before the 12-month window
        office("X1", "a", "2026-01-05", &["F1120"]),
        office("X2", "a", "2025-12-01", &["F1020"]),
        office("X3", "a", "2026-02-01", &["F203"]),
        office("X4", "a", "2026-02-02", &["F71"]),
        office("X5", "a", "2026-02-03", &["S065X0A"]),
        office("X6", "a", "2026-02-04", &["B20"]),
        office("X7", "a", "2026-02-05", &["E119"]),
        office("X8", "b", "2026-02-05", &["F329", "F321"]),
    ];
    let o = run(
        &[member("a", "1980-01-01"), member("b", "1980-01-01")],
        &claims,
        &[],
    );
    let want = [
        (IndicatorKind::SubstanceUseDisorder, "2025-12-01", "X2"),
        (IndicatorKind::MentalIllness, "2026-02-01", "X3"),
        (
            IndicatorKind::IntellectualDevelopmentalDisability,
            "2026-02-02",
            "X4",
        ),
        (IndicatorKind::TraumaticBrainInjury, "2026-02-03", "X5"),
        (IndicatorKind::HivAids, "2026-02-04", "X6"),
        (IndicatorKind::ChronicCondition, "2026-02-05", "X7"),
    ];
    for (kind, start, id) in want {
        let i = indicator(&o, "a", kind).unwrap_or_else(|| panic!("{kind:?}"));
        assert_eq!(
            (i.start.to_string().as_str(), i.id.as_deref(), i.end),
            (start, Some(id), None),
            "{kind:?}"
        );
    }
    assert!(
        o.facts("b").indicators.is_empty(),
        "F32.9 and F32.1 are not SMI"
    );
}

#[test]
fn windows_coverage_and_enrollment() {
    let claims = vec![
        ed("E1", "a", "2026-11-23", &["J069"]), // after as_of: ignored
        ed("E2", "a", "2024-02-01", &["J069"]), // before the look-back
        ed("E3", "a", "2026-05-01", &["J069"]),
        ed("E4", "b", "2026-05-01", &["J069"]), // b's enrollment ended 2026-03-31
    ];
    let b = "b,male,1980-01-01,2025-01-01,2026-03-31,medicaid,hpsm,,San Mateo".to_string();
    let o = run(&[member("a", "1980-01-01"), b], &claims, &[]);
    assert_eq!(events(&o, "a", EventKind::EdVisit).len(), 1);
    let ua = o.facts("a").utilization.clone().unwrap();
    // Extract period = min..max service date; a is enrolled since 2024-01-01.
    assert_eq!(
        (ua.data_from, ua.data_through),
        (Some(date(2024, 2, 1)), Some(date(2026, 11, 23)))
    );
    // b: no span covers as_of → the extract clipped to the latest span.
    let ub = o.facts("b").utilization.clone().unwrap();
    assert_eq!(
        (ub.data_from, ub.data_through),
        (Some(date(2025, 1, 1)), Some(date(2026, 3, 31)))
    );
    let s = &o.summary.json;
    assert_eq!(s["claim_lines_after_as_of"], 1);
    assert_eq!(s["claim_lines_before_lookback"], 1);
    assert_eq!(s["claims_outside_enrollment"], 1);
    let e = &o.facts("a").enrollments[0];
    assert_eq!(
        (
            e.plan.as_str(),
            e.line_of_business.as_str(),
            e.county.as_deref()
        ),
        ("hpsm", "medi-cal", Some("San Mateo"))
    );
}

#[test]
fn plan_override_and_line_of_business_from_payer_type() {
    let rows = [
        "a,female,1980-01-01,2024-01-01,,medicare,medicare,,".to_string(),
        "b,female,1980-01-01,2024-01-01,,medicaid,unknown-plan,,".to_string(),
    ];
    let o = run_with(&rows, &[], &[], |cfg, _| {
        cfg.plan = Some("alameda-alliance".into())
    });
    let a = &o.facts("a").enrollments[0];
    assert_eq!(
        (a.plan.as_str(), a.line_of_business.as_str()),
        ("alameda-alliance", "medicare")
    );
    assert_eq!(o.facts("b").enrollments[0].line_of_business, "medi-cal");
    // Without --plan, a plan that is not a pack plan id is an error row and no enrollment.
    let o = run(&rows, &[], &[]);
    assert_eq!(o.errors.len(), 2, "{:?}", o.errors);
    assert!(
        o.errors[0].starts_with("eligibility,2,a,unknown plan 'medicare'"),
        "{:?}",
        o.errors
    );
    assert!(o.facts("a").enrollments.is_empty());
}

#[test]
fn bad_rows_go_to_the_errors_file_and_the_run_continues() {
    let mut pcs = office("B1", "a", "2026-05-01", &["I10"]);
    pcs.dx = vec!["I10"];
    let mut lines: Vec<String> = vec![
        pcs.csv().replace("icd-10-cm", "icd-10-pcs"), // line 2
        office("B2", "a", "2026-13-01", &["I10"]).csv(), // line 3
        office("B3", "", "2026-05-01", &["I10"]).csv(), // line 4
        office("B4", "ghost", "2026-05-01", &["I10"]).csv(), // line 5
        "B5,1,professional,a".to_string(),            // line 6
        office("B6", "a", "2026-05-01", &["I10"])
            .csv()
            .replace("B6", "\"B6"), // line 7
        stay("B7", "a", "111", "2026-05-05", "2026-05-01", "1", &["I10"]).csv(), // line 8
        office("B8", "a", "2026-05-01", &["ABC"]).csv(), // line 9
        office("OK", "a", "2026-05-01", &["F1020"]).csv(), // line 10
    ];
    lines.insert(0, CLAIM_HEADER.to_string());
    let o = run_with(
        &[member("a", "1980-01-01")],
        &[],
        &[
            "a,not-a-kind,2026-01-01,,s1,,",
            "a,hospice,2026-01-01,2025-01-01,s2,,",
            "a,hospice,2026-01-01,,s3,maybe,",
        ],
        |cfg, _| {
            std::fs::write(&cfg.claims, lines.join("\n") + "\n").unwrap();
        },
    );
    let reasons: Vec<(String, String)> = o
        .errors
        .iter()
        .map(|e| {
            let f = split_csv(e);
            (format!("{}:{}", f[0], f[1]), f[3].clone())
        })
        .collect();
    let want = [
        ("medical_claim:2", "unknown code system 'icd-10-pcs'"),
        ("medical_claim:3", "unparseable date in claim_start_date"),
        ("medical_claim:4", "missing person_id"),
        ("medical_claim:5", "person_id not in the eligibility file"),
        ("medical_claim:6", "wrong column count"),
        ("medical_claim:7", "unterminated quoted field"),
        ("medical_claim:8", "claim_end_date before claim_start_date"),
        ("medical_claim:9", "invalid ICD-10-CM code 'ABC'"),
        ("member_indicators:2", "unknown indicator 'not-a-kind'"),
        ("member_indicators:3", "end_date before start_date"),
        ("member_indicators:4", "unknown status 'maybe'"),
    ];
    assert_eq!(reasons.len(), want.len(), "{reasons:#?}");
    for ((at, reason), (want_at, want_reason)) in reasons.iter().zip(want) {
        assert_eq!(at, want_at);
        assert!(reason.starts_with(want_reason), "{at}: {reason}");
    }
    // The good line still counts.
    assert!(indicator(&o, "a", IndicatorKind::SubstanceUseDisorder).is_some());
    assert_eq!(o.summary.errors, 11);
    assert_eq!(o.summary.claim_lines, 9);
}

#[test]
fn quoted_fields_with_commas_are_one_field() {
    let mut l = office("Q1", "a", "2026-05-01", &["F1020"]);
    l.claim = "\"Q,1\"".into();
    let o = run(&[member("a", "1980-01-01")], &[l], &[]);
    assert!(o.errors.is_empty(), "{:?}", o.errors);
    let i = indicator(&o, "a", IndicatorKind::SubstanceUseDisorder).unwrap();
    assert_eq!(i.id.as_deref(), Some("Q,1"));
}

#[test]
fn result_does_not_depend_on_the_number_of_threads() {
    let mut claims = Vec::new();
    for p in 0..40 {
        for k in 0..30 {
            let day = format!("2026-{:02}-{:02}", 1 + (k % 10), 1 + (p + k) % 27);
            let dx: &[&'static str] = match k % 5 {
                0 => &["J069"],
                1 => &["F1020", "Z5902"],
                2 => &["O0900"],
                3 => &["E119"],
                _ => &["R079"],
            };
            claims.push(ed(&format!("C{p}-{k}"), &format!("m{p}"), &day, dx));
        }
    }
    let members: Vec<String> = (0..40)
        .map(|p| member(&format!("m{p}"), "2012-05-05"))
        .collect();
    let one = run_with(&members, &claims, &[], |cfg, _| cfg.threads = 1);
    let four = run_with(&members, &claims, &[], |cfg, _| cfg.threads = 4);
    assert_eq!(one.facts, four.facts);
    assert_eq!(one.rows, four.rows);
    assert!(!one.rows.is_empty());
}
