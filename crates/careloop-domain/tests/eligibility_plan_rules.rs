//! Plan program rules in eligibility (issue #14): the bounds of HPSM's "ECM-eligible means
//! CS-eligible" (item 13), plan CS prerequisites (item 4), legacy automatic ECM enrollment
//! (item 8) and the named 1915(c) waiver exclusion (item 9). Synthetic data only.

#[path = "support/eligibility.rs"]
mod support;

use careloop_domain::CsId;
use careloop_domain::eligibility::{
    Determination, EnrollmentSpan, Indicator, IndicatorKind as K, MemberFacts, Outcome, Trace,
    WaiverProgram,
};
use jiff::civil::date;
use support::*;

fn hpsm_span(county: Option<&str>) -> EnrollmentSpan {
    EnrollmentSpan {
        county: county.map(str::to_string),
        ..medi_cal("hpsm")
    }
}

/// A POF 7 child (14 on AS_OF) at HPSM in San Mateo who meets HPSM's CS prerequisites and no
/// CS-specific criteria.
fn hpsm_child() -> MemberFacts {
    let mut facts = with(
        child(),
        vec![
            ind(K::Ccs, date(2022, 1, 1)),
            ind(K::ComplexSocialRiskFactor, date(2026, 1, 1)),
            ind(K::EngagedWithCareManager, date(2026, 10, 1)),
            ind(K::WillingToReceiveCs, date(2026, 10, 1)),
        ],
    );
    facts.enrollments = vec![hpsm_span(Some("San Mateo"))];
    facts
}

fn cs_status(det: &Determination, id: CsId) -> Option<Outcome> {
    det.community_support(id).map(|c| c.status)
}

fn find<'a>(t: &'a Trace, rule: &str) -> Option<&'a Trace> {
    if t.rule == rule {
        return Some(t);
    }
    t.any_of
        .iter()
        .chain(t.all_of.iter())
        .find_map(|c| find(c, rule))
}

fn cs_trace<'a>(det: &'a Determination, id: CsId, rule: &str) -> Option<&'a Trace> {
    det.community_support(id)?
        .criteria
        .iter()
        .find_map(|t| find(t, rule))
}

// --- item 13 -------------------------------------------------------------------------------

#[test]
fn plan_rule_reaches_only_cs_the_plan_offers_there() {
    let det = run(&hpsm_child());
    assert_eq!(det.ecm_eligible, Some(true));
    // HPSM offers Housing Deposits; it does not offer Sobering Centers or Recuperative Care.
    assert_eq!(cs_status(&det, CsId::HousingDeposits), Some(Outcome::Met));
    for id in [CsId::SoberingCenters, CsId::RecuperativeCare] {
        let c = det.community_support(id);
        assert_eq!(c.and_then(|c| c.offered), Some(false), "{id}");
        assert_ne!(c.map(|c| c.status), Some(Outcome::Met), "{id}");
        let offered = cs_trace(&det, id, &format!("cs.{id}.plan_rule.offered"));
        assert_eq!(offered.map(|t| t.outcome), Some(Outcome::NotMet), "{id}");
        assert!(
            offered.is_some_and(|t| t.description.contains("not offered")),
            "{offered:#?}"
        );
    }
    // Transitional Rent is a statewide mandate from 2026-01-01: offered by every plan.
    let tr = det.community_support(CsId::TransitionalRent);
    assert_eq!(tr.and_then(|c| c.offered), Some(true));
    assert_eq!(tr.map(|c| c.status), Some(Outcome::Met));
}

#[test]
fn plan_rule_never_passes_the_service_age_group_or_setting() {
    let det = run(&hpsm_child());
    // Assisted Living transitions for a 14-year-old: offered, but the ALF settings are adult.
    let alf = det.community_support(CsId::AlfTransitions);
    assert_eq!(alf.and_then(|c| c.offered), Some(true));
    assert_ne!(alf.map(|c| c.status), Some(Outcome::Met));
    let age = cs_trace(
        &det,
        CsId::AlfTransitions,
        "cs.alf-transitions.plan_rule.age",
    );
    assert_eq!(age.map(|t| t.outcome), Some(Outcome::NotMet));
    // Community transition needs the member to be in a nursing facility.
    let mut in_nf = hpsm_child();
    in_nf
        .indicators
        .push(absent(K::NursingFacilityStay, date(2026, 11, 1)));
    let det = run(&in_nf);
    assert_eq!(
        cs_status(&det, CsId::CommunityHomeTransition),
        Some(Outcome::NotMet)
    );
    in_nf
        .indicators
        .retain(|i| i.kind != K::NursingFacilityStay);
    in_nf
        .indicators
        .push(ind(K::NursingFacilityStay, date(2026, 11, 1)));
    let det = run(&in_nf);
    assert_eq!(
        cs_trace(
            &det,
            CsId::CommunityHomeTransition,
            "cs.community-home-transition.plan_rule.setting"
        )
        .map(|t| t.outcome),
        Some(Outcome::Met)
    );
}

#[test]
fn offered_without_a_recorded_county_follows_the_plan_counties() {
    // HPSM serves only San Mateo, so its offerings decide without the county.
    let mut facts = hpsm_child();
    facts.enrollments = vec![hpsm_span(None)];
    let det = run(&facts);
    assert_eq!(
        det.community_support(CsId::HousingDeposits)
            .and_then(|c| c.offered),
        Some(true)
    );
    // A county the plan does not serve offers nothing.
    facts.enrollments = vec![hpsm_span(Some("Alameda"))];
    let det = run(&facts);
    assert_eq!(
        det.community_support(CsId::HousingDeposits)
            .and_then(|c| c.offered),
        Some(false)
    );
    assert_ne!(cs_status(&det, CsId::HousingDeposits), Some(Outcome::Met));
}

// --- item 4 --------------------------------------------------------------------------------

#[test]
fn hpsm_prerequisites_appear_with_their_citation() {
    let det = run(&hpsm_child());
    for pre in [
        "active_membership",
        "engaged_with_care_manager",
        "willing_to_receive_cs",
    ] {
        let rule = format!("cs.housing-deposits.plan_prerequisite.{pre}");
        let t = cs_trace(&det, CsId::HousingDeposits, &rule);
        assert_eq!(t.map(|t| t.outcome), Some(Outcome::Met), "{rule}");
        assert!(
            t.is_some_and(|t| t.citation.source.contains("seed 003")),
            "{t:#?}"
        );
    }
}

#[test]
fn unknown_prerequisite_is_undetermined_naming_the_fact() {
    let mut facts = hpsm_child();
    facts
        .indicators
        .retain(|i| i.kind != K::EngagedWithCareManager);
    let det = run(&facts);
    assert_eq!(
        cs_status(&det, CsId::HousingDeposits),
        Some(Outcome::Undetermined)
    );
    assert!(
        det.missing_facts
            .contains(&"indicators.engaged-with-care-manager".to_string()),
        "{:?}",
        det.missing_facts
    );
    // Known unwilling: not met.
    facts.indicators.retain(|i| i.kind != K::WillingToReceiveCs);
    facts.indicators.extend([
        ind(K::EngagedWithCareManager, date(2026, 10, 1)),
        absent(K::WillingToReceiveCs, date(2026, 11, 1)),
    ]);
    let det = run(&facts);
    assert_eq!(
        cs_status(&det, CsId::HousingDeposits),
        Some(Outcome::NotMet)
    );
}

#[test]
fn other_plans_have_no_hpsm_prerequisites() {
    let mut facts = with(child(), vec![ind(K::FoundIntoxicated, AS_OF)]);
    facts.enrollments = vec![medi_cal("alameda-alliance")];
    let det = run(&facts);
    assert_eq!(cs_status(&det, CsId::SoberingCenters), Some(Outcome::Met));
    assert!(
        cs_trace(
            &det,
            CsId::SoberingCenters,
            "cs.sobering-centers.plan_prerequisite.engaged_with_care_manager"
        )
        .is_none()
    );
}

// --- item 8 --------------------------------------------------------------------------------

/// An adult in no POF (assessed), an HPSM member since 2020.
fn hpsm_adult_in_no_pof(program: Option<Indicator>) -> MemberFacts {
    let mut facts = adult();
    facts.enrollments = vec![EnrollmentSpan {
        start: date(2020, 1, 1),
        ..hpsm_span(Some("San Mateo"))
    }];
    facts.utilization = Some(complete_history(Vec::new()));
    facts.indicators.extend(
        [
            K::Homelessness,
            K::CouchSurfing,
            K::TemporaryLodging,
            K::SmhsCriteriaMet,
            K::DmcCriteriaMet,
            K::ReleaseFromIncarceration,
            K::LtcQualifyingFactors,
            K::LowerAcuitySkilledNursingNeed,
            K::NursingFacilityStay,
            K::InterestInLeavingNf,
            K::Pregnancy,
            K::Postpartum,
        ]
        .map(|k| absent(k, date(2026, 11, 1))),
    );
    facts.indicators.extend(program);
    facts
}

#[test]
fn legacy_mssp_member_is_ecm_eligible_by_its_own_path() {
    let det = run(&hpsm_adult_in_no_pof(Some(ind(
        K::LegacyMssp,
        date(2019, 5, 1),
    ))));
    assert!(
        det.populations.iter().all(|p| p.status == Outcome::NotMet),
        "{:#?}",
        det.populations
    );
    let legacy = det.legacy_enrollment.first();
    assert_eq!(
        legacy.map(|t| t.rule.as_str()),
        Some("ecm.legacy_enrollment")
    );
    assert_eq!(legacy.map(|t| t.outcome), Some(Outcome::Met));
    assert_eq!(det.ecm_eligible, Some(true));
    assert!(det.population("legacy").is_none());
}

#[test]
fn legacy_path_needs_the_program_before_2022() {
    let mut facts = hpsm_adult_in_no_pof(Some(ind(K::LegacyWpc, date(2022, 1, 1))));
    facts
        .indicators
        .push(absent(K::LegacyMssp, date(2026, 11, 1)));
    let det = run(&facts);
    assert_eq!(
        det.legacy_enrollment.first().map(|t| t.outcome),
        Some(Outcome::NotMet)
    );
    assert_eq!(det.ecm_eligible, Some(false));
    // Bridges to Wellness (a WPC pilot) on 2021-12-31 counts.
    let det = run(&hpsm_adult_in_no_pof(Some(ind(
        K::LegacyWpc,
        date(2021, 12, 31),
    ))));
    assert_eq!(det.ecm_eligible, Some(true));
    // Unknown program history: undetermined, naming the facts.
    let det = run(&hpsm_adult_in_no_pof(None));
    assert_eq!(det.ecm_eligible, None);
    assert!(
        det.missing_facts
            .contains(&"indicators.legacy-mssp".to_string())
    );
}

#[test]
fn legacy_path_is_only_for_members_of_the_plan_then() {
    let mut facts = hpsm_adult_in_no_pof(Some(ind(K::LegacyMssp, date(2019, 5, 1))));
    facts.enrollments = vec![EnrollmentSpan {
        start: date(2022, 1, 1),
        ..hpsm_span(Some("San Mateo"))
    }];
    let det = run(&facts);
    assert_eq!(det.ecm_eligible, Some(false));
    facts.enrollments = vec![medi_cal("alameda-alliance")];
    let det = run(&facts);
    assert!(det.legacy_enrollment.is_empty());
}

// --- item 9 --------------------------------------------------------------------------------

#[test]
fn waiver_exclusion_names_the_open_waiver() {
    let mut facts = hpsm_child();
    facts.indicators.retain(|i| i.kind != K::Waiver1915c);
    facts.indicators.push(Indicator {
        waiver: Some(WaiverProgram::Hcba),
        ..ind(K::Waiver1915c, date(2026, 9, 1))
    });
    let det = run(&facts);
    let t = det.exclusion("exclusion.waiver_1915c");
    assert_eq!(t.map(|t| t.outcome), Some(Outcome::Met));
    assert!(
        t.is_some_and(|t| t
            .description
            .contains("(HCBA) Waiver, from 2026-09-01 (open)")),
        "{t:#?}"
    );
    assert_eq!(det.ecm_eligible, Some(false));
}

// --- item 6 --------------------------------------------------------------------------------

/// A child with the three POF 1b housing conditions assessed as absent, plus `extra`.
fn child_housing(extra: Vec<Indicator>) -> MemberFacts {
    let d = date(2026, 11, 1);
    let mut facts = with(
        child(),
        vec![absent(K::CouchSurfing, d), absent(K::TemporaryLodging, d)],
    );
    facts.indicators.extend(extra);
    facts
}

fn pof_1b_housing(det: &Determination) -> Option<&Trace> {
    det.population("1b")?
        .criteria
        .iter()
        .find_map(|t| find(t, "pof1b.child.homeless_or_unstably_housed"))
}

#[test]
fn pof_1b_housing_insecurity_is_read_as_the_dhcs_conditions() {
    // At risk of homelessness alone is not POF 1b housing insecurity.
    let det = run(&child_housing(vec![
        absent(K::Homelessness, date(2026, 11, 1)),
        ind(K::AtRiskOfHomelessness, date(2026, 10, 1)),
    ]));
    assert_eq!(status(&det, "1b"), Outcome::NotMet);
    let t = pof_1b_housing(&det);
    assert!(
        t.is_some_and(|t| t.description.contains("housing insecurity")
            && t.description
                .contains("at risk of homelessness alone is not enough")
            && t.citation.source.contains("seed 003")),
        "{t:#?}"
    );
    // Losing housing within 30 days is: day 30 counts, day 31 does not.
    let losing = |days: i64| Indicator {
        condition: Some(careloop_domain::eligibility::HomelessCondition::ImminentLossOfHousing),
        housing_loss_date: Some(days_after(AS_OF, days)),
        ..ind(K::Homelessness, date(2026, 11, 1))
    };
    let det = run(&child_housing(vec![losing(30)]));
    assert_eq!(status(&det, "1b"), Outcome::Met);
    let det = run(&child_housing(vec![losing(31)]));
    assert_eq!(status(&det, "1b"), Outcome::NotMet);
}

fn days_after(day: jiff::civil::Date, days: i64) -> jiff::civil::Date {
    day.saturating_add(jiff::Span::new().days(days))
}
