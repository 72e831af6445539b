//! Property: more history never makes a denied proposal allowed (every counter only grows).

use careloop_domain::PolicyPack;
use careloop_domain::cs::CsId;
use careloop_domain::cs_limits::{
    Cents, CsLimitInput, HistoryItem, HistoryKind, HistoryStatus, Hours, Outcome, Proposal, check,
};
use jiff::ToSpan;
use jiff::civil::{Date, date};
use proptest::prelude::*;

const COUNTED: [CsId; 9] = [
    CsId::Respite,
    CsId::EnvironmentalAccessibilityAdaptations,
    CsId::AsthmaRemediation,
    CsId::HousingDeposits,
    CsId::RecuperativeCare,
    CsId::ShortTermPostHospitalizationHousing,
    CsId::TransitionalRent,
    CsId::SoberingCenters,
    CsId::MedicallyTailoredMeals,
];

fn day(offset: i32) -> Date {
    date(2025, 1, 1)
        .checked_add(offset.days())
        .unwrap_or(date(2025, 1, 1))
}

prop_compose! {
    fn history_item()(
        cs in prop::sample::select(COUNTED.to_vec()),
        delivery in any::<bool>(),
        plan in prop::sample::select(vec!["hpsm", "alameda-alliance"]),
        start in 0i32..900,
        len in 0i32..200,
        hours in 0u64..200,
        cents in 0u64..400_000,
        approved in prop::bool::weighted(0.8),
    ) -> HistoryItem {
        HistoryItem {
            id: String::new(),
            cs,
            kind: if delivery { HistoryKind::Delivery } else { HistoryKind::Authorization },
            plan: plan.to_string(),
            start: day(start),
            end: day(start + len),
            hours: Some(Hours::whole(hours)),
            amount_cents: Some(Cents(cents)),
            status: if approved { HistoryStatus::Approved } else { HistoryStatus::Cancelled },
        }
    }
}

/// Up to five items, ids numbered from `prefix` so they never clash.
fn history(prefix: usize) -> impl Strategy<Value = Vec<HistoryItem>> {
    prop::collection::vec(history_item(), 0..6).prop_map(move |mut items| {
        for (i, item) in items.iter_mut().enumerate() {
            item.id = format!("h{}", prefix + i);
        }
        items
    })
}

prop_compose! {
    fn proposal()(
        cs in prop::sample::select(COUNTED.to_vec()),
        start in 300i32..1000,
        len in 0i32..200,
        hours in 0u64..400,
        cents in 0u64..800_000,
        stay in 0u64..3000,
    ) -> Proposal {
        Proposal {
            cs,
            plan: "hpsm".to_string(),
            start: day(start),
            end: day(start + len),
            hours: Some(Hours::whole(hours)),
            amount_cents: Some(Cents(cents)),
            stay_hours: Some(Hours::from_hundredths(stay)),
            exception: None,
        }
    }
}

proptest! {
    #[test]
    fn adding_history_never_turns_denied_into_allowed(
        base in history(0),
        extra in history(100),
        proposed in proposal(),
    ) {
        let pack = PolicyPack::embedded().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let before = CsLimitInput {
            member_id: None,
            history: base.clone(),
            nursing_facility_stays: Some(Vec::new()),
            proposed: proposed.clone(),
        };
        let mut after = before.clone();
        after.history.extend(extra);
        let (d1, d2) = (check(&before, &pack), check(&after, &pack));
        if d1.outcome == Outcome::Denied {
            prop_assert_eq!(d2.outcome, Outcome::Denied, "{} / {}", d1.message, d2.message);
        }
        // And no rule that denied before allows afterwards.
        for rule in d1.rules.iter().filter(|r| r.outcome == Outcome::Denied) {
            prop_assert!(
                d2.rules.iter().any(|r| r.rule == rule.rule && r.outcome == Outcome::Denied),
                "{} no longer denies: {}", rule.rule, d2.message
            );
        }
    }
}
