//! The statewide CS catalog (CALAIM.md §3.2, §5.2) and the program policy (CALAIM.md §8).

use careloop_domain::CsId;
use careloop_domain::policy::catalog::PolicyGuideVolume;
use careloop_domain::policy::{CodeError, CsCatalog, Hcpcs, Modifier, PolicyPack};
use jiff::civil::date;
use proptest::prelude::*;

fn pack() -> PolicyPack {
    match PolicyPack::embedded() {
        Ok(p) => p,
        Err(e) => panic!("embedded pack: {e}"),
    }
}

fn mods(list: &[&str]) -> Vec<Modifier> {
    list.iter()
        .filter_map(|m| Modifier::parse(m).ok())
        .collect()
}

fn hcpcs(code: &str) -> Hcpcs {
    match Hcpcs::parse(code) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn catalog_lists_all_15_cs_once_in_calaim_order() {
    let pack = pack();
    let ids: Vec<CsId> = pack.catalog.entries().iter().map(|e| e.id).collect();
    assert_eq!(ids, CsId::ALL.to_vec());
}

#[test]
fn april_2025_renames_keep_former_names() {
    let pack = pack();
    let cases = [
        (
            CsId::AlfTransitions,
            "ALF Transitions",
            "Nursing Facility Transition/Diversion to Assisted Living Facilities",
        ),
        (
            CsId::CommunityHomeTransition,
            "Community or Home Transition Services",
            "Community Transition Services/Nursing Facility Transition to a Home",
        ),
    ];
    for (id, name, former) in cases {
        assert_eq!(pack.catalog.name(id), name);
        let entry = pack.catalog.get(id);
        assert!(
            entry.is_some_and(|e| e.former_names.iter().any(|f| f.value == former)),
            "{id} former name {former}"
        );
    }
}

#[test]
fn volumes_split_8_health_and_7_housing() {
    let pack = pack();
    let vol2 = pack
        .catalog
        .entries()
        .iter()
        .filter(|e| e.volume.value == PolicyGuideVolume::Vol2)
        .count();
    assert_eq!(vol2, 7);
    let tr = pack.catalog.get(CsId::TransitionalRent);
    assert!(tr.is_some_and(|e| e.volume.value == PolicyGuideVolume::Vol2 && !e.volume.unconfirmed));
}

#[test]
fn statewide_availability_transitional_rent_2025_07_01_others_2022() {
    let pack = pack();
    for entry in pack.catalog.entries() {
        let expected = if entry.id == CsId::TransitionalRent {
            date(2025, 7, 1)
        } else {
            date(2022, 1, 1)
        };
        assert_eq!(entry.available_from.value, expected, "{}", entry.id);
    }
}

#[test]
fn every_catalog_value_is_cited() {
    let pack = pack();
    for e in pack.catalog.entries() {
        let mut sources = vec![&e.name.source, &e.volume.source, &e.available_from.source];
        sources.extend(e.former_names.iter().map(|c| &c.source));
        sources.extend(e.codes.iter().map(|c| &c.source));
        sources.extend(e.eligibility.iter().map(|c| &c.source));
        sources.extend(e.limits.iter().map(|c| &c.source));
        sources.extend(e.exclusions.iter().map(|c| &c.source));
        assert!(sources.iter().all(|s| !s.trim().is_empty()), "{}", e.id);
        assert!(!e.codes.is_empty(), "{} has codes", e.id);
        assert!(!e.eligibility.is_empty(), "{} has eligibility", e.id);
    }
}

#[test]
fn unconfirmed_catalog_values_are_flagged() {
    let pack = pack();
    // ALF Transitions: which code is time-limited vs ongoing is UNCONFIRMED (CALAIM.md §5.2).
    let alf = pack.catalog.get(CsId::AlfTransitions);
    assert!(alf.is_some_and(|e| e.codes.iter().all(|c| c.unconfirmed)));
    // Community/Home Transition $7,500 lifetime maximum is UNCONFIRMED (CALAIM.md §3.3).
    let cht = pack.catalog.get(CsId::CommunityHomeTransition);
    assert!(cht.is_some_and(|e| {
        e.limits
            .iter()
            .any(|l| l.unconfirmed && l.value.contains("7,500"))
    }));
}

#[test]
fn sobering_centers_are_clr_exempt_and_often_retro_authorized() {
    let pack = pack();
    for entry in pack.catalog.entries() {
        assert_eq!(
            entry.clr_exempt(),
            entry.id == CsId::SoberingCenters,
            "{}",
            entry.id
        );
    }
    let sc = pack.catalog.get(CsId::SoberingCenters);
    assert!(sc.is_some_and(|e| {
        e.flags
            .often_retro_authorized
            .as_ref()
            .is_some_and(|f| f.value)
    }));
}

#[test]
fn classify_by_code_and_modifier_pair_in_any_slot() {
    let pack = pack();
    let cases: [(&str, &[&str], Option<CsId>); 14] = [
        (
            "S5165",
            &["U6"],
            Some(CsId::EnvironmentalAccessibilityAdaptations),
        ),
        ("S5165", &["U5"], Some(CsId::AsthmaRemediation)),
        ("S5165", &["GQ", "76", "U5"], Some(CsId::AsthmaRemediation)),
        ("S5165", &[], None),
        ("S5165", &["U5", "U6"], None),
        ("H0043", &["U6"], Some(CsId::HousingTransitionNavigation)),
        (
            "H0043",
            &["U3"],
            Some(CsId::ShortTermPostHospitalizationHousing),
        ),
        ("H0043", &["U2"], Some(CsId::TransitionalRent)),
        ("H0044", &["U2"], Some(CsId::HousingDeposits)),
        ("H0044", &["U5"], Some(CsId::CommunityHomeTransition)),
        ("H0044", &["U6"], Some(CsId::TransitionalRent)),
        ("S9977", &["U9"], Some(CsId::MedicallyTailoredMeals)),
        (
            "H0014",
            &["XX", "YY", "ZZ", "AA", "U6"],
            Some(CsId::SoberingCenters),
        ),
        ("G9012", &["U2"], None),
    ];
    for (code, modifiers, expected) in cases {
        assert_eq!(
            pack.catalog.classify(&hcpcs(code), &mods(modifiers)),
            expected,
            "{code} {modifiers:?}"
        );
    }
}

#[test]
fn january_2026_code_additions_classify_only_from_their_effective_date() {
    let pack = pack();
    let cases = [
        ("H0044", "U5"),
        ("S9452", "U5"),
        ("S9452", "U6"),
        ("S9977", "U4"),
    ];
    for (code, modifier) in cases {
        let m = mods(&[modifier]);
        assert_eq!(
            pack.catalog
                .classify_on(&hcpcs(code), &m, date(2025, 12, 31)),
            None
        );
        assert!(
            pack.catalog
                .classify_on(&hcpcs(code), &m, date(2026, 1, 1))
                .is_some()
        );
    }
}

#[test]
fn hcpcs_and_modifier_parse_once_with_a_clear_error() {
    let cases: [(&str, Result<&str, ()>); 7] = [
        ("H0043", Ok("H0043")),
        ("h0043", Ok("H0043")),
        (" S5165 ", Ok("S5165")),
        ("0043H", Err(())),
        ("H043", Err(())),
        ("H00430", Err(())),
        ("", Err(())),
    ];
    for (input, expected) in cases {
        let parsed = Hcpcs::parse(input);
        match expected {
            Ok(code) => assert_eq!(parsed.map(|c| c.to_string()), Ok(code.to_string())),
            Err(()) => assert_eq!(parsed, Err(CodeError::Hcpcs(input.to_string()))),
        }
    }
    assert_eq!(
        Modifier::parse("u6").map(|m| m.to_string()),
        Ok("U6".to_string())
    );
    assert!(Modifier::parse("U").is_err());
    assert!(Modifier::parse("U-").is_err());
    let message = Hcpcs::parse("H43")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        message.contains("one letter followed by 4 digits"),
        "{message}"
    );
}

#[test]
fn catalog_file_rejects_duplicate_or_missing_cs() {
    let dup = r#"
[[cs]]
id = "respite"
name = { value = "Respite Services", source = "x" }
volume = { value = "vol-1", source = "x" }
available_from = { value = "2022-01-01", source = "x" }

[[cs]]
id = "respite"
name = { value = "Respite Services", source = "x" }
volume = { value = "vol-1", source = "x" }
available_from = { value = "2022-01-01", source = "x" }
"#;
    let err = toml::from_str::<CsCatalog>(dup)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("respite is listed more than once"), "{err}");
    let missing = &dup[..dup.find("\n\n[[cs]]").unwrap_or(dup.len())];
    let err = toml::from_str::<CsCatalog>(missing)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("missing from the catalog"), "{err}");
}

#[test]
fn program_policy_values_from_calaim_section_8() {
    let pack = pack();
    // The invoice windows are Aetna's plan rule (seed 000 [1]); they live in its overlay now
    // (issue #14 item 2).
    let aetna = pack
        .plan("aetna-better-health-ca")
        .and_then(|plan| plan.invoice.as_ref());
    let p = pack.program.clone();
    assert_eq!(p.ecm_initial_authorization_months.value, 12);
    assert_eq!(p.ecm_reauthorization_months.value, 6);
    assert_eq!(aetna.map(|i| i.timely_filing_days.value), Some(180));
    assert_eq!(aetna.map(|i| i.resubmission_days.value), Some(90));
    assert_eq!(p.clr_effective.value, date(2025, 7, 1));
    assert_eq!(p.clr_monitoring_start.value, date(2026, 7, 1));
    assert_eq!(p.appeal_resolution_days.value, 30);
    assert_eq!(p.state_hearing_request_days.value, 120);
    assert_eq!(p.aid_paid_pending_request_days.value, 10);
    assert_eq!(p.state_hearing_decision_days.value, 90);
    assert!(p.member_appeal_filing_days.unconfirmed);
    assert_eq!(p.cs_election_interval_months.value, 6);
    let tr = p.mandate(CsId::TransitionalRent);
    assert_eq!(tr.map(|m| m.effective_from), Some(date(2026, 1, 1)));
    assert_eq!(p.mandates_on(date(2025, 12, 31)).count(), 0);
    assert_eq!(p.mandates_on(date(2026, 1, 1)).count(), 1);
}

proptest! {
    /// Any letter + 4 digits parses and round-trips; anything of another length does not.
    #[test]
    fn hcpcs_shape_is_letter_and_four_digits(letter in "[A-Za-z]", digits in "[0-9]{4}", junk in "[A-Z0-9]{0,4}|[A-Z0-9]{6,8}") {
        let code = format!("{letter}{digits}");
        let parsed = Hcpcs::parse(&code);
        prop_assert_eq!(parsed.map(|c| c.to_string()), Ok(code.to_ascii_uppercase()));
        prop_assert!(Hcpcs::parse(&junk).is_err());
    }
}
