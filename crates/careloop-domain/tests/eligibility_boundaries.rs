//! Boundaries: ages 18/21/26, the 6-month ED window, 59 vs 60 nursing facility days, release
//! 12 months ago vs 12 months and one day.

#[path = "support/eligibility.rs"]
mod support;

use careloop_domain::eligibility::{
    CorrectionalFacility, Indicator, IndicatorKind as K, Outcome, Variant,
};
use jiff::ToSpan;
use jiff::civil::{Date, date};
use support::*;

use Outcome::{Met, NotMet};

/// Born `years` years before as_of, shifted so the birthday falls `offset` days after as_of
/// (offset 1 = the day before the birthday; 0 = on the birthday).
fn born(years: i64, offset: i64) -> Date {
    AS_OF
        .saturating_sub(years.years())
        .saturating_add(offset.days())
}

#[test]
fn adult_variant_starts_on_21st_birthday() {
    for (offset, variant) in [(1, Variant::ChildYouth), (0, Variant::Adult)] {
        let det = run(&member(Some(born(21, offset))));
        assert_eq!(
            det.population("2").and_then(|p| p.variant),
            Some(variant),
            "offset {offset}"
        );
    }
}

#[test]
fn pof_2_thresholds_switch_on_21st_birthday() {
    // 3 avoidable ED visits in 6 months: meets the child threshold (3 in 12), not the adult one (5 in 6).
    let events = vec![
        avoidable_ed("ed-1", date(2026, 7, 1)),
        avoidable_ed("ed-2", date(2026, 8, 1)),
        avoidable_ed("ed-3", date(2026, 9, 1)),
    ];
    for (offset, expected) in [(1, Met), (0, NotMet)] {
        let mut facts = member(Some(born(21, offset)));
        facts.utilization = Some(complete_history(events.clone()));
        assert_eq!(status(&run(&facts), "2"), expected, "offset {offset}");
    }
}

#[test]
fn adoption_assistance_ends_on_18th_birthday() {
    for (offset, expected) in [(1, Met), (0, NotMet)] {
        let facts = with(
            member(Some(born(18, offset))),
            vec![
                ind(K::AdoptionAssistance, date(2015, 1, 1)),
                absent(K::FosterCare, date(2026, 11, 1)),
                absent(K::FamilyMaintenance, date(2026, 11, 1)),
            ],
        );
        assert_eq!(status(&run(&facts), "8"), expected, "offset {offset}");
    }
}

#[test]
fn family_maintenance_ends_on_18th_birthday() {
    for (offset, expected) in [(1, Met), (0, NotMet)] {
        let facts = with(
            member(Some(born(18, offset))),
            vec![
                ind(K::FamilyMaintenance, date(2026, 1, 1)),
                absent(K::FosterCare, date(2026, 11, 1)),
                absent(K::AdoptionAssistance, date(2026, 11, 1)),
            ],
        );
        assert_eq!(status(&run(&facts), "8"), expected, "offset {offset}");
    }
}

#[test]
fn aged_out_of_foster_care_until_26th_birthday() {
    for (offset, expected) in [(1, Met), (0, NotMet)] {
        let birth = born(26, offset);
        // In foster care from age 15 until the day after the 18th birthday.
        let foster = Indicator {
            state: Some("AZ".into()),
            end: Some(birth.saturating_add(18.years()).saturating_add(1.days())),
            ..ind(K::FosterCare, birth.saturating_add(15.years()))
        };
        let det = run(&with(member(Some(birth)), vec![foster]));
        assert_eq!(status(&det, "8"), expected, "offset {offset}");
        assert_eq!(
            det.population("8").and_then(|p| p.variant),
            Some(Variant::Adult)
        );
    }
}

#[test]
fn aged_out_needs_foster_care_on_or_after_18th_birthday() {
    let birth = born(23, 0);
    let eighteenth = birth.saturating_add(18.years());
    for (end, expected) in [
        (eighteenth, Met),
        (eighteenth.saturating_sub(1.days()), NotMet),
    ] {
        let foster = Indicator {
            end: Some(end),
            ..ind(K::FosterCare, birth.saturating_add(10.years()))
        };
        assert_eq!(
            status(&run(&with(member(Some(birth)), vec![foster])), "8"),
            expected,
            "end {end}"
        );
    }
}

#[test]
fn four_vs_five_avoidable_ed_visits_in_six_months() {
    let visits = |n: i8| -> Vec<_> {
        (1..=n)
            .map(|i| avoidable_ed(&format!("ed-{i}"), date(2026, 6, i)))
            .collect()
    };
    for (n, expected) in [(4, NotMet), (5, Met)] {
        let mut facts = adult();
        facts.utilization = Some(complete_history(visits(n)));
        assert_eq!(status(&run(&facts), "2"), expected, "{n} visits");
    }
}

#[test]
fn ed_visit_on_window_first_day_counts_and_day_before_does_not() {
    let first_day = careloop_domain::dates::months_window_start(AS_OF, 6);
    assert_eq!(first_day, date(2026, 5, 22));
    let base: Vec<_> = (1..=4)
        .map(|i| avoidable_ed(&format!("ed-{i}"), date(2026, 9, i)))
        .collect();
    for (day, expected) in [(first_day, Met), (days_before(first_day, 1), NotMet)] {
        let mut events = base.clone();
        events.push(avoidable_ed("ed-edge", day));
        let mut facts = adult();
        facts.utilization = Some(complete_history(events));
        let det = run(&facts);
        assert_eq!(status(&det, "2"), expected, "visit on {day}");
        let ids = evidence_ids(&det, "pof2.adult.avoidable_ed_visits");
        assert_eq!(
            ids.contains(&"ed-edge".to_string()),
            expected == Met,
            "{ids:?}"
        );
    }
}

fn pof6_profile(admitted: Date) -> careloop_domain::eligibility::MemberFacts {
    let d = date(2026, 11, 1);
    with(
        adult(),
        vec![
            ind(K::NursingFacilityStay, admitted),
            ind(K::InterestInLeavingNf, d),
            ind(K::DecisionMakingCapacity, d),
            ind(K::CaregiverOrIhssSupport, d),
            ind(K::AdlIadlManageableInCommunity, d),
            ind(K::AbleToLiveInCommunity, d),
        ],
    )
}

#[test]
fn pof_6_profile_needs_60_nursing_facility_days() {
    // 60 days meets the example profile → likely candidate → met; 59 days leaves the
    // candidate question open (the profile failing does not make an unlikely candidate).
    for (days, expected) in [(60, Met), (59, Outcome::Undetermined)] {
        let det = run(&pof6_profile(days_before(AS_OF, days)));
        assert_eq!(status(&det, "6"), expected, "{days} days");
    }
    let det = run(&pof6_profile(days_before(AS_OF, 59)));
    assert!(
        det.missing_facts
            .contains(&"indicators.likely-candidate".to_string()),
        "{:?}",
        det.missing_facts
    );
}

#[test]
fn release_exactly_12_months_ago_counts_and_one_day_more_does_not() {
    let twelve = careloop_domain::dates::months_window_start(AS_OF, 12);
    assert_eq!(twelve, date(2025, 11, 22));
    for (day, expected) in [(twelve, Met), (days_before(twelve, 1), NotMet)] {
        let release = Indicator {
            facility: Some(CorrectionalFacility::Prison),
            ..ind(K::ReleaseFromIncarceration, day)
        };
        let det = run(&with(
            adult(),
            vec![release, ind(K::MentalIllness, date(2020, 1, 1))],
        ));
        assert_eq!(status(&det, "4"), expected, "released {day}");
    }
}

#[test]
fn postpartum_through_12_months_after_delivery() {
    let twelve = careloop_domain::dates::months_window_start(AS_OF, 12);
    for (day, expected) in [(twelve, Met), (days_before(twelve, 1), NotMet)] {
        let facts = with(
            adult(),
            vec![
                absent(K::Pregnancy, date(2026, 11, 1)),
                ind(K::Postpartum, day),
                ind(K::RacialEthnicDisparityGroup, date(2026, 1, 1)),
            ],
        );
        assert_eq!(status(&run(&facts), "9"), expected, "delivery {day}");
    }
}
