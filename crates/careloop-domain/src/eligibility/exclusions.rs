//! ECM exclusions and non-duplication (CALAIM.md §2.1, §2.4).
//!
//! Each exclusion trace reads "the exclusion applies": `met` = the member is excluded from ECM
//! on as_of, `not_met` = it does not apply, `undetermined` = unknown.

use super::ctx::{Ctx, Finding};
use super::facts::{EnrollmentSpan, IndicatorKind, IndicatorStatus};
use super::trace::{Evidence, Outcome, Trace};
use crate::cite::Citation;

fn enrollment_evidence(span: &EnrollmentSpan) -> Evidence {
    let through = span
        .end
        .map(|e| e.to_string())
        .unwrap_or_else(|| "open".into());
    Evidence {
        id: None,
        kind: "enrollment".to_string(),
        date: Some(span.start),
        detail: Some(format!(
            "{} {} {}..{through}",
            span.plan, span.line_of_business, span.start
        )),
    }
}

/// Enrolled in a Medi-Cal managed care plan on as_of (a line of business listed in
/// `ecm.toml [enrollment] medi_cal_lines_of_business`). An empty enrollment list is unknown.
pub(crate) fn enrolled_in_mcp(ctx: &Ctx<'_>) -> Finding {
    let lines = &ctx.policy.enrollment.medi_cal_lines_of_business.value;
    let spans = &ctx.facts.enrollments;
    if spans.is_empty() {
        return Finding {
            outcome: Outcome::Undetermined,
            evidence: Vec::new(),
            missing: vec!["enrollments".to_string()],
        };
    }
    let current: Vec<Evidence> = spans
        .iter()
        .filter(|s| s.covers(ctx.as_of) && lines.contains(&s.line_of_business))
        .map(enrollment_evidence)
        .collect();
    if current.is_empty() {
        Finding {
            outcome: Outcome::NotMet,
            evidence: spans.iter().map(enrollment_evidence).collect(),
            missing: Vec::new(),
        }
    } else {
        Finding {
            outcome: Outcome::Met,
            evidence: current,
            missing: Vec::new(),
        }
    }
}

/// A plan's overlay excludes the member's line of business from ECM (e.g. HPSM D-SNP
/// "CareAdvantage", CALAIM.md §2.4 [4]); D-SNP members elsewhere are not excluded, since a
/// statewide D-SNP exclusion is UNCONFIRMED.
fn plan_line_of_business(ctx: &Ctx<'_>) -> Trace {
    let rule = "exclusion.plan_line_of_business";
    let description = "The plan excludes the member's line of business from ECM";
    if ctx.facts.enrollments.is_empty() {
        return Trace::leaf(
            rule,
            description,
            Outcome::Undetermined,
            ctx.policy.exclusions.plan_line_of_business.citation(),
        )
        .with_missing(vec!["enrollments".to_string()]);
    }
    let mut evidence = Vec::new();
    let mut citations = Vec::new();
    for span in ctx.facts.enrollments.iter().filter(|s| s.covers(ctx.as_of)) {
        let Some(plan) = ctx.plan(&span.plan) else {
            continue;
        };
        if let Some(excl) = plan
            .ecm
            .excluded_lines_of_business
            .iter()
            .find(|l| l.value == span.line_of_business)
        {
            evidence.push(enrollment_evidence(span));
            citations.push(excl.citation());
        }
    }
    let citation = match citations.first() {
        Some(c) => Citation {
            source: c.source.clone(),
            unconfirmed: citations.iter().any(|c| c.unconfirmed),
        },
        None => ctx.policy.exclusions.plan_line_of_business.citation(),
    };
    let outcome = if evidence.is_empty() {
        Outcome::NotMet
    } else {
        Outcome::Met
    };
    Trace::leaf(rule, description, outcome, citation).with_evidence(evidence)
}

/// All exclusions, in a fixed order: not enrolled; hospice; PACE; CCM; CCT; 1915(c) waiver;
/// plan line of business.
pub fn evaluate(ctx: &Ctx<'_>) -> Vec<Trace> {
    let ex = &ctx.policy.exclusions;
    let enrolled = enrolled_in_mcp(ctx);
    let not_enrolled = Trace::leaf(
        "exclusion.not_enrolled_in_mcp",
        "Not enrolled in a Medi-Cal managed care plan on as_of",
        !enrolled.outcome,
        ex.not_enrolled.citation(),
    )
    .with_evidence(enrolled.evidence)
    .with_missing(enrolled.missing);
    let program = |rule: &str, kind: IndicatorKind, cited: &crate::Cited<String>| {
        ctx.fact(
            rule,
            &format!(
                "Enrolled in {} (cannot be in ECM at the same time)",
                cited.value
            ),
            kind,
            cited.citation(),
        )
    };
    vec![
        not_enrolled,
        program("exclusion.hospice", IndicatorKind::Hospice, &ex.hospice),
        program("exclusion.pace", IndicatorKind::Pace, &ex.pace),
        program("exclusion.ccm", IndicatorKind::Ccm, &ex.ccm),
        program("exclusion.cct", IndicatorKind::Cct, &ex.cct),
        waiver_1915c(ctx),
        plan_line_of_business(ctx),
    ]
}

/// A 1915(c) waiver span open on as_of excludes ECM: "they cannot be enrolled in ECM and a
/// 1915(c) waiver program at the same time" (seed 003 [4]; CALAIM.md §2.4 [8]). When it applies
/// the description names each open waiver (the indicator's `waiver`) and its span, so the ECM
/// enrollment refusal names it.
fn waiver_1915c(ctx: &Ctx<'_>) -> Trace {
    let cited = &ctx.policy.exclusions.waiver_1915c;
    let mut t = ctx.fact(
        "exclusion.waiver_1915c",
        &format!(
            "Enrolled in {} (cannot be in ECM at the same time)",
            cited.value
        ),
        IndicatorKind::Waiver1915c,
        cited.citation(),
    );
    if t.outcome != Outcome::Met {
        return t;
    }
    let open: Vec<String> = ctx
        .facts
        .indicators
        .iter()
        .filter(|i| {
            i.kind == IndicatorKind::Waiver1915c
                && i.status == IndicatorStatus::Present
                && i.covers(ctx.as_of)
        })
        .map(|i| {
            let name = i
                .waiver
                .map_or("a 1915(c) waiver (program not recorded)", |w| w.label());
            let through = i
                .end
                .map_or_else(|| "open".to_string(), |e| format!("through {e}"));
            format!("{name}, from {} ({through})", i.start)
        })
        .collect();
    t.description = format!(
        "Enrolled in a 1915(c) waiver program: {}; a member cannot be enrolled in ECM and a 1915(c) waiver program at the same time",
        open.join("; ")
    );
    t
}
