//! POF 5 (adults at risk for LTC institutionalization) and POF 6 (adult nursing facility
//! residents transitioning to the community) (CALAIM.md §2.2 [4]).

use super::{Variant, Variants, criteria, no_criteria};
use crate::cite::Citation;
use crate::eligibility::ctx::Ctx;
use crate::eligibility::facts::{IndicatorKind, IndicatorStatus};
use crate::eligibility::trace::{Evidence, Outcome, Trace, Window};
use jiff::ToSpan;

/// In a nursing facility on as_of for at least `min_days` days, counted from the admission date
/// (`start`) to as_of: admitted exactly `min_days` days before as_of counts.
pub(crate) fn nf_stay_at_least(
    ctx: &Ctx<'_>,
    rule: &str,
    description: &str,
    min_days: i32,
    citation: Citation,
) -> Trace {
    let window = Window {
        months: None,
        days: Some(min_days),
        from: ctx.as_of.saturating_sub(min_days.days()),
        through: ctx.as_of,
    };
    let current: Vec<_> = ctx
        .facts
        .indicators
        .iter()
        .filter(|i| {
            i.kind == IndicatorKind::NursingFacilityStay
                && i.status == IndicatorStatus::Present
                && i.covers(ctx.as_of)
        })
        .collect();
    let trace = if current.is_empty() {
        ctx.indicator_now(IndicatorKind::NursingFacilityStay)
            .trace(rule, description, citation)
    } else {
        let long_enough = current.iter().any(|i| i.start <= window.from);
        let evidence = current
            .iter()
            .map(|i| {
                let mut e = Evidence::indicator(i);
                let days = i.start.until(ctx.as_of).map(|s| s.get_days()).unwrap_or(0);
                e.detail = Some(format!(
                    "{}; {days} days in the facility on {}",
                    e.detail.unwrap_or_default(),
                    ctx.as_of
                ));
                e
            })
            .collect();
        let outcome = if long_enough {
            Outcome::Met
        } else {
            Outcome::NotMet
        };
        Trace::leaf(rule, description, outcome, citation).with_evidence(evidence)
    };
    trace
        .with_threshold(i64::from(min_days))
        .with_window(window)
}

/// POF 5's LTC need: either of these (rule, description, indicator).
const POF5_LTC_NEED: &[(&str, &str, IndicatorKind)] = &[
    (
        "pof5.adult.ltc_qualifying_factors",
        "LTC qualifying factors now or imminently without wraparound care",
        IndicatorKind::LtcQualifyingFactors,
    ),
    (
        "pof5.adult.lower_acuity_skilled_nursing",
        "Needs lower-acuity skilled nursing",
        IndicatorKind::LowerAcuitySkilledNursingNeed,
    ),
];

/// POF 5's complex social or environmental factor: either of these.
const POF5_SOCIAL_FACTOR: &[(&str, &str, IndicatorKind)] = &[
    (
        "pof5.adult.complex_factor",
        "Complex social or environmental factor influencing health",
        IndicatorKind::ComplexSocialEnvironmentalFactor,
    ),
    (
        "pof5.adult.adl_iadl_needs",
        "Needs help with ADLs/IADLs",
        IndicatorKind::AdlIadlNeeds,
    ),
];

/// POF 5, adults only: (LTC qualifying factors now or imminently without wraparound care OR
/// lower-acuity skilled nursing need) AND ≥1 complex social or environmental factor (e.g. needs
/// ADL help, food access, stable housing, lives alone) AND able to live in the community with
/// wraparound supports.
pub(crate) fn pof_5(ctx: &Ctx<'_>) -> Variants {
    let name = &ctx.policy.populations.pof_5;
    let c = name.citation();
    let adult = criteria(ctx, Variant::Adult, || {
        vec![
            ctx.any_fact(
                "pof5.adult.ltc_need",
                "Meets LTC qualifying factors now or imminently, or needs lower-acuity skilled nursing",
                c.clone(),
                POF5_LTC_NEED,
            ),
            ctx.any_fact(
                "pof5.adult.social_environmental_factor",
                "At least one complex social or environmental factor (e.g. needs ADL help)",
                c.clone(),
                POF5_SOCIAL_FACTOR,
            ),
            ctx.fact(
                "pof5.adult.able_to_live_in_community",
                "Able to live continuously in the community with wraparound supports",
                IndicatorKind::AbleToLiveInCommunity,
                c,
            ),
        ]
    });
    let child = no_criteria(
        ctx,
        Variant::ChildYouth,
        "5",
        "adults 21 and older only",
        name,
    );
    Variants { adult, child }
}

/// POF 6, adults only: a nursing facility resident who wants to leave AND is a likely candidate
/// to do so successfully AND can live continuously in the community.
pub(crate) fn pof_6(ctx: &Ctx<'_>) -> Variants {
    let name = &ctx.policy.populations.pof_6;
    let c = name.citation();
    let adult = criteria(ctx, Variant::Adult, || {
        vec![
            ctx.fact(
                "pof6.adult.nf_resident",
                "Resides in a nursing facility on as_of",
                IndicatorKind::NursingFacilityStay,
                c.clone(),
            ),
            ctx.fact(
                "pof6.adult.interest_in_leaving",
                "Interested in moving out of the nursing facility",
                IndicatorKind::InterestInLeavingNf,
                c.clone(),
            ),
            likely_candidate(ctx, c.clone()),
            ctx.fact(
                "pof6.adult.able_to_live_in_community",
                "Able to live continuously in the community",
                IndicatorKind::AbleToLiveInCommunity,
                c,
            ),
        ]
    });
    let child = no_criteria(
        ctx,
        Variant::ChildYouth,
        "6",
        "adults 21 and older only",
        name,
    );
    Variants { adult, child }
}

/// "Likely candidate to transition successfully". An explicit `likely-candidate` fact decides
/// (present → met, absent → not met). Without one, the DHCS example profile (resident ≥60 days;
/// decision-making capacity or legal decision-maker; caregiver or IHSS support; ADL/IADL needs
/// manageable in the community) makes it met; the profile failing does NOT make the member an
/// unlikely candidate — it stays undetermined.
fn likely_candidate(ctx: &Ctx<'_>, c: Citation) -> Trace {
    let min_days = &ctx.policy.nf_transition.example_min_snf_stay_days;
    let explicit = ctx.fact(
        "pof6.adult.likely_candidate.explicit",
        "Assessed as a likely candidate to transition successfully",
        IndicatorKind::LikelyCandidate,
        c.clone(),
    );
    let profile = Trace::all_of(
        "pof6.adult.likely_candidate.example_profile",
        "DHCS example profile of a likely candidate",
        c.clone(),
        vec![
            nf_stay_at_least(
                ctx,
                "pof6.adult.likely_candidate.snf_days",
                &format!("Nursing facility resident at least {} days", min_days.value),
                min_days.value,
                min_days.citation(),
            ),
            ctx.fact(
                "pof6.adult.likely_candidate.decision_capacity",
                "Has decision-making capacity or a legal decision-maker",
                IndicatorKind::DecisionMakingCapacity,
                c.clone(),
            ),
            ctx.fact(
                "pof6.adult.likely_candidate.caregiver_or_ihss",
                "Has or can secure caregiver support, or is eligible for IHSS hours",
                IndicatorKind::CaregiverOrIhssSupport,
                c.clone(),
            ),
            ctx.fact(
                "pof6.adult.likely_candidate.adl_manageable",
                "ADL/IADL needs manageable in the community with IHSS or a caregiver",
                IndicatorKind::AdlIadlManageableInCommunity,
                c.clone(),
            ),
        ],
    );
    let explicit_outcome = explicit.outcome;
    let profile_outcome = profile.outcome;
    let mut t = Trace::any_of(
        "pof6.adult.likely_candidate",
        "Likely candidate to transition successfully (explicit assessment, or the DHCS example profile)",
        c,
        vec![explicit, profile],
    );
    t.outcome = match (explicit_outcome, profile_outcome) {
        (Outcome::Met, _) => Outcome::Met,
        (Outcome::NotMet, _) => Outcome::NotMet,
        (Outcome::Undetermined, Outcome::Met) => Outcome::Met,
        (Outcome::Undetermined, _) => Outcome::Undetermined,
    };
    t
}
