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

/// The criteria of `variant`, built only when [`assemble`] will keep them: with a known age
/// it keeps one variant and drops the other unread, so building that one is skipped (a speed
/// measure only: building a trace reads the facts and has no other effect, so every result is
/// the same; `tests::skipping_the_unused_variant_changes_nothing` checks it). With an unknown
/// age both are built.
pub(crate) fn criteria(
    ctx: &Ctx<'_>,
    variant: Variant,
    build: impl FnOnce() -> Vec<Trace>,
) -> Vec<Trace> {
    let used = match ctx.age {
        None => true,
        Some(age) => (age >= ctx.policy.ages.adult_min_age.value) == (variant == Variant::Adult),
    };
    #[cfg(test)]
    let used = used || tests::BUILD_BOTH.with(std::cell::Cell::get);
    if used { build() } else { Vec::new() }
}

/// The POF codes in output order.
pub const POF_CODES: [&str; 10] = ["1a", "1b", "2", "3", "4", "5", "6", "7", "8", "9"];

/// Evaluate all ten POFs, in [`POF_CODES`] order.
pub fn evaluate(ctx: &Ctx<'_>) -> Vec<PopulationResult> {
    let names = &ctx.policy.populations;
    let adult_age = ctx.policy.ages.adult_min_age.value;
    // The same for every POF: formatted once per member.
    let age = AgeText {
        description: format!(
            "Age on as_of selects the adult ({adult_age}+) or child/youth (under {adult_age}) criteria"
        ),
        detail: ctx.age.map(|age| format!("age {age} on {}", ctx.as_of)),
    };
    vec![
        assemble(ctx, &age, "1a", &names.pof_1a, housing::pof_1a(ctx)),
        assemble(ctx, &age, "1b", &names.pof_1b, housing::pof_1b(ctx)),
        assemble(ctx, &age, "2", &names.pof_2, utilization::pof_2(ctx)),
        assemble(ctx, &age, "3", &names.pof_3, utilization::pof_3(ctx)),
        assemble(ctx, &age, "4", &names.pof_4, justice::pof_4(ctx)),
        assemble(ctx, &age, "5", &names.pof_5, ltc::pof_5(ctx)),
        assemble(ctx, &age, "6", &names.pof_6, ltc::pof_6(ctx)),
        assemble(ctx, &age, "7", &names.pof_7, children::pof_7(ctx)),
        assemble(ctx, &age, "8", &names.pof_8, children::pof_8(ctx)),
        assemble(ctx, &age, "9", &names.pof_9, birth_equity::pof_9(ctx)),
    ]
}

/// The texts of every POF's age criterion.
struct AgeText {
    description: String,
    /// "age N on as_of" when the age is known.
    detail: Option<String>,
}

fn assemble(
    ctx: &Ctx<'_>,
    text: &AgeText,
    code: &str,
    name: &Cited<String>,
    v: Variants,
) -> PopulationResult {
    let adult_age = ctx.policy.ages.adult_min_age.value;
    let citation = ctx.policy.ages.adult_min_age.citation();
    let rule = format!("pof{code}.age");
    let description = text.description.clone();
    let (variant, status, criteria) = match ctx.age {
        Some(age) => {
            let age_trace = Trace::leaf(rule, description, Outcome::Met, citation)
                .with_evidence(vec![Evidence {
                    id: None,
                    kind: "birth_date".to_string(),
                    date: ctx.facts.birth_date,
                    detail: text.detail.clone(),
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
            let age_trace = Trace::leaf(rule, description, Outcome::Undetermined, citation)
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

/// The criteria of a variant a POF does not have (e.g. POF 5 child/youth): one criterion,
/// `pof{code}.{adult|child}.not_applicable`, never met, saying "POF {code} has no … criteria
/// ({why})".
pub(crate) fn no_criteria(
    ctx: &Ctx<'_>,
    variant: Variant,
    code: &str,
    why: &str,
    name: &Cited<String>,
) -> Vec<Trace> {
    let (label, words) = match variant {
        Variant::Adult => ("adult", "adult"),
        Variant::ChildYouth => ("child", "child/youth"),
    };
    criteria(ctx, variant, || {
        vec![Trace::leaf(
            format!("pof{code}.{label}.not_applicable"),
            format!("POF {code} has no {words} criteria ({why})"),
            Outcome::NotMet,
            name.citation(),
        )]
    })
}

/// A criterion whose outcome is the negation of an indicator (e.g. "does not live with
/// dependent children"): `absent` → met, `present` → not met, unknown → undetermined.
pub(crate) fn negated(mut t: Trace) -> Trace {
    t.outcome = !t.outcome;
    t
}

#[cfg(test)]
mod tests {
    use crate::PolicyPack;
    use crate::eligibility::{MemberFacts, determine, determine_ecm};
    use jiff::ToSpan;
    use jiff::civil::date;
    use std::cell::Cell;

    thread_local! {
        /// Build both variants whatever the age (the behaviour before [`super::criteria`]).
        pub(super) static BUILD_BOTH: Cell<bool> = const { Cell::new(false) };
    }

    /// Every example member, at ages on both sides of the adult age and unknown: the
    /// determinations with the unused variant skipped equal those with both built.
    #[test]
    fn skipping_the_unused_variant_changes_nothing() -> Result<(), String> {
        let pack = PolicyPack::embedded().map_err(|e| e.to_string())?;
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/members");
        let mut names: Vec<_> = std::fs::read_dir(&dir)
            .map_err(|e| e.to_string())?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        names.sort();
        assert!(names.len() >= 10);
        let as_of = date(2026, 11, 22);
        let mut checked = 0;
        for path in names {
            let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
            let facts: MemberFacts = serde_json::from_str(&text).map_err(|e| e.to_string())?;
            let mut births = vec![None, facts.birth_date];
            for (years, days) in [
                (3, 0),
                (17, 0),
                (20, 364),
                (21, 0),
                (21, 1),
                (25, 0),
                (70, 0),
            ] {
                births.push(
                    as_of
                        .checked_sub(years.years())
                        .ok()
                        .and_then(|d| d.checked_add(days.days()).ok()),
                );
            }
            for birth in births {
                let mut f = facts.clone();
                f.birth_date = birth;
                let skip = (determine(&f, as_of, &pack), determine_ecm(&f, as_of, &pack));
                BUILD_BOTH.with(|b| b.set(true));
                let both = (determine(&f, as_of, &pack), determine_ecm(&f, as_of, &pack));
                BUILD_BOTH.with(|b| b.set(false));
                assert_eq!(skip, both, "{} born {birth:?}", path.display());
                checked += 1;
            }
        }
        assert!(checked >= 100);
        Ok(())
    }
}
