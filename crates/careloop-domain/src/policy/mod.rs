//! The policy pack: versioned, effective-dated policy data embedded in the binary.
//!
//! Statewide values (POF thresholds, clocks, holidays, the CS catalog and limits, program dates)
//! and per-plan overlays are TOML files under `crates/careloop-domain/policy/`. Every value is a
//! [`Cited`](crate::Cited) value; the shape of each rule stays typed Rust (ARCHITECTURE.md,
//! "Policy is data, logic is code").

pub mod catalog;
pub mod channels;
pub mod check;
pub mod doc;
pub(crate) mod file;
pub mod invoice;
pub mod offerings;
pub mod plan;
pub mod plan_rules;
pub mod program;

use serde::{Deserialize, Serialize};

pub use catalog::{CatalogEntry, CodeError, CodePair, CsCatalog, Hcpcs, Modifier};
pub use channels::{ChannelKind, ChannelPurpose, RequestChannel};
pub use check::{OverlayProblem, ProblemKind, check_overlay};
pub use file::PolicyError;
pub(crate) use file::parse_toml;
pub use invoice::{InvoicePathway, PlanInvoicePolicy};
pub use offerings::{OfferedCs, OfferingBasis, OfferingsError, offerings};
pub use plan::PlanOverlay;
pub use program::{CsMandate, ProgramPolicy};

/// Identity of a pack version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackMeta {
    /// Version string carried in every decision trace, e.g. "2026.11.0".
    pub version: String,
    /// The day this version was published.
    pub published: jiff::civil::Date,
    pub description: String,
}

/// The statewide pack file (`statewide/pack.toml`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PackFile {
    meta: PackMeta,
    program: ProgramPolicy,
}

/// Everything the rules need, for one version of policy.
#[derive(Clone, Debug)]
pub struct PolicyPack {
    pub meta: PackMeta,
    pub program: ProgramPolicy,
    pub eligibility: crate::eligibility::policy::EligibilityPolicy,
    pub clocks: crate::clock::policy::ClockPolicy,
    pub holidays: crate::clock::holidays::HolidayCalendar,
    pub catalog: CsCatalog,
    pub cs_limits: crate::cs_limits::policy::CsLimitPolicy,
    /// Work-queue thresholds and referral/ECM value sets (`statewide/workflow.toml`).
    pub workflow: crate::workflow::policy::WorkflowPolicy,
    /// Member notice templates (`statewide/notice.toml`).
    pub notice: crate::notice::NoticePolicy,
    pub plans: Vec<PlanOverlay>,
}

/// The statewide files embedded in the binary: (file name, text).
pub const STATEWIDE_FILES: [(&str, &str); 6] = [
    (
        "statewide/pack.toml",
        include_str!("../../policy/statewide/pack.toml"),
    ),
    (
        "statewide/ecm.toml",
        include_str!("../../policy/statewide/ecm.toml"),
    ),
    (
        "statewide/clocks.toml",
        include_str!("../../policy/statewide/clocks.toml"),
    ),
    (
        "statewide/holidays.toml",
        include_str!("../../policy/statewide/holidays.toml"),
    ),
    (
        "statewide/cs_catalog.toml",
        include_str!("../../policy/statewide/cs_catalog.toml"),
    ),
    (
        "statewide/cs_limits.toml",
        include_str!("../../policy/statewide/cs_limits.toml"),
    ),
];

include!(concat!(env!("OUT_DIR"), "/plan_files.rs"));

impl PolicyPack {
    /// The pack compiled into this binary.
    pub fn embedded() -> Result<Self, PolicyError> {
        let [pack, ecm, clocks, holidays, catalog, limits] = STATEWIDE_FILES;
        let pack_file: PackFile = parse_toml(pack.0, pack.1)?;
        let plans = PLAN_FILES
            .iter()
            .map(|(name, text)| parse_toml(name, text))
            .collect::<Result<Vec<PlanOverlay>, _>>()?;
        let calendar: crate::clock::holidays::HolidayCalendar = parse_toml(holidays.0, holidays.1)?;
        let problems = calendar.check();
        if !problems.is_empty() {
            return Err(PolicyError::Invalid {
                file: holidays.0.to_string(),
                errors: problems,
            });
        }
        Ok(PolicyPack {
            meta: pack_file.meta,
            program: pack_file.program,
            eligibility: parse_toml(ecm.0, ecm.1)?,
            clocks: parse_toml(clocks.0, clocks.1)?,
            holidays: calendar,
            workflow: crate::workflow::policy::WorkflowPolicy::embedded()?,
            notice: crate::notice::NoticePolicy::embedded()?,
            catalog: parse_toml(catalog.0, catalog.1)?,
            cs_limits: parse_toml(limits.0, limits.1)?,
            plans,
        })
    }

    /// The policy version carried in every trace.
    pub fn version(&self) -> &str {
        &self.meta.version
    }

    /// A plan overlay by id.
    pub fn plan(&self, id: &str) -> Option<&PlanOverlay> {
        self.plans.iter().find(|p| p.id == id)
    }

    /// A plan overlay by id, or [`UnknownPlan`] naming the known plan ids. Rules that depend on
    /// the plan (the ECM line-of-business exclusion, the HPSM "ECM-eligible implies CS" rule,
    /// period lengths, the plan that is asked to authorize a CS) answer wrongly for a plan id
    /// the pack does not know (a misspelled "hpms" silently skips HPSM's D-SNP exclusion), so
    /// every place that takes a plan id from input looks it up here and refuses an unknown one
    /// (issue #12, defect 6).
    pub fn known_plan(&self, id: &str) -> Result<&PlanOverlay, UnknownPlan> {
        self.plan(id).ok_or_else(|| UnknownPlan {
            plan: id.to_string(),
            known: self.plan_ids(),
        })
    }

    /// The ids of the plans in this pack, in pack order.
    pub fn plan_ids(&self) -> Vec<String> {
        self.plans.iter().map(|p| p.id.clone()).collect()
    }
}

/// A plan id that is not in the policy pack.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown plan \"{plan}\"; known plans: {}", .known.join(", "))]
pub struct UnknownPlan {
    pub plan: String,
    pub known: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_plan_refuses_an_unknown_id_naming_the_known_ones() {
        let Ok(pack) = PolicyPack::embedded() else {
            unreachable!("embedded pack");
        };
        assert!(pack.known_plan("hpsm").is_ok());
        let Err(e) = pack.known_plan("hpms") else {
            unreachable!("hpms is not a plan");
        };
        assert_eq!(e.plan, "hpms");
        assert!(e.known.contains(&"hpsm".to_string()));
        assert!(e.to_string().contains("known plans: "), "{e}");
        assert!(e.to_string().contains("alameda-alliance"), "{e}");
    }

    #[test]
    fn embedded_pack_loads() {
        let pack = PolicyPack::embedded();
        assert!(pack.is_ok(), "{:?}", pack.err());
    }
}
