//! Legacy automatic ECM enrollment: a plan overlay's `legacy_ecm_enrollment` (HPSM: members in
//! MSSP or Whole Person Care, including CCSP and Bridges to Wellness, before 2022-01-01 were
//! enrolled in ECM automatically; seed 003 [4]). Its own path to ECM in the trace
//! (`ecm.legacy_enrollment`), beside the Populations of Focus, never one of them.

use super::ctx::Ctx;
use super::facts::{IndicatorKind, IndicatorStatus};
use super::trace::{Evidence, Outcome, Trace};
use crate::cite::Citation;
use crate::policy::plan_rules::LegacyEcmEnrollment;
use jiff::civil::Date;

/// One trace per plan with a legacy rule that the member is enrolled in on as_of: a member of
/// that plan on the day before the cutover AND enrolled in a listed program before it.
pub(crate) fn evaluate(ctx: &Ctx<'_>) -> Vec<Trace> {
    let mut out: Vec<Trace> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for span in ctx.facts.enrollments.iter().filter(|s| s.covers(ctx.as_of)) {
        let Some(plan) = ctx.plan(&span.plan) else {
            continue;
        };
        let Some(rule) = &plan.legacy_ecm_enrollment else {
            continue;
        };
        if seen.contains(&plan.id.as_str()) {
            continue;
        }
        seen.push(plan.id.as_str());
        out.push(legacy_trace(ctx, &plan.id, rule));
    }
    out
}

fn legacy_trace(ctx: &Ctx<'_>, plan: &str, rule: &LegacyEcmEnrollment) -> Trace {
    let c = rule.citation();
    let before = rule.enrolled_before;
    let eve = before.yesterday().unwrap_or(before);
    let then: Vec<Evidence> = ctx
        .facts
        .enrollments
        .iter()
        .filter(|s| s.plan == plan && s.covers(eve))
        .map(|s| Evidence {
            id: None,
            kind: "enrollment".to_string(),
            date: Some(s.start),
            detail: Some(format!(
                "{} {} from {}",
                s.plan, s.line_of_business, s.start
            )),
        })
        .collect();
    let member_then = Trace::leaf(
        "ecm.legacy_enrollment.plan_member",
        format!("A {plan} member on {eve}, the day before the automatic enrollment"),
        if then.is_empty() {
            Outcome::NotMet
        } else {
            Outcome::Met
        },
        c.clone(),
    )
    .with_evidence(then);
    let programs = rule
        .programs
        .iter()
        .map(|kind| program_before(ctx, *kind, before, c.clone()))
        .collect();
    Trace::all_of(
        "ecm.legacy_enrollment",
        format!("Plan {plan}: {}", rule.description),
        c.clone(),
        vec![
            member_then,
            Trace::any_of(
                "ecm.legacy_enrollment.program",
                format!("Enrolled in a listed program before {before}"),
                c,
                programs,
            ),
        ],
    )
}

/// A program enrollment recorded as an indicator of `kind` that started before `before`: met
/// when a `present` record did; not met when the only `present` records started later or an
/// `absent` record says the member was not in it; otherwise undetermined, naming the kind.
fn program_before(ctx: &Ctx<'_>, kind: IndicatorKind, before: Date, c: Citation) -> Trace {
    let rule = format!("ecm.legacy_enrollment.{}", kind.as_str().replace('-', "_"));
    let description = format!("Enrolled in {} before {before}", program_name(kind));
    let records: Vec<_> = ctx
        .facts
        .indicators
        .iter()
        .filter(|i| i.kind == kind && i.start <= ctx.as_of)
        .collect();
    let early: Vec<Evidence> = records
        .iter()
        .filter(|i| i.status == IndicatorStatus::Present && i.start < before)
        .map(|i| Evidence::indicator(i))
        .collect();
    if !early.is_empty() {
        return Trace::leaf(rule, description, Outcome::Met, c).with_evidence(early);
    }
    if records.is_empty() {
        return Trace::leaf(rule, description, Outcome::Undetermined, c)
            .with_missing(vec![format!("indicators.{}", kind.as_str())]);
    }
    let evidence = records.iter().map(|i| Evidence::indicator(i)).collect();
    Trace::leaf(rule, description, Outcome::NotMet, c).with_evidence(evidence)
}

fn program_name(kind: IndicatorKind) -> &'static str {
    match kind {
        IndicatorKind::LegacyMssp => "the Multipurpose Senior Services Program (MSSP)",
        IndicatorKind::LegacyWpc => {
            "Whole Person Care (including the Community Care Settings Pilot and Bridges to Wellness)"
        }
        IndicatorKind::LegacyHhp => "the Health Homes Program",
        other => other.as_str(),
    }
}
