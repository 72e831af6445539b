//! Property tests: monotonicity of avoidable ED visits, and determinism.

#[path = "support/eligibility.rs"]
mod support;

use careloop_domain::eligibility::{EventKind, MemberFacts, Outcome, UtilizationEvent, determine};
use jiff::ToSpan;
use proptest::prelude::*;
use support::*;

fn arb_event(i: usize) -> impl Strategy<Value = UtilizationEvent> {
    (
        0i64..500,
        prop_oneof![
            Just(EventKind::EdVisit),
            Just(EventKind::InpatientStay),
            Just(EventKind::SnfStay)
        ],
        proptest::option::of(any::<bool>()),
        proptest::option::of(any::<bool>()),
        proptest::option::of(any::<bool>()),
        proptest::option::of(any::<bool>()),
    )
        .prop_map(move |(back, kind, a, u, s, sud)| UtilizationEvent {
            id: format!("ev-{i}"),
            kind,
            date: AS_OF.saturating_sub(back.days()),
            avoidable: a,
            avoidable_reading: None,
            unplanned: u,
            short_term: s,
            sud_related: sud,
        })
}

fn arb_facts() -> impl Strategy<Value = MemberFacts> {
    (
        prop_oneof![Just(None), (0i64..40 * 365).prop_map(Some)],
        proptest::collection::vec(any::<u8>(), 0..12),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_flat_map(|(age_days, seeds, complete, sud)| {
            let n = seeds.len();
            let events = (0..n).map(arb_event).collect::<Vec<_>>();
            (Just(age_days), events, Just(complete), Just(sud))
        })
        .prop_map(|(age_days, events, complete, sud)| {
            let mut facts = member(age_days.map(|d| AS_OF.saturating_sub(d.days())));
            if sud {
                facts.indicators.push(ind(
                    careloop_domain::eligibility::IndicatorKind::SmhsCriteriaMet,
                    jiff::civil::date(2026, 1, 1),
                ));
            }
            let mut u = complete_history(events);
            if !complete {
                u.data_from = Some(jiff::civil::date(2026, 9, 1));
            }
            facts.utilization = Some(u);
            facts
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Adding an avoidable ED visit never turns a met POF into not met.
    #[test]
    fn extra_avoidable_ed_visit_never_unmeets(facts in arb_facts(), back in 0i64..400) {
        let pack = pack();
        let before = determine(&facts, AS_OF, &pack);
        let mut more = facts.clone();
        if let Some(u) = more.utilization.as_mut() {
            u.events.push(avoidable_ed("ev-extra", AS_OF.saturating_sub(back.days())));
        }
        let after = determine(&more, AS_OF, &pack);
        for (b, a) in before.populations.iter().zip(after.populations.iter()) {
            if b.status == Outcome::Met {
                prop_assert_ne!(a.status, Outcome::NotMet, "POF {}", b.code);
                prop_assert_eq!(a.status, Outcome::Met, "POF {}", b.code);
            }
        }
    }

    /// Same input → same determination (and id); reordered events → same outcomes.
    #[test]
    fn determination_is_deterministic(facts in arb_facts()) {
        let pack = pack();
        let a = determine(&facts, AS_OF, &pack);
        let b = determine(&facts, AS_OF, &pack);
        prop_assert_eq!(&a, &b);
        let mut reordered = facts.clone();
        if let Some(u) = reordered.utilization.as_mut() {
            u.events.reverse();
        }
        reordered.indicators.reverse();
        let c = determine(&reordered, AS_OF, &pack);
        let statuses = |d: &careloop_domain::eligibility::Determination| {
            d.populations.iter().map(|p| p.status).collect::<Vec<_>>()
        };
        prop_assert_eq!(statuses(&a), statuses(&c));
        prop_assert_eq!(a.ecm_eligible, c.ecm_eligible);
        prop_assert_eq!(a.cs_eligible, c.cs_eligible);
        prop_assert_eq!(&a.missing_facts, &c.missing_facts);
    }
}
