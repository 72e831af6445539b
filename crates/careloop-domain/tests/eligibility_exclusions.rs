//! ECM exclusions (CALAIM.md §2.4) and Community Supports eligibility (§3.2).

#[path = "support/eligibility.rs"]
mod support;

use careloop_domain::CsId;
use careloop_domain::eligibility::{
    EnrollmentSpan, HomelessCondition, Indicator, IndicatorKind as K, MemberFacts, Outcome,
    determine,
};
use jiff::civil::date;
use support::*;

/// An adult who meets POF 1a.
fn pof_1a_member() -> MemberFacts {
    with(
        adult(),
        vec![
            Indicator {
                condition: Some(HomelessCondition::LacksFixedResidence),
                ..ind(K::Homelessness, date(2026, 10, 1))
            },
            ind(K::ComplexNeed, date(2026, 10, 1)),
            absent(K::LivingWithDependentChildren, date(2026, 10, 1)),
        ],
    )
}

#[test]
fn eligible_member_has_no_exclusion() {
    let det = run(&pof_1a_member());
    assert_eq!(det.ecm_eligible, Some(true));
    assert!(
        det.exclusions.iter().all(|e| e.outcome == Outcome::NotMet),
        "{:#?}",
        det.exclusions
    );
}

#[test]
fn each_program_excludes_ecm() {
    for (kind, rule) in [
        (K::Hospice, "exclusion.hospice"),
        (K::Pace, "exclusion.pace"),
        (K::Ccm, "exclusion.ccm"),
        (K::Cct, "exclusion.cct"),
        (K::Waiver1915c, "exclusion.waiver_1915c"),
    ] {
        let mut facts = pof_1a_member();
        facts.indicators.retain(|i| i.kind != kind);
        facts.indicators.push(ind(kind, date(2026, 9, 1)));
        let det = run(&facts);
        assert_eq!(
            det.exclusion(rule).map(|t| t.outcome),
            Some(Outcome::Met),
            "{rule}"
        );
        assert_eq!(det.ecm_eligible, Some(false), "{rule}");
        assert_eq!(
            status(&det, "1a"),
            Outcome::Met,
            "the POF itself is still met ({rule})"
        );
        assert_eq!(
            evidence_ids(&det, rule),
            vec![format!("{}-2026-09-01", kind.name())]
        );
    }
}

#[test]
fn program_that_ended_does_not_exclude() {
    let mut facts = pof_1a_member();
    facts.indicators.retain(|i| i.kind != K::Hospice);
    facts.indicators.push(Indicator {
        end: Some(date(2026, 10, 31)),
        ..ind(K::Hospice, date(2026, 9, 1))
    });
    assert_eq!(run(&facts).ecm_eligible, Some(true));
}

#[test]
fn unknown_program_enrollment_leaves_ecm_undetermined() {
    let mut facts = pof_1a_member();
    facts.indicators.retain(|i| i.kind != K::Pace);
    let det = run(&facts);
    assert_eq!(det.ecm_eligible, None);
    assert!(det.missing_facts.contains(&"indicators.pace".to_string()));
}

#[test]
fn not_enrolled_in_mcp_excludes_and_unknown_enrollment_is_undetermined() {
    let mut ended = pof_1a_member();
    ended.enrollments = vec![EnrollmentSpan {
        end: Some(date(2026, 6, 30)),
        ..medi_cal("alameda-alliance")
    }];
    let det = run(&ended);
    assert_eq!(
        det.exclusion("exclusion.not_enrolled_in_mcp")
            .map(|t| t.outcome),
        Some(Outcome::Met)
    );
    assert_eq!(det.ecm_eligible, Some(false));
    assert_eq!(det.cs_eligible, Some(false));

    let mut unknown = pof_1a_member();
    unknown.enrollments.clear();
    let det = run(&unknown);
    assert_eq!(det.ecm_eligible, None);
    assert!(det.missing_facts.contains(&"enrollments".to_string()));
}

fn hpsm_dsnp() -> MemberFacts {
    let mut facts = pof_1a_member();
    facts.enrollments = vec![EnrollmentSpan {
        plan: "hpsm".into(),
        county: Some("San Mateo".into()),
        line_of_business: "d-snp".into(),
        start: date(2025, 1, 1),
        end: None,
    }];
    // HPSM's CS prerequisites (seed 003): a care manager and the member's willingness.
    facts.indicators.extend(hpsm_prerequisites());
    facts
}

fn hpsm_prerequisites() -> Vec<Indicator> {
    vec![
        ind(K::EngagedWithCareManager, date(2026, 10, 1)),
        ind(K::WillingToReceiveCs, date(2026, 10, 1)),
    ]
}

#[test]
fn hpsm_dsnp_excluded_from_ecm_but_cs_eligible() {
    let det = determine(&hpsm_dsnp(), AS_OF, &pack());
    assert_eq!(
        det.exclusion("exclusion.plan_line_of_business")
            .map(|t| t.outcome),
        Some(Outcome::Met)
    );
    assert_eq!(det.ecm_eligible, Some(false));
    assert_eq!(
        det.community_support(CsId::HousingTransitionNavigation)
            .map(|c| c.status),
        Some(Outcome::Met)
    );
    assert_eq!(det.cs_eligible, Some(true));
}

#[test]
fn dsnp_at_a_plan_without_that_exclusion_is_not_excluded() {
    let mut facts = hpsm_dsnp();
    facts.enrollments[0].plan = "alameda-alliance".into();
    let det = determine(&facts, AS_OF, &pack());
    assert_eq!(det.ecm_eligible, Some(true));
}

#[test]
fn hpsm_ecm_eligible_member_is_cs_eligible_by_plan_rule_only_at_hpsm() {
    // POF 7 child, no CS-specific facts.
    let base = with(
        child(),
        vec![
            ind(K::Ccs, date(2022, 1, 1)),
            ind(K::ComplexSocialRiskFactor, date(2026, 1, 1)),
        ],
    );
    let mut at_hpsm = with(base.clone(), hpsm_prerequisites());
    at_hpsm.enrollments = vec![medi_cal("hpsm")];
    let det = run(&at_hpsm);
    assert_eq!(det.ecm_eligible, Some(true));
    // Issue #14 item 13: the plan rule makes every CS HPSM offers met, except where the
    // service's own bounds stop it (Assisted Living for a 14-year-old; a home transition for a
    // member not known to be in a nursing facility); CS HPSM does not offer are not met by it.
    for c in &det.community_supports {
        let bounded = [CsId::AlfTransitions, CsId::CommunityHomeTransition];
        let by_rule = c.offered == Some(true) && !bounded.contains(&c.id);
        assert_eq!(
            c.status == Outcome::Met,
            by_rule,
            "{}: {:?} offered {:?}",
            c.id,
            c.status,
            c.offered
        );
    }
    let det = run(&base);
    assert_eq!(
        det.community_support(CsId::SoberingCenters)
            .map(|c| c.status),
        Some(Outcome::Undetermined)
    );
}

#[test]
fn community_supports_key_criteria() {
    let d = date(2026, 11, 1);
    let cases: Vec<(&str, CsId, Vec<Indicator>, Outcome)> = vec![
        (
            "sobering: intoxicated",
            CsId::SoberingCenters,
            vec![ind(K::FoundIntoxicated, AS_OF)],
            Outcome::Met,
        ),
        (
            "sobering: not",
            CsId::SoberingCenters,
            vec![absent(K::FoundIntoxicated, d)],
            Outcome::NotMet,
        ),
        (
            "asthma",
            CsId::AsthmaRemediation,
            vec![ind(K::PoorlyControlledAsthma, d)],
            Outcome::Met,
        ),
        (
            "respite: caregiver",
            CsId::Respite,
            vec![ind(K::CaregiverDependent, d)],
            Outcome::Met,
        ),
        (
            "alf: 60 NF days",
            CsId::AlfTransitions,
            vec![
                ind(K::NursingFacilityStay, days_before(AS_OF, 60)),
                ind(K::WillingToLiveInAlf, d),
                ind(K::CanLiveSafelyInAlf, d),
            ],
            Outcome::Met,
        ),
        (
            "alf: 59 NF days, no LOC",
            CsId::AlfTransitions,
            vec![
                ind(K::NursingFacilityStay, days_before(AS_OF, 59)),
                ind(K::WillingToLiveInAlf, d),
                ind(K::CanLiveSafelyInAlf, d),
                absent(K::NfLevelOfCare, d),
            ],
            Outcome::NotMet,
        ),
        (
            "home transition",
            CsId::CommunityHomeTransition,
            vec![
                ind(K::NfLevelOfCare, d),
                ind(K::NursingFacilityStay, days_before(AS_OF, 90)),
                ind(K::InterestInLeavingNf, d),
                ind(K::AbleToLiveInCommunity, d),
            ],
            Outcome::Met,
        ),
        (
            "transitional rent: all four",
            CsId::TransitionalRent,
            vec![
                ind(K::SmhsCriteriaMet, d),
                ind(K::AtRiskOfHomelessness, d),
                ind(K::TransitioningPopulation, d),
                ind(K::HousingSupportPlan, d),
            ],
            Outcome::Met,
        ),
        (
            "transitional rent: no plan",
            CsId::TransitionalRent,
            vec![
                ind(K::SmhsCriteriaMet, d),
                ind(K::AtRiskOfHomelessness, d),
                ind(K::TransitioningPopulation, d),
                absent(K::HousingSupportPlan, d),
            ],
            Outcome::NotMet,
        ),
        (
            "deposits via TR",
            CsId::HousingDeposits,
            vec![
                ind(K::DmcCriteriaMet, d),
                ind(K::AtRiskOfHomelessness, d),
                ind(K::TransitioningPopulation, d),
                ind(K::HousingSupportPlan, d),
            ],
            Outcome::Met,
        ),
        (
            "day hab: housed 1 year ago",
            CsId::DayHabilitation,
            vec![ind(K::HousedAfterHomelessness, date(2025, 11, 22))],
            Outcome::Met,
        ),
        (
            "pchs: IHSS",
            CsId::PersonalCareHomemaker,
            vec![ind(K::IhssApproved, d)],
            Outcome::Met,
        ),
        (
            "eaa: unknown",
            CsId::EnvironmentalAccessibilityAdaptations,
            vec![],
            Outcome::Undetermined,
        ),
    ];
    for (name, id, inds, expected) in cases {
        let det = run(&with(adult(), inds));
        assert_eq!(
            det.community_support(id).map(|c| c.status),
            Some(expected),
            "{name}"
        );
    }
}
