//! The compact form of a determination kept at rest (issue #15 item 1): what reproduces and
//! proves it — the determination id (SHA-256 of the facts, as-of date and policy version), the
//! policy version, the as-of date, every outcome and the ids of the facts the traces cite — but
//! not the traces. [`DeterminationSummary::expand`] recomputes the full determination from the
//! same facts under the loaded pack and serves it only when it is provably the same one: the same
//! policy version, the same determination id and the same outcomes. Otherwise the stored outcomes
//! are served with a trace that says why the full one is not shown, never a different trace.

use super::cs::CsResult;
use super::pof::{PopulationResult, Variant};
use super::trace::{Outcome, Trace};
use super::{Determination, MemberFacts, determine};
use crate::cite::Citation;
use crate::cs::CsId;
use crate::policy::PolicyPack;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// A determination without its traces (see the module doc). Outcomes are kept as
/// `[key, outcome]` pairs in the determination's order; the missing facts are part of the trace
/// (recomputed with it), not kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeterminationSummary {
    pub determination_id: String,
    pub policy_version: String,
    pub as_of: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<i16>,
    /// The criteria variant of every population (one per determination: from the age).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<Variant>,
    /// `[POF code, status]`, in POF order.
    pub populations: Vec<(String, Outcome)>,
    /// `[rule id, outcome]` of each exclusion.
    pub exclusions: Vec<(String, Outcome)>,
    /// `[rule id, outcome]` of the legacy enrollment path.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legacy_enrollment: Vec<(String, Outcome)>,
    pub ecm_eligible: Option<bool>,
    /// `[CS id, status, offered]`.
    pub community_supports: Vec<(CsId, Outcome, Option<bool>)>,
    pub cs_eligible: Option<bool>,
    /// The ids of the facts (indicators, utilization events) the traces cite: sorted, unique.
    pub evidence_ids: Vec<String>,
}

/// The rule id of the trace served in place of one that cannot be shown.
pub const TRACE_UNAVAILABLE: &str = "trace.unavailable";

impl Determination {
    /// The compact form of this determination.
    pub fn summary(&self) -> DeterminationSummary {
        let rules = |traces: &[Trace]| -> Vec<(String, Outcome)> {
            traces.iter().map(|t| (t.rule.clone(), t.outcome)).collect()
        };
        let mut evidence_ids = Vec::new();
        let all = self
            .populations
            .iter()
            .flat_map(|p| p.criteria.iter())
            .chain(self.exclusions.iter())
            .chain(self.legacy_enrollment.iter())
            .chain(
                self.community_supports
                    .iter()
                    .flat_map(|c| c.criteria.iter()),
            );
        for trace in all {
            collect_evidence_ids(trace, &mut evidence_ids);
        }
        evidence_ids.sort();
        evidence_ids.dedup();
        DeterminationSummary {
            determination_id: self.determination_id.clone(),
            policy_version: self.policy_version.clone(),
            as_of: self.as_of,
            age: self.age,
            variant: self.populations.first().and_then(|p| p.variant),
            populations: self
                .populations
                .iter()
                .map(|p| (p.code.clone(), p.status))
                .collect(),
            exclusions: rules(&self.exclusions),
            legacy_enrollment: rules(&self.legacy_enrollment),
            ecm_eligible: self.ecm_eligible,
            community_supports: self
                .community_supports
                .iter()
                .map(|c| (c.id, c.status, c.offered))
                .collect(),
            cs_eligible: self.cs_eligible,
            evidence_ids,
        }
    }
}

fn collect_evidence_ids(trace: &Trace, into: &mut Vec<String>) {
    into.extend(trace.evidence.iter().filter_map(|e| e.id.clone()));
    for part in trace.any_of.iter().chain(trace.all_of.iter()) {
        collect_evidence_ids(part, into);
    }
}

/// Why the full trace of a stored determination cannot be served.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TraceUnavailable {
    /// The determination was made under a policy version the loaded pack is not.
    PolicyNotLoaded { stored: String, loaded: String },
    /// The facts at hand do not hash to the stored determination id.
    DifferentFacts,
    /// The same facts and policy version give different outcomes (the rules changed without a
    /// new policy version).
    DifferentOutcomes,
}

impl std::fmt::Display for TraceUnavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TraceUnavailable::PolicyNotLoaded { stored, loaded } => write!(
                f,
                "policy version {stored} is no longer loaded (loaded: {loaded}); the stored outcomes are shown without their trace and missing facts"
            ),
            TraceUnavailable::DifferentFacts => f.write_str(
                "the stored facts do not reproduce the stored determination id; the stored outcomes are shown without their trace and missing facts",
            ),
            TraceUnavailable::DifferentOutcomes => f.write_str(
                "recomputing under the same policy version gives a different outcome; the stored outcomes are shown without their trace and missing facts",
            ),
        }
    }
}

impl Determination {
    /// Whether this determination carries its traces and missing facts: false for a stored one
    /// served from its summary without them ([`DeterminationSummary::expand`] when the trace
    /// cannot be recomputed, rule [`TRACE_UNAVAILABLE`]).
    pub fn has_traces(&self) -> bool {
        !self
            .populations
            .iter()
            .flat_map(|p| p.criteria.iter())
            .chain(
                self.community_supports
                    .iter()
                    .flat_map(|c| c.criteria.iter()),
            )
            .any(|t| t.rule == TRACE_UNAVAILABLE)
    }
}

impl DeterminationSummary {
    /// The full determination this summary stands for: recomputed from `facts` under `pack`
    /// (the facts it was made from), or `Err` with the reason when the recomputed one is not
    /// provably the same (another policy version, another determination id, other outcomes).
    pub fn recompute(
        &self,
        facts: &MemberFacts,
        pack: &PolicyPack,
    ) -> Result<Determination, TraceUnavailable> {
        if pack.version() != self.policy_version {
            return Err(TraceUnavailable::PolicyNotLoaded {
                stored: self.policy_version.clone(),
                loaded: pack.version().to_owned(),
            });
        }
        let full = determine(facts, self.as_of, pack);
        if full.determination_id != self.determination_id {
            return Err(TraceUnavailable::DifferentFacts);
        }
        if full.summary() != *self {
            return Err(TraceUnavailable::DifferentOutcomes);
        }
        Ok(full)
    }

    /// [`Self::recompute`], or when that is refused, the stored outcomes with one trace each
    /// (rule [`TRACE_UNAVAILABLE`]) saying why the full trace and the missing facts are not
    /// shown. Population names come from the loaded pack (the code when it has none).
    pub fn expand(&self, facts: &MemberFacts, pack: &PolicyPack) -> Determination {
        match self.recompute(facts, pack) {
            Ok(full) => full,
            Err(why) => self.without_traces(&why, pack),
        }
    }

    fn without_traces(&self, why: &TraceUnavailable, pack: &PolicyPack) -> Determination {
        let reason = why.to_string();
        let citation = Citation::new(format!("stored determination {}", self.determination_id));
        let marker = |outcome: Outcome| {
            Trace::leaf(TRACE_UNAVAILABLE, reason.clone(), outcome, citation.clone())
        };
        let rule = |(id, outcome): &(String, Outcome)| {
            let mut t = marker(*outcome);
            t.rule.clone_from(id);
            t
        };
        let names = &pack.eligibility.populations;
        Determination {
            determination_id: self.determination_id.clone(),
            policy_version: self.policy_version.clone(),
            as_of: self.as_of,
            age: self.age,
            populations: self
                .populations
                .iter()
                .map(|(code, status)| PopulationResult {
                    code: code.clone(),
                    name: names.name(code).unwrap_or(code).to_owned(),
                    variant: self.variant,
                    status: *status,
                    criteria: vec![marker(*status)],
                })
                .collect(),
            exclusions: self.exclusions.iter().map(rule).collect(),
            legacy_enrollment: self.legacy_enrollment.iter().map(rule).collect(),
            ecm_eligible: self.ecm_eligible,
            community_supports: self
                .community_supports
                .iter()
                .map(|&(id, status, offered)| CsResult {
                    id,
                    status,
                    offered,
                    criteria: vec![marker(status)],
                })
                .collect(),
            cs_eligible: self.cs_eligible,
            // Part of the trace: not kept, so not shown (the marker says why).
            missing_facts: Vec::new(),
        }
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn example(name: &str) -> MemberFacts {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples/members")
            .join(name);
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    /// Every example member: the summary expands to the very determination it came from, byte
    /// for byte, and it is small (no trace).
    #[test]
    fn a_summary_expands_to_the_same_determination() {
        let pack = PolicyPack::embedded().unwrap();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/members");
        let mut checked = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if !name.ends_with(".json") {
                continue;
            }
            let facts = example(&name);
            let full = determine(&facts, date(2026, 11, 22), &pack);
            let summary = full.summary();
            let text = serde_json::to_string(&summary).unwrap();
            let back: DeterminationSummary = serde_json::from_str(&text).unwrap();
            assert_eq!(back, summary);
            assert_eq!(
                serde_json::to_string(&back.expand(&facts, &pack)).unwrap(),
                serde_json::to_string(&full).unwrap(),
                "{name}"
            );
            assert!(text.len() < 1_800, "{name}: {} bytes {text}", text.len());
            checked += 1;
        }
        assert!(checked >= 10);
    }

    #[test]
    fn evidence_ids_are_the_cited_facts() {
        let pack = PolicyPack::embedded().unwrap();
        let facts = example("pof-2-adult.json");
        let summary = determine(&facts, date(2026, 11, 22), &pack).summary();
        assert!(!summary.evidence_ids.is_empty());
        let known: Vec<String> = facts
            .indicators
            .iter()
            .filter_map(|i| i.id.clone())
            .chain(
                facts
                    .utilization
                    .iter()
                    .flat_map(|u| u.events.iter().map(|e| e.id.clone())),
            )
            .collect();
        assert!(summary.evidence_ids.iter().all(|id| known.contains(id)));
        assert!(summary.evidence_ids.windows(2).all(|w| w[0] < w[1]));
    }

    /// Another policy version, other facts or other outcomes: never a recomputed trace, but the
    /// stored outcomes with a trace that says why.
    #[test]
    fn a_summary_that_cannot_be_proven_serves_its_outcomes_and_says_why() {
        let pack = PolicyPack::embedded().unwrap();
        let facts = example("pof-1a-adult.json");
        let full = determine(&facts, date(2026, 11, 22), &pack);
        let summary = full.summary();

        let mut old = summary.clone();
        old.policy_version = "1999.01".into();
        assert_eq!(
            old.recompute(&facts, &pack),
            Err(TraceUnavailable::PolicyNotLoaded {
                stored: "1999.01".into(),
                loaded: pack.version().into()
            })
        );
        let served = old.expand(&facts, &pack);
        assert!(full.has_traces());
        assert!(!served.has_traces());
        assert_eq!(served.policy_version, "1999.01");
        assert_eq!(served.summary().populations, summary.populations);
        assert!(served.missing_facts.is_empty());
        assert_eq!(
            served.summary().community_supports,
            summary.community_supports
        );
        assert_eq!(served.summary().exclusions, summary.exclusions);
        assert_eq!(served.ecm_eligible, full.ecm_eligible);
        let pof = served.population("1a").unwrap();
        assert_eq!(pof.name, full.population("1a").unwrap().name);
        assert_eq!(pof.criteria.len(), 1);
        assert_eq!(pof.criteria[0].rule, TRACE_UNAVAILABLE);
        assert!(
            pof.criteria[0]
                .description
                .contains("policy version 1999.01 is no longer loaded")
        );

        let mut other_facts = facts.clone();
        other_facts.birth_date = None;
        assert_eq!(
            summary.recompute(&other_facts, &pack),
            Err(TraceUnavailable::DifferentFacts)
        );

        let mut other_outcome = summary.clone();
        other_outcome.ecm_eligible = other_outcome.ecm_eligible.map(|b| !b);
        assert_eq!(
            other_outcome.recompute(&facts, &pack),
            Err(TraceUnavailable::DifferentOutcomes)
        );
        let served = other_outcome.expand(&facts, &pack);
        assert_eq!(served.ecm_eligible, other_outcome.ecm_eligible);
        assert!(served.exclusions.iter().all(|t| t.any_of.is_empty()));
    }
}
