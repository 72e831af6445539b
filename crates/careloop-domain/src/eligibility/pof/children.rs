//! POF 7 (CCS / CCS Whole Child Model with needs beyond the CCS condition) and POF 8 (children
//! and youth involved in child welfare) (CALAIM.md §2.2 [4][8]).

use super::{Variant, Variants, criteria, no_criteria};
use crate::eligibility::ctx::Ctx;
use crate::eligibility::facts::IndicatorKind;
use crate::eligibility::trace::{Outcome, Trace};

/// POF 7, children/youth only: enrolled in CCS or CCS WCM AND ≥1 complex social factor.
pub(crate) fn pof_7(ctx: &Ctx<'_>) -> Variants {
    let name = &ctx.policy.populations.pof_7;
    let c = name.citation();
    let child = criteria(ctx, Variant::ChildYouth, || {
        vec![
            ctx.any_fact(
                "pof7.child.ccs",
                "Enrolled in CCS or the CCS Whole Child Model",
                c.clone(),
                POF7_CCS,
            ),
            ctx.fact(
                "pof7.child.complex_social_factor",
                "At least one complex social factor influencing health",
                IndicatorKind::ComplexSocialRiskFactor,
                c,
            ),
        ]
    });
    let adult = no_criteria(
        ctx,
        Variant::Adult,
        "7",
        "children/youth under 21 only",
        name,
    );
    Variants { adult, child }
}

/// POF 7's "enrolled in CCS or the CCS Whole Child Model" (rule, description, indicator).
const POF7_CCS: &[(&str, &str, IndicatorKind)] = &[
    (
        "pof7.child.ccs_enrolled",
        "Enrolled in CCS",
        IndicatorKind::Ccs,
    ),
    (
        "pof7.child.ccs_wcm_enrolled",
        "Enrolled in the CCS Whole Child Model",
        IndicatorKind::CcsWcm,
    ),
];

/// Aged out of foster care: younger than 26 (and at least 18) AND in foster care (any state) on
/// or after the 18th birthday. Ages from `ecm.toml [ages]`.
fn aged_out(ctx: &Ctx<'_>, prefix: &str) -> Trace {
    let ages = &ctx.policy.ages;
    let from_age = ages.aged_out_foster_care_from_age.value;
    let max = ages.aged_out_max_age_exclusive.value;
    let in_care_after_18 = match ctx.birthday(from_age) {
        Some(bd) if bd <= ctx.as_of => ctx
            .indicator_in(IndicatorKind::FosterCare, bd, ctx.as_of)
            .trace(
                &format!("{prefix}.aged_out.foster_care_after_18"),
                &format!("In foster care (any state) on or after the {from_age}th birthday"),
                ages.aged_out_foster_care_from_age.citation(),
            ),
        Some(_) => Trace::leaf(
            format!("{prefix}.aged_out.foster_care_after_18"),
            format!("In foster care (any state) on or after the {from_age}th birthday"),
            Outcome::NotMet,
            ages.aged_out_foster_care_from_age.citation(),
        ),
        None => Trace::leaf(
            format!("{prefix}.aged_out.foster_care_after_18"),
            format!("In foster care (any state) on or after the {from_age}th birthday"),
            Outcome::Undetermined,
            ages.aged_out_foster_care_from_age.citation(),
        )
        .with_missing(vec!["birth_date".to_string()]),
    };
    Trace::all_of(
        format!("{prefix}.aged_out"),
        format!("Aged out of foster care, up to age {max}"),
        ages.aged_out_max_age_exclusive.citation(),
        vec![
            ctx.age_between(
                &format!("{prefix}.aged_out.age"),
                &format!("Age {from_age} through {} on as_of", max - 1),
                Some(from_age),
                Some(max),
                ages.aged_out_max_age_exclusive.citation(),
            ),
            in_care_after_18,
        ],
    )
}

/// POF 8. Children/youth (under 21), any one of: in foster care in California now, or in foster
/// care in California or another state within the last 12 months; aged out of foster care (up to
/// 26); under 18 and eligible for or in California Adoption Assistance; under 18 and receiving, or
/// within 12 months received, Family Maintenance services. Adults (21–25): the aged-out rule.
pub(crate) fn pof_8(ctx: &Ctx<'_>) -> Variants {
    let ages = &ctx.policy.ages;
    let c = ctx.policy.populations.pof_8.citation();
    let minor = ages.child_welfare_minor_max_age_exclusive.value;
    let lookback = ages.child_welfare_lookback_months.value;
    let under_minor = |rule: &str| {
        ctx.age_between(
            rule,
            &format!("Under {minor} on as_of"),
            None,
            Some(minor),
            ages.child_welfare_minor_max_age_exclusive.citation(),
        )
    };
    let child = criteria(ctx, Variant::ChildYouth, || {
        vec![Trace::any_of(
        "pof8.child.child_welfare",
        "Involved in child welfare (any one condition)",
        c.clone(),
        vec![
            ctx.fact_within_months(
                "pof8.child.foster_care",
                &format!(
                    "In foster care in California now, or in any state within the last {lookback} months"
                ),
                IndicatorKind::FosterCare,
                lookback,
                ages.child_welfare_lookback_months.citation(),
            ),
            aged_out(ctx, "pof8.child"),
            Trace::all_of(
                "pof8.child.adoption_assistance",
                format!("Under {minor} and eligible for or in California Adoption Assistance"),
                c.clone(),
                vec![
                    under_minor("pof8.child.adoption_assistance.age"),
                    ctx.fact(
                        "pof8.child.adoption_assistance.enrolled",
                        "Eligible for or in California Adoption Assistance",
                        IndicatorKind::AdoptionAssistance,
                        c.clone(),
                    ),
                ],
            ),
            Trace::all_of(
                "pof8.child.family_maintenance",
                format!(
                    "Under {minor} and receiving, or within {lookback} months received, Family Maintenance"
                ),
                c,
                vec![
                    under_minor("pof8.child.family_maintenance.age"),
                    ctx.fact_within_months(
                        "pof8.child.family_maintenance.services",
                        &format!("Family Maintenance services now or within {lookback} months"),
                        IndicatorKind::FamilyMaintenance,
                        lookback,
                        ages.child_welfare_lookback_months.citation(),
                    ),
                ],
            ),
        ],
    )]
    });
    let adult = criteria(ctx, Variant::Adult, || vec![aged_out(ctx, "pof8.adult")]);
    Variants { adult, child }
}
