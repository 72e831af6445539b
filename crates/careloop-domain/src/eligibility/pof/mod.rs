//! The ten Populations of Focus (CALAIM.md §2.2), each with adult (21+) and child/youth (<21)
//! criteria.
//!
//! A population's status is the three-valued AND of its criteria for the member's variant. When
//! the birth date is unknown both variants are evaluated: the status is their common outcome
//! when they agree, otherwise `undetermined` (missing `birth_date`).

mod birth_equity;
mod children;
mod housing;
mod justice;
mod ltc;
mod utilization;

pub(crate) use birth_equity::pregnant_or_postpartum;
pub(crate) use ltc::nf_stay_at_least;

use super::ctx::Ctx;
use super::trace::{Evidence, Outcome, Trace};
use crate::cite::Cited;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Which set of criteria applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Variant {
    /// 21 and older on as_of.
    Adult,
    /// Under 21 on as_of.
    ChildYouth,
}

/// The result for one Population of Focus.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PopulationResult {
    /// "1a", "1b", "2" … "9".
    pub code: String,
    pub name: String,
    /// Null when the age is unknown (both variants shown).
    pub variant: Option<Variant>,
    pub status: Outcome,
    pub criteria: Vec<Trace>,
}

/// The criteria of one POF for each variant.
pub(crate) struct Variants {
    pub adult: Vec<Trace>,
    pub child: Vec<Trace>,
}

/// The POF codes in output order.
pub const POF_CODES: [&str; 10] = ["1a", "1b", "2", "3", "4", "5", "6", "7", "8", "9"];

/// Evaluate all ten POFs, in [`POF_CODES`] order.
pub fn evaluate(ctx: &Ctx<'_>) -> Vec<PopulationResult> {
    let names = &ctx.policy.populations;
    vec![
        assemble(ctx, "1a", &names.pof_1a, housing::pof_1a(ctx)),
        assemble(ctx, "1b", &names.pof_1b, housing::pof_1b(ctx)),
        assemble(ctx, "2", &names.pof_2, utilization::pof_2(ctx)),
        assemble(ctx, "3", &names.pof_3, utilization::pof_3(ctx)),
        assemble(ctx, "4", &names.pof_4, justice::pof_4(ctx)),
        assemble(ctx, "5", &names.pof_5, ltc::pof_5(ctx)),
        assemble(ctx, "6", &names.pof_6, ltc::pof_6(ctx)),
        assemble(ctx, "7", &names.pof_7, children::pof_7(ctx)),
        assemble(ctx, "8", &names.pof_8, children::pof_8(ctx)),
        assemble(ctx, "9", &names.pof_9, birth_equity::pof_9(ctx)),
    ]
}

fn assemble(ctx: &Ctx<'_>, code: &str, name: &Cited<String>, v: Variants) -> PopulationResult {
    let adult_age = ctx.policy.ages.adult_min_age.value;
    let citation = ctx.policy.ages.adult_min_age.citation();
    let rule = format!("pof{code}.age");
    let description = format!(
        "Age on as_of selects the adult ({adult_age}+) or child/youth (under {adult_age}) criteria"
    );
    let (variant, status, criteria) = match ctx.age {
        Some(age) => {
            let age_trace = Trace::leaf(&rule, description, Outcome::Met, citation)
                .with_evidence(vec![Evidence {
                    id: None,
                    kind: "birth_date".to_string(),
                    date: ctx.facts.birth_date,
                    detail: Some(format!("age {age} on {}", ctx.as_of)),
                }])
                .with_threshold(i64::from(adult_age));
            let (variant, mut parts) = if age >= adult_age {
                (Variant::Adult, v.adult)
            } else {
                (Variant::ChildYouth, v.child)
            };
            let status = Outcome::all(parts.iter().map(|t| t.outcome));
            parts.insert(0, age_trace);
            (Some(variant), status, parts)
        }
        None => {
            let adult = Outcome::all(v.adult.iter().map(|t| t.outcome));
            let child = Outcome::all(v.child.iter().map(|t| t.outcome));
            let status = if adult == child {
                adult
            } else {
                Outcome::Undetermined
            };
            let age_trace = Trace::leaf(&rule, description, Outcome::Undetermined, citation)
                .with_missing(vec!["birth_date".to_string()])
                .with_threshold(i64::from(adult_age));
            let mut parts = vec![age_trace];
            parts.extend(v.adult);
            parts.extend(v.child);
            (None, status, parts)
        }
    };
    PopulationResult {
        code: code.to_string(),
        name: name.value.clone(),
        variant,
        status,
        criteria,
    }
}

/// The criterion for a variant a POF does not have (e.g. POF 5 child/youth).
pub(crate) fn not_applicable(code: &str, variant: &str, text: &str, name: &Cited<String>) -> Trace {
    Trace::leaf(
        format!("pof{code}.{variant}.not_applicable"),
        text,
        Outcome::NotMet,
        name.citation(),
    )
}

/// A criterion whose outcome is the negation of an indicator (e.g. "does not live with
/// dependent children"): `absent` → met, `present` → not met, unknown → undetermined.
pub(crate) fn negated(mut t: Trace) -> Trace {
    t.outcome = !t.outcome;
    t
}
