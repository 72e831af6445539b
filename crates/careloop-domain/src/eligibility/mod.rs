//! ECM Population of Focus and Community Supports eligibility, explained (CALAIM.md §2, §3).
//!
//! [`determine`] is a pure function of the member facts, the as-of date and the policy pack.
//! Every population, exclusion and Community Support carries its criteria as [`Trace`]s with
//! evidence, thresholds, windows and citations; anything the facts cannot decide is
//! `undetermined` and names the missing facts (docs/eligibility.md).

pub mod cs;
mod ctx;
mod events;
pub mod exclusions;
pub mod facts;
mod facts_check;
mod homeless;
mod id;
mod legacy;
pub mod pof;
pub mod policy;
mod summary;
pub mod trace;

pub use cs::CsResult;
pub use facts::{
    AvoidableEdReading, CorrectionalFacility, EnrollmentSpan, EventKind, FactsError,
    HomelessCondition, Indicator, IndicatorKind, IndicatorStatus, MemberFacts, Utilization,
    UtilizationEvent, WaiverProgram,
};
pub use pof::{POF_CODES, PopulationResult, Variant};
pub use policy::EligibilityPolicy;
pub use summary::{DeterminationSummary, TRACE_UNAVAILABLE, TraceUnavailable};
pub use trace::{Evidence, Outcome, Trace, Window};

use crate::policy::PolicyPack;
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The full, explained eligibility determination for one member on one day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Determination {
    /// SHA-256 (hex) of the canonical JSON of the facts, as_of and policy version.
    pub determination_id: String,
    pub policy_version: String,
    pub as_of: Date,
    /// Age in whole years on as_of; null when the birth date is unknown.
    pub age: Option<i16>,
    /// One per POF code, in the order 1a, 1b, 2 … 9.
    pub populations: Vec<PopulationResult>,
    /// `met` = the exclusion applies (the member cannot be in ECM on as_of).
    pub exclusions: Vec<Trace>,
    /// The plan's legacy automatic ECM enrollment path (`ecm.legacy_enrollment`), when the
    /// member's plan on as_of has one: a path to ECM beside the POFs, not a POF.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legacy_enrollment: Vec<Trace>,
    /// True if enrolled, some POF (or the legacy enrollment path) met and no exclusion applies;
    /// false if known not; null if undetermined.
    pub ecm_eligible: Option<bool>,
    /// One per Community Support.
    pub community_supports: Vec<CsResult>,
    /// True if any CS is met; false if all are not met; else null.
    pub cs_eligible: Option<bool>,
    /// Sorted, unique facts whose absence left something undetermined.
    pub missing_facts: Vec<String>,
}

impl Determination {
    /// The result for a POF code ("1a" … "9").
    pub fn population(&self, code: &str) -> Option<&PopulationResult> {
        self.populations.iter().find(|p| p.code == code)
    }

    /// The result for one Community Support.
    pub fn community_support(&self, id: crate::CsId) -> Option<&CsResult> {
        self.community_supports.iter().find(|c| c.id == id)
    }

    /// An exclusion trace by rule id (e.g. "exclusion.hospice").
    pub fn exclusion(&self, rule: &str) -> Option<&Trace> {
        self.exclusions.iter().find(|t| t.rule == rule)
    }
}

/// The ECM part of a [`Determination`]: populations, exclusions and `ecm_eligible`, exactly as
/// [`determine`] computes them, without the Community Supports and without hashing the facts.
/// For bulk identification (`careloop identify`), which reports ECM only; the id of a member's
/// determination is [`determination_id`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EcmDetermination {
    pub age: Option<i16>,
    pub populations: Vec<PopulationResult>,
    pub exclusions: Vec<Trace>,
    pub legacy_enrollment: Vec<Trace>,
    pub ecm_eligible: Option<bool>,
    /// Sorted, unique facts that left an undetermined population or exclusion undetermined.
    pub missing_facts: Vec<String>,
}

/// The ECM populations, exclusions and eligibility of `facts` on `as_of` under `pack`: the same
/// rules and results as [`determine`] (which calls it), without the Community Supports.
pub fn determine_ecm(facts: &MemberFacts, as_of: Date, pack: &PolicyPack) -> EcmDetermination {
    let ctx = ctx::Ctx::new(facts, as_of, &pack.eligibility, &pack.plans);
    let EcmPart {
        populations,
        exclusions,
        legacy,
        ecm,
    } = ecm_part(&ctx);
    let mut missing = Vec::new();
    collect_ecm_missing(&populations, &exclusions, &legacy, &mut missing);
    missing.sort();
    missing.dedup();
    EcmDetermination {
        age: ctx.age,
        populations,
        exclusions,
        legacy_enrollment: legacy,
        ecm_eligible: ecm.as_bool(),
        missing_facts: missing,
    }
}

/// SHA-256 (hex) of the canonical JSON of `{facts, as_of, policy_version}`: the
/// `determination_id` [`determine`] reports.
pub fn determination_id(facts: &MemberFacts, as_of: Date, pack: &PolicyPack) -> String {
    id::determination_id(facts, as_of, pack.version())
}

struct EcmPart {
    populations: Vec<PopulationResult>,
    exclusions: Vec<Trace>,
    legacy: Vec<Trace>,
    ecm: Outcome,
}

/// POFs, exclusions, the legacy path, and ECM = (some POF met OR the legacy enrollment path
/// met) AND no exclusion applies (enrollment is the first exclusion).
fn ecm_part(ctx: &ctx::Ctx<'_>) -> EcmPart {
    let populations = pof::evaluate(ctx);
    let exclusions = exclusions::evaluate(ctx);
    let legacy = legacy::evaluate(ctx);
    let path = Outcome::any(
        populations
            .iter()
            .map(|p| p.status)
            .chain(legacy.iter().map(|t| t.outcome)),
    );
    let ecm = Outcome::all(std::iter::once(path).chain(exclusions.iter().map(|e| !e.outcome)));
    EcmPart {
        populations,
        exclusions,
        legacy,
        ecm,
    }
}

/// Missing facts of the undetermined populations and legacy path, and of every exclusion.
fn collect_ecm_missing(
    populations: &[PopulationResult],
    exclusions: &[Trace],
    legacy: &[Trace],
    missing: &mut Vec<String>,
) {
    legacy
        .iter()
        .filter(|t| t.outcome == Outcome::Undetermined)
        .for_each(|t| t.collect_missing(missing));
    for p in populations
        .iter()
        .filter(|p| p.status == Outcome::Undetermined)
    {
        p.criteria.iter().for_each(|t| t.collect_missing(missing));
    }
    exclusions.iter().for_each(|t| t.collect_missing(missing));
}

/// Decide ECM POF membership, ECM exclusions and CS eligibility for `facts` on `as_of` under
/// `pack`. Pure and deterministic.
pub fn determine(facts: &MemberFacts, as_of: Date, pack: &PolicyPack) -> Determination {
    let ctx = ctx::Ctx::new(facts, as_of, &pack.eligibility, &pack.plans);
    let EcmPart {
        populations,
        exclusions,
        legacy,
        ecm,
    } = ecm_part(&ctx);
    let community_supports = cs::evaluate(&ctx, ecm, pack);
    let cs_eligible = Outcome::any(community_supports.iter().map(|c| c.status)).as_bool();

    let mut missing = Vec::new();
    collect_ecm_missing(&populations, &exclusions, &legacy, &mut missing);
    for c in community_supports
        .iter()
        .filter(|c| c.status == Outcome::Undetermined)
    {
        c.criteria
            .iter()
            .for_each(|t| t.collect_missing(&mut missing));
    }
    missing.sort();
    missing.dedup();

    Determination {
        determination_id: id::determination_id(facts, as_of, pack.version()),
        policy_version: pack.version().to_string(),
        as_of,
        age: ctx.age,
        populations,
        exclusions,
        legacy_enrollment: legacy,
        ecm_eligible: ecm.as_bool(),
        community_supports,
        cs_eligible,
        missing_facts: missing,
    }
}
