//! Homelessness per the HUD definition as modified by DHCS (CALAIM.md §2.3 [6]): any one of six
//! conditions, with imminent loss of housing counting within 30 days (policy value) instead of
//! HUD's 14.

use super::ctx::Ctx;
use super::facts::{HomelessCondition, Indicator, IndicatorKind, IndicatorStatus};
use super::trace::{Evidence, Outcome, Trace, Window};
use jiff::ToSpan;

/// The criterion "homeless on as_of", rule id `{prefix}.homeless`.
pub fn homeless(ctx: &Ctx<'_>, prefix: &str) -> Trace {
    let policy = &ctx.policy.homelessness;
    let rule = format!("{prefix}.homeless");
    let description = "Homeless per the DHCS definition (any one of the six conditions)";
    let current: Vec<&Indicator> = ctx
        .facts
        .indicators
        .iter()
        .filter(|i| {
            i.kind == IndicatorKind::Homelessness
                && i.status == IndicatorStatus::Present
                && i.covers(ctx.as_of)
        })
        .collect();
    if current.is_empty() {
        return ctx.indicator_now(IndicatorKind::Homelessness).trace(
            &rule,
            description,
            policy.definition.citation(),
        );
    }
    let parts = current
        .into_iter()
        .map(|ind| condition_trace(ctx, &rule, ind))
        .collect();
    Trace::any_of(rule, description, policy.definition.citation(), parts)
}

fn condition_trace(ctx: &Ctx<'_>, rule: &str, ind: &Indicator) -> Trace {
    let policy = &ctx.policy.homelessness;
    let evidence = vec![Evidence::indicator(ind)];
    let (name, text) = match ind.condition {
        None => ("unspecified", "Homeless (condition not recorded)"),
        Some(HomelessCondition::LacksFixedResidence) => (
            "lacks_fixed_residence",
            "Lacks a fixed, regular and adequate nighttime residence",
        ),
        Some(HomelessCondition::PlaceNotMeantForHabitation) => (
            "place_not_meant_for_habitation",
            "Sleeps in a place not meant for people to sleep",
        ),
        Some(HomelessCondition::ShelterOrTemporaryHousing) => (
            "shelter_or_temporary_housing",
            "Lives in a supervised shelter or temporary housing",
        ),
        Some(HomelessCondition::ExitingInstitution) => (
            "exiting_institution",
            "Leaving an institution into homelessness (length of stay does not matter)",
        ),
        Some(HomelessCondition::FleeingViolence) => (
            "fleeing_violence",
            "Fleeing domestic or dating violence, sexual assault, stalking or similar danger",
        ),
        Some(HomelessCondition::ImminentLossOfHousing) => {
            return imminent_loss(ctx, rule, ind, evidence);
        }
    };
    Trace::leaf(
        format!("{rule}.{name}"),
        text,
        Outcome::Met,
        policy.definition.citation(),
    )
    .with_evidence(evidence)
}

/// Condition 5: housing will be lost within the window (30 days, [6][31]) after as_of.
fn imminent_loss(ctx: &Ctx<'_>, rule: &str, ind: &Indicator, evidence: Vec<Evidence>) -> Trace {
    let days = ctx.policy.homelessness.imminent_loss_window_days.value;
    let window = Window {
        months: None,
        days: Some(days),
        from: ctx.as_of,
        through: ctx.as_of.saturating_add(days.days()),
    };
    let description = format!("Will lose housing within {days} days");
    let mut t = Trace::leaf(
        format!("{rule}.imminent_loss_of_housing"),
        description,
        Outcome::Undetermined,
        ctx.policy.homelessness.imminent_loss_window_days.citation(),
    )
    .with_evidence(evidence)
    .with_threshold(i64::from(days));
    match ind.housing_loss_date {
        None => t.missing = vec!["indicators.homelessness.housing_loss_date".to_string()],
        Some(d) if d < window.from => {
            // The loss date has passed; whether the member is now homeless needs a new fact.
            t.missing = vec!["indicators.homelessness (housing status after the loss date)".into()];
        }
        Some(d) => {
            t.outcome = if d <= window.through {
                Outcome::Met
            } else {
                Outcome::NotMet
            };
            t.evidence.push(Evidence {
                id: ind.id.clone(),
                kind: "housing_loss_date".to_string(),
                date: Some(d),
                detail: None,
            });
        }
    }
    t.with_window(window)
}
