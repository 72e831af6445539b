//! Every Population of Focus: met, not met and undetermined (CALAIM.md §2.2).

#[path = "support/eligibility.rs"]
mod support;

use careloop_domain::eligibility::{
    CorrectionalFacility, HomelessCondition, IndicatorKind as K, MemberFacts, Outcome, Variant,
};
use jiff::civil::date;
use support::*;

use Outcome::{Met, NotMet, Undetermined};

fn homeless(condition: HomelessCondition) -> careloop_domain::eligibility::Indicator {
    careloop_domain::eligibility::Indicator {
        condition: Some(condition),
        ..ind(K::Homelessness, date(2026, 10, 1))
    }
}

fn recent(kind: K) -> careloop_domain::eligibility::Indicator {
    ind(kind, date(2026, 10, 1))
}

fn no(kind: K) -> careloop_domain::eligibility::Indicator {
    absent(kind, date(2026, 10, 1))
}

fn release(
    facility: CorrectionalFacility,
    day: jiff::civil::Date,
) -> careloop_domain::eligibility::Indicator {
    careloop_domain::eligibility::Indicator {
        facility: Some(facility),
        ..ind(K::ReleaseFromIncarceration, day)
    }
}

struct Case {
    name: &'static str,
    code: &'static str,
    facts: MemberFacts,
    expected: Outcome,
}

fn case(name: &'static str, code: &'static str, facts: MemberFacts, expected: Outcome) -> Case {
    Case {
        name,
        code,
        facts,
        expected,
    }
}

fn cases() -> Vec<Case> {
    use CorrectionalFacility::*;
    use HomelessCondition::*;
    vec![
        // POF 1a: adult, homeless AND complex need AND no dependent children.
        case(
            "1a met",
            "1a",
            with(
                adult(),
                vec![
                    homeless(PlaceNotMeantForHabitation),
                    recent(K::ComplexNeed),
                    no(K::LivingWithDependentChildren),
                ],
            ),
            Met,
        ),
        case(
            "1a not met: family is 1b",
            "1a",
            with(
                adult(),
                vec![
                    homeless(LacksFixedResidence),
                    recent(K::ComplexNeed),
                    recent(K::LivingWithDependentChildren),
                ],
            ),
            NotMet,
        ),
        case(
            "1a not met: housed",
            "1a",
            with(adult(), vec![no(K::Homelessness), recent(K::ComplexNeed)]),
            NotMet,
        ),
        case(
            "1a not met: child",
            "1a",
            with(
                child(),
                vec![homeless(LacksFixedResidence), recent(K::ComplexNeed)],
            ),
            NotMet,
        ),
        case(
            "1a undetermined: need unknown",
            "1a",
            with(
                adult(),
                vec![
                    homeless(FleeingViolence),
                    no(K::LivingWithDependentChildren),
                ],
            ),
            Undetermined,
        ),
        // POF 1b.
        case(
            "1b met: child couch surfing",
            "1b",
            with(child(), vec![recent(K::CouchSurfing)]),
            Met,
        ),
        case(
            "1b met: child in motel",
            "1b",
            with(child(), vec![recent(K::TemporaryLodging)]),
            Met,
        ),
        case(
            "1b met: homeless family",
            "1b",
            with(
                adult(),
                vec![
                    homeless(ShelterOrTemporaryHousing),
                    recent(K::LivingWithDependentChildren),
                ],
            ),
            Met,
        ),
        case(
            "1b not met: adult alone",
            "1b",
            with(
                adult(),
                vec![
                    homeless(ShelterOrTemporaryHousing),
                    no(K::LivingWithDependentChildren),
                ],
            ),
            NotMet,
        ),
        case(
            "1b not met: child housed",
            "1b",
            with(
                child(),
                vec![
                    no(K::Homelessness),
                    no(K::CouchSurfing),
                    no(K::TemporaryLodging),
                ],
            ),
            NotMet,
        ),
        case(
            "1b undetermined: child, nothing known",
            "1b",
            child(),
            Undetermined,
        ),
        // POF 3.
        case(
            "3 child met: SMHS",
            "3",
            with(child(), vec![recent(K::SmhsCriteriaMet)]),
            Met,
        ),
        case(
            "3 child met: DMC",
            "3",
            with(
                child(),
                vec![no(K::SmhsCriteriaMet), recent(K::DmcCriteriaMet)],
            ),
            Met,
        ),
        case(
            "3 child not met",
            "3",
            with(child(), vec![no(K::SmhsCriteriaMet), no(K::DmcCriteriaMet)]),
            NotMet,
        ),
        case(
            "3 adult met: crisis services",
            "3",
            with(
                adult(),
                vec![
                    recent(K::DmcCriteriaMet),
                    recent(K::ComplexSocialRiskFactor),
                    recent(K::RelianceOnCrisisServices),
                ],
            ),
            Met,
        ),
        case(
            "3 adult met: postpartum",
            "3",
            with(
                adult(),
                vec![
                    recent(K::SmhsCriteriaMet),
                    recent(K::ComplexSocialRiskFactor),
                    ind(K::Postpartum, date(2026, 2, 1)),
                ],
            ),
            Met,
        ),
        case(
            "3 adult not met: no social risk",
            "3",
            with(
                adult(),
                vec![
                    recent(K::SmhsCriteriaMet),
                    no(K::ComplexSocialRiskFactor),
                    recent(K::HighRiskOverdoseSuicideInstitutionalization),
                ],
            ),
            NotMet,
        ),
        case(
            "3 adult undetermined: acuity unknown",
            "3",
            with(
                adult(),
                vec![
                    recent(K::SmhsCriteriaMet),
                    recent(K::ComplexSocialRiskFactor),
                ],
            ),
            Undetermined,
        ),
        // POF 4.
        case(
            "4 adult met: jail + SUD",
            "4",
            with(
                adult(),
                vec![
                    release(Jail, date(2026, 3, 1)),
                    recent(K::SubstanceUseDisorder),
                ],
            ),
            Met,
        ),
        case(
            "4 adult met: scheduled release within 90 days",
            "4",
            with(
                adult(),
                vec![release(Prison, date(2027, 1, 15)), recent(K::HivAids)],
            ),
            Met,
        ),
        case(
            "4 adult not met: no condition",
            "4",
            with(
                adult(),
                vec![
                    release(Prison, date(2026, 3, 1)),
                    no(K::MentalIllness),
                    no(K::SubstanceUseDisorder),
                    no(K::ChronicCondition),
                    no(K::IntellectualDevelopmentalDisability),
                    no(K::TraumaticBrainInjury),
                    no(K::HivAids),
                    no(K::Pregnancy),
                    no(K::Postpartum),
                ],
            ),
            NotMet,
        ),
        case(
            "4 adult not met: release 2 years ago",
            "4",
            with(
                adult(),
                vec![release(Jail, date(2024, 11, 1)), recent(K::MentalIllness)],
            ),
            NotMet,
        ),
        case(
            "4 adult undetermined: condition unknown",
            "4",
            with(adult(), vec![release(Jail, date(2026, 3, 1))]),
            Undetermined,
        ),
        case(
            "4 child met: youth facility",
            "4",
            with(
                child(),
                vec![release(YouthCorrectionalFacility, date(2026, 9, 1))],
            ),
            Met,
        ),
        case(
            "4 child not met: adult jail",
            "4",
            with(child(), vec![release(Jail, date(2026, 9, 1))]),
            NotMet,
        ),
        case(
            "4 child undetermined: facility unknown",
            "4",
            with(
                child(),
                vec![ind(K::ReleaseFromIncarceration, date(2026, 9, 1))],
            ),
            Undetermined,
        ),
        // POF 5.
        case(
            "5 met: skilled nursing + ADL",
            "5",
            with(
                adult(),
                vec![
                    recent(K::LowerAcuitySkilledNursingNeed),
                    recent(K::AdlIadlNeeds),
                    recent(K::AbleToLiveInCommunity),
                ],
            ),
            Met,
        ),
        case(
            "5 not met: cannot live in community",
            "5",
            with(
                adult(),
                vec![
                    recent(K::LtcQualifyingFactors),
                    recent(K::AdlIadlNeeds),
                    no(K::AbleToLiveInCommunity),
                ],
            ),
            NotMet,
        ),
        case(
            "5 not met: child",
            "5",
            with(child(), vec![recent(K::LtcQualifyingFactors)]),
            NotMet,
        ),
        case(
            "5 undetermined: factor unknown",
            "5",
            with(
                adult(),
                vec![
                    recent(K::LtcQualifyingFactors),
                    recent(K::AbleToLiveInCommunity),
                ],
            ),
            Undetermined,
        ),
        // POF 6.
        case(
            "6 met: explicit likely candidate",
            "6",
            with(
                adult(),
                vec![
                    ind(K::NursingFacilityStay, date(2026, 11, 1)),
                    recent(K::InterestInLeavingNf),
                    recent(K::LikelyCandidate),
                    recent(K::AbleToLiveInCommunity),
                ],
            ),
            Met,
        ),
        case(
            "6 not met: explicitly unlikely",
            "6",
            with(
                adult(),
                vec![
                    ind(K::NursingFacilityStay, date(2026, 1, 1)),
                    recent(K::InterestInLeavingNf),
                    no(K::LikelyCandidate),
                    recent(K::DecisionMakingCapacity),
                    recent(K::CaregiverOrIhssSupport),
                    recent(K::AdlIadlManageableInCommunity),
                    recent(K::AbleToLiveInCommunity),
                ],
            ),
            NotMet,
        ),
        case(
            "6 not met: not interested",
            "6",
            with(
                adult(),
                vec![
                    ind(K::NursingFacilityStay, date(2026, 1, 1)),
                    no(K::InterestInLeavingNf),
                    recent(K::LikelyCandidate),
                    recent(K::AbleToLiveInCommunity),
                ],
            ),
            NotMet,
        ),
        case(
            "6 undetermined: profile fails, no explicit fact",
            "6",
            with(
                adult(),
                vec![
                    ind(K::NursingFacilityStay, date(2026, 1, 1)),
                    recent(K::InterestInLeavingNf),
                    no(K::DecisionMakingCapacity),
                    recent(K::AbleToLiveInCommunity),
                ],
            ),
            Undetermined,
        ),
        // POF 7.
        case(
            "7 met: CCS",
            "7",
            with(
                child(),
                vec![recent(K::Ccs), recent(K::ComplexSocialRiskFactor)],
            ),
            Met,
        ),
        case(
            "7 not met: no social factor",
            "7",
            with(
                child(),
                vec![recent(K::CcsWcm), no(K::ComplexSocialRiskFactor)],
            ),
            NotMet,
        ),
        case(
            "7 not met: adult",
            "7",
            with(
                adult(),
                vec![recent(K::Ccs), recent(K::ComplexSocialRiskFactor)],
            ),
            NotMet,
        ),
        case(
            "7 undetermined: CCS unknown",
            "7",
            with(child(), vec![recent(K::ComplexSocialRiskFactor)]),
            Undetermined,
        ),
        // POF 8.
        case(
            "8 met: in CA foster care now",
            "8",
            with(
                child(),
                vec![careloop_domain::eligibility::Indicator {
                    state: Some("CA".into()),
                    ..ind(K::FosterCare, date(2023, 4, 1))
                }],
            ),
            Met,
        ),
        case(
            "8 met: other-state foster care ended 6 months ago",
            "8",
            with(
                child(),
                vec![careloop_domain::eligibility::Indicator {
                    state: Some("NV".into()),
                    end: Some(date(2026, 5, 1)),
                    ..ind(K::FosterCare, date(2021, 1, 1))
                }],
            ),
            Met,
        ),
        case(
            "8 met: adoption assistance",
            "8",
            with(child(), vec![recent(K::AdoptionAssistance)]),
            Met,
        ),
        case(
            "8 met: family maintenance ended 3 months ago",
            "8",
            with(
                child(),
                vec![careloop_domain::eligibility::Indicator {
                    end: Some(date(2026, 8, 20)),
                    ..ind(K::FamilyMaintenance, date(2025, 5, 1))
                }],
            ),
            Met,
        ),
        case(
            "8 not met: foster care ended 2 years ago",
            "8",
            with(
                child(),
                vec![
                    careloop_domain::eligibility::Indicator {
                        end: Some(date(2024, 6, 1)),
                        ..ind(K::FosterCare, date(2020, 1, 1))
                    },
                    no(K::AdoptionAssistance),
                    no(K::FamilyMaintenance),
                ],
            ),
            NotMet,
        ),
        case("8 undetermined: nothing known", "8", child(), Undetermined),
        // POF 9.
        case(
            "9 met: pregnant",
            "9",
            with(
                adult(),
                vec![recent(K::Pregnancy), recent(K::RacialEthnicDisparityGroup)],
            ),
            Met,
        ),
        case(
            "9 met: youth postpartum",
            "9",
            with(
                member(Some(date(2009, 1, 1))),
                vec![
                    ind(K::Postpartum, date(2026, 1, 5)),
                    recent(K::RacialEthnicDisparityGroup),
                ],
            ),
            Met,
        ),
        case(
            "9 not met: delivery 13 months ago",
            "9",
            with(
                adult(),
                vec![
                    no(K::Pregnancy),
                    ind(K::Postpartum, date(2025, 10, 20)),
                    recent(K::RacialEthnicDisparityGroup),
                ],
            ),
            NotMet,
        ),
        case(
            "9 undetermined: disparity group unknown",
            "9",
            with(adult(), vec![recent(K::Pregnancy)]),
            Undetermined,
        ),
    ]
}

#[test]
fn every_pof_decides_met_not_met_and_undetermined() {
    for c in cases() {
        let det = run(&c.facts);
        assert_eq!(
            status(&det, c.code),
            c.expected,
            "{}: {:#?}",
            c.name,
            det.population(c.code)
        );
    }
}

#[test]
fn pof_2_high_utilizer_met_not_met_undetermined() {
    let mut met = adult();
    met.utilization = Some(complete_history(vec![
        unplanned_stay("ip-1", date(2026, 6, 1)),
        unplanned_stay("ip-2", date(2026, 8, 1)),
        unplanned_stay("ip-3", date(2026, 11, 20)),
    ]));
    assert_eq!(status(&run(&met), "2"), Met);

    let mut not_met = adult();
    not_met.utilization = Some(complete_history(vec![avoidable_ed(
        "ed-1",
        date(2026, 10, 1),
    )]));
    assert_eq!(status(&run(&not_met), "2"), NotMet);

    // Same single visit, but the history only covers the last 3 months.
    let mut partial = not_met.clone();
    if let Some(u) = partial.utilization.as_mut() {
        u.data_from = Some(date(2026, 8, 22));
    }
    let det = run(&partial);
    assert_eq!(status(&det, "2"), Undetermined);
    assert!(
        det.missing_facts
            .iter()
            .any(|m| m.starts_with("utilization history complete from 2026-05-22")),
        "{:?}",
        det.missing_facts
    );

    // No claims at all: unknown, never "no visits".
    assert_eq!(status(&run(&adult()), "2"), Undetermined);

    let mut child_met = child();
    child_met.utilization = Some(complete_history(vec![
        avoidable_ed("ed-1", date(2025, 12, 1)),
        avoidable_ed("ed-2", date(2026, 3, 1)),
        avoidable_ed("ed-3", date(2026, 9, 1)),
    ]));
    assert_eq!(status(&run(&child_met), "2"), Met);
}

#[test]
fn unknown_avoidable_flag_leaves_pof_2_undetermined_not_guessed() {
    let mut facts = adult();
    let mut events: Vec<_> = (1..=4)
        .map(|i| avoidable_ed(&format!("ed-{i}"), date(2026, 9, i)))
        .collect();
    events.push(careloop_domain::eligibility::UtilizationEvent {
        avoidable: None,
        ..avoidable_ed("ed-5", date(2026, 9, 10))
    });
    facts.utilization = Some(complete_history(events));
    let det = run(&facts);
    assert_eq!(status(&det, "2"), Undetermined);
    assert!(
        det.missing_facts
            .contains(&"utilization.events[ed-5].avoidable".to_string())
    );
}

#[test]
fn unknown_age_shows_both_variants_and_decides_when_they_agree() {
    let mut facts = member(None);
    facts.indicators.push(ind(K::Pregnancy, date(2026, 9, 1)));
    facts
        .indicators
        .push(ind(K::RacialEthnicDisparityGroup, date(2026, 1, 1)));
    let det = run(&facts);
    let pof9 = det.population("9");
    assert_eq!(pof9.map(|p| p.status), Some(Met));
    assert_eq!(pof9.and_then(|p| p.variant), None);
    // POF 5 is adult-only: unknown age leaves it undetermined unless the adult criteria fail.
    assert_eq!(status(&det, "5"), Undetermined);
    assert!(det.missing_facts.contains(&"birth_date".to_string()));
    assert_eq!(det.age, None);
}

#[test]
fn populations_come_in_fixed_order_with_variant() {
    let det = run(&adult());
    let codes: Vec<_> = det.populations.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(codes, ["1a", "1b", "2", "3", "4", "5", "6", "7", "8", "9"]);
    assert!(
        det.populations
            .iter()
            .all(|p| p.variant == Some(Variant::Adult))
    );
    assert_eq!(
        run(&child()).population("7").and_then(|p| p.variant),
        Some(Variant::ChildYouth)
    );
}

#[test]
fn pof_3_adult_cites_unconfirmed_wording() {
    let det = run(&with(adult(), vec![recent(K::SmhsCriteriaMet)]));
    let crit = det
        .population("3")
        .map(|p| p.criteria.clone())
        .unwrap_or_default();
    let smhs = crit.iter().find(|t| t.rule == "pof3.adult.smhs_or_dmc");
    assert_eq!(smhs.map(|t| t.citation.unconfirmed), Some(true));
}

#[test]
fn homelessness_imminent_loss_uses_30_day_window() {
    let loss = |day| careloop_domain::eligibility::Indicator {
        condition: Some(HomelessCondition::ImminentLossOfHousing),
        housing_loss_date: day,
        ..ind(K::Homelessness, date(2026, 11, 10))
    };
    let facts = |day| with(child(), vec![loss(day)]);
    // 30 days after as_of counts; 31 does not; unknown date is undetermined.
    assert_eq!(status(&run(&facts(Some(date(2026, 12, 22)))), "1b"), Met);
    assert_eq!(
        status(
            &run(&with(
                facts(Some(date(2026, 12, 23))),
                vec![no(K::CouchSurfing), no(K::TemporaryLodging)]
            )),
            "1b"
        ),
        NotMet
    );
    let det = run(&facts(None));
    assert_eq!(status(&det, "1b"), Undetermined);
    assert!(
        det.missing_facts
            .contains(&"indicators.homelessness.housing_loss_date".to_string())
    );
}
