//! POF 4: individuals transitioning from incarceration (CALAIM.md §2.2 [4], §2.10 [15]).

use super::{Variant, Variants, criteria, pregnant_or_postpartum};
use crate::eligibility::ctx::Ctx;
use crate::eligibility::facts::{CorrectionalFacility, IndicatorKind, IndicatorStatus};
use crate::eligibility::trace::{Evidence, Outcome, Trace, Window};
use jiff::ToSpan;

/// Released (or scheduled for release) within the window: from `post_release_window_months`
/// (12) before as_of, inclusive — a release exactly 12 months ago counts, 12 months and one day
/// does not — through `pre_release_window_days` (90) after as_of ("transitioning now").
/// `youth_only`: children/youth qualify only from a youth correctional facility.
fn released(ctx: &Ctx<'_>, rule: &str, youth_only: bool) -> Trace {
    let ji = &ctx.policy.justice;
    let months = ji.post_release_window_months.value;
    let days = ji.pre_release_window_days.value;
    let window = Window {
        months: Some(months),
        days: Some(days),
        from: crate::dates::months_window_start(ctx.as_of, months),
        through: ctx.as_of.saturating_add(days.days()),
    };
    let description = if youth_only {
        format!(
            "Leaving a youth correctional facility now, or left within the past {months} months"
        )
    } else {
        format!(
            "Leaving a prison, jail or youth correctional facility now, or left within the past {months} months"
        )
    };
    let records: Vec<_> = ctx
        .facts
        .indicators
        .iter()
        .filter(|i| i.kind == IndicatorKind::ReleaseFromIncarceration)
        .collect();
    let mut met = Vec::new();
    let mut negative = Vec::new();
    let mut missing = Vec::new();
    for ind in &records {
        match ind.status {
            IndicatorStatus::Absent => {
                if ind.covers(ctx.as_of) {
                    negative.push(Evidence::indicator(ind));
                }
            }
            IndicatorStatus::Present => {
                let in_window = ind.start >= window.from && ind.start <= window.through;
                let facility_ok = match (youth_only, ind.facility) {
                    (false, _) => Some(true),
                    (true, Some(f)) => Some(f == CorrectionalFacility::YouthCorrectionalFacility),
                    (true, None) => None,
                };
                match (in_window, facility_ok) {
                    (true, Some(true)) => met.push(Evidence::indicator(ind)),
                    (false, _) | (_, Some(false)) => negative.push(Evidence::indicator(ind)),
                    (true, None) => missing.push(format!(
                        "indicators.release-from-incarceration{}.facility",
                        ind.id
                            .as_ref()
                            .map(|i| format!("[{i}]"))
                            .unwrap_or_default()
                    )),
                }
            }
        }
    }
    let (outcome, evidence) = if !met.is_empty() {
        missing.clear();
        (Outcome::Met, met)
    } else if !missing.is_empty() {
        (Outcome::Undetermined, negative)
    } else if !negative.is_empty() {
        (Outcome::NotMet, negative)
    } else {
        missing.push("indicators.release-from-incarceration".to_string());
        (Outcome::Undetermined, Vec::new())
    };
    Trace::leaf(
        rule,
        description,
        outcome,
        ji.post_release_window_months.citation(),
    )
    .with_evidence(evidence)
    .with_missing(missing)
    .with_window(window)
}

/// Adults: released within 12 months AND ≥1 of mental illness; SUD; chronic or significant
/// non-chronic clinical condition; I/DD; TBI; HIV/AIDS; pregnant or postpartum.
/// Children/youth: released from a youth correctional facility within 12 months; no clinical
/// condition required.
pub(crate) fn pof_4(ctx: &Ctx<'_>) -> Variants {
    let c = ctx.policy.populations.pof_4.citation();
    let condition = |kind: IndicatorKind, name: &str, text: &str| {
        ctx.fact(&format!("pof4.adult.{name}"), text, kind, c.clone())
    };
    let adult = criteria(ctx, Variant::Adult, || {
        vec![
            released(ctx, "pof4.adult.released", false),
            Trace::any_of(
                "pof4.adult.qualifying_condition",
                "At least one qualifying condition",
                c.clone(),
                vec![
                    condition(
                        IndicatorKind::MentalIllness,
                        "mental_illness",
                        "Mental illness",
                    ),
                    condition(
                        IndicatorKind::SubstanceUseDisorder,
                        "sud",
                        "Substance use disorder",
                    ),
                    condition(
                        IndicatorKind::ChronicCondition,
                        "chronic_condition",
                        "Chronic or significant non-chronic clinical condition",
                    ),
                    condition(
                        IndicatorKind::IntellectualDevelopmentalDisability,
                        "idd",
                        "Intellectual or developmental disability",
                    ),
                    condition(
                        IndicatorKind::TraumaticBrainInjury,
                        "tbi",
                        "Traumatic brain injury",
                    ),
                    condition(IndicatorKind::HivAids, "hiv_aids", "HIV/AIDS"),
                    pregnant_or_postpartum(ctx, "pof4.adult", c.clone()),
                ],
            ),
        ]
    });
    let child = criteria(ctx, Variant::ChildYouth, || {
        vec![released(ctx, "pof4.child.released", true)]
    });
    Variants { adult, child }
}
