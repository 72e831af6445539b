//! POF 2 (avoidable hospital or ED use) and POF 3 (serious mental health and/or SUD needs)
//! (CALAIM.md §2.2 [4][8]).

use super::{Variant, Variants, criteria, pregnant_or_postpartum};
use crate::cite::{Citation, Cited};
use crate::eligibility::ctx::Ctx;
use crate::eligibility::events::{
    CountRule, avoidable_ed_visit, count_events, sud_visit_or_stay, unplanned_stay,
};
use crate::eligibility::facts::IndicatorKind;
use crate::eligibility::policy::CountInMonths;
use crate::eligibility::trace::Trace;

/// POF 2. Adults: ≥5 avoidable ED visits in 6 months AND/OR ≥3 unplanned hospital or
/// short-term SNF stays in 6 months. Children/youth: ≥3 in 12 months AND/OR ≥2 in 12 months.
/// Thresholds and windows from `ecm.toml [high_utilizer]`.
pub(crate) fn pof_2(ctx: &Ctx<'_>) -> Variants {
    let hu = &ctx.policy.high_utilizer;
    Variants {
        adult: criteria(ctx, Variant::Adult, || {
            vec![high_utilization(
                ctx,
                "adult",
                &hu.adult_avoidable_ed_visits,
                &hu.adult_unplanned_stays,
            )]
        }),
        child: criteria(ctx, Variant::ChildYouth, || {
            vec![high_utilization(
                ctx,
                "child",
                &hu.child_avoidable_ed_visits,
                &hu.child_unplanned_stays,
            )]
        }),
    }
}

fn high_utilization(
    ctx: &Ctx<'_>,
    variant: &str,
    ed: &Cited<CountInMonths>,
    stays: &Cited<CountInMonths>,
) -> Trace {
    Trace::any_of(
        format!("pof2.{variant}.utilization"),
        "Avoidable ED visits and/or unplanned stays at or above threshold",
        ctx.policy.populations.pof_2.citation(),
        vec![
            count_events(
                ctx,
                CountRule {
                    rule: &format!("pof2.{variant}.avoidable_ed_visits"),
                    description: &format!(
                        "At least {} avoidable ED visits in {} months",
                        ed.value.count, ed.value.months
                    ),
                    threshold: ed.value.count,
                    months: ed.value.months,
                    citation: ed.citation(),
                },
                avoidable_ed_visit,
            ),
            count_events(
                ctx,
                CountRule {
                    rule: &format!("pof2.{variant}.unplanned_stays"),
                    description: &format!(
                        "At least {} unplanned hospital or short-term SNF stays in {} months",
                        stays.value.count, stays.value.months
                    ),
                    threshold: stays.value.count,
                    months: stays.value.months,
                    citation: stays.citation(),
                },
                unplanned_stay,
            ),
        ],
    )
}

/// Meets criteria for, or receives, SMHS and/or DMC/DMC-ODS.
fn smhs_or_dmc(ctx: &Ctx<'_>, variant: &str, citation: Citation) -> Trace {
    Trace::any_of(
        format!("pof3.{variant}.smhs_or_dmc"),
        "Meets criteria for, or receives, SMHS and/or DMC/DMC-ODS",
        citation.clone(),
        vec![
            ctx.fact(
                &format!("pof3.{variant}.smhs"),
                "Meets SMHS access criteria or receives SMHS",
                IndicatorKind::SmhsCriteriaMet,
                citation.clone(),
            ),
            ctx.fact(
                &format!("pof3.{variant}.dmc"),
                "Meets DMC/DMC-ODS criteria or receives DMC/DMC-ODS",
                IndicatorKind::DmcCriteriaMet,
                citation,
            ),
        ],
    )
}

/// POF 3. Children/youth: SMHS and/or DMC/DMC-ODS. Adults (plan restatement, UNCONFIRMED
/// against the DHCS Policy Guide, so every adult criterion cites `adult_wording` with
/// `unconfirmed`): SMHS/DMC AND ≥1 complex social risk factor AND ≥1 of pregnant or postpartum;
/// ≥2 ED visits or hospital stays for SUD in 12 months; high risk of overdose, suicide or
/// institutionalization; crisis services as the main source of care.
pub(crate) fn pof_3(ctx: &Ctx<'_>) -> Variants {
    let bh = &ctx.policy.behavioral_health;
    let adult_c = bh.adult_wording.citation();
    let sud = &bh.adult_sud_ed_visits_or_stays;
    let adult = criteria(ctx, Variant::Adult, || {
        vec![
            smhs_or_dmc(ctx, "adult", adult_c.clone()),
            ctx.fact(
                "pof3.adult.complex_social_risk_factor",
                "At least one complex social risk factor influencing health",
                IndicatorKind::ComplexSocialRiskFactor,
                adult_c.clone(),
            ),
            Trace::any_of(
                "pof3.adult.acuity",
                "At least one: pregnant or postpartum; ED visits or hospital stays for SUD; high risk of overdose, suicide or institutionalization; crisis services as main source of care",
                adult_c.clone(),
                vec![
                    pregnant_or_postpartum(ctx, "pof3.adult", adult_c.clone()),
                    count_events(
                        ctx,
                        CountRule {
                            rule: "pof3.adult.sud_ed_visits_or_stays",
                            description: &format!(
                                "At least {} ED visits or hospital stays for SUD in {} months",
                                sud.value.count, sud.value.months
                            ),
                            threshold: sud.value.count,
                            months: sud.value.months,
                            citation: sud.citation(),
                        },
                        sud_visit_or_stay,
                    ),
                    ctx.fact(
                        "pof3.adult.high_risk",
                        "High risk of overdose, suicide or institutionalization",
                        IndicatorKind::HighRiskOverdoseSuicideInstitutionalization,
                        adult_c.clone(),
                    ),
                    ctx.fact(
                        "pof3.adult.crisis_services",
                        "Uses crisis or urgent services as the main source of care",
                        IndicatorKind::RelianceOnCrisisServices,
                        adult_c,
                    ),
                ],
            ),
        ]
    });
    let child = criteria(ctx, Variant::ChildYouth, || {
        vec![smhs_or_dmc(
            ctx,
            "child",
            ctx.policy.populations.pof_3.citation(),
        )]
    });
    Variants { adult, child }
}
