//! Workflow policy values (`policy/statewide/workflow.toml`): work-queue thresholds and the value
//! sets referrals and enrollments close with. Each value is cited; the careloop defaults and the
//! value sets DHCS has not published are flagged `unconfirmed`.

use crate::cite::Cited;
use crate::policy::file::{PolicyError, parse_toml};
use serde::{Deserialize, Serialize};

/// The embedded workflow policy file: (file name, text).
pub const WORKFLOW_FILE: (&str, &str) = (
    "statewide/workflow.toml",
    include_str!("../../policy/statewide/workflow.toml"),
);

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkflowPolicy {
    /// An authorization request is at risk with fewer hours than this left (24; careloop default).
    pub at_risk_hours: Cited<u32>,
    /// ECM re-authorizations due within this many days are listed (30; careloop default).
    pub reauthorization_lookahead_days: Cited<u32>,
    /// Closed-loop referral closure reasons (RTF; only "services-received" confirmed [37]).
    pub closure_reasons: Vec<Cited<String>>,
    /// ECM discontinuation reasons (RTF; DHCS code list UNCONFIRMED, CALAIM.md §2.9).
    pub discontinuation_reasons: Vec<Cited<String>>,
    /// The domains of the ECM comprehensive assessment (CALAIM.md §2.7 core service 2 [12]).
    pub assessment_domains: Vec<Cited<AssessmentDomain>>,
}

/// One domain of the ECM comprehensive assessment: its code (what a recorded answer names) and
/// its words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssessmentDomain {
    pub code: String,
    pub label: String,
}

impl WorkflowPolicy {
    /// The workflow policy compiled into this binary.
    pub fn embedded() -> Result<Self, PolicyError> {
        let policy: WorkflowPolicy = parse_toml(WORKFLOW_FILE.0, WORKFLOW_FILE.1)?;
        let problems = policy.check();
        if problems.is_empty() {
            Ok(policy)
        } else {
            Err(PolicyError::Invalid {
                file: WORKFLOW_FILE.0.to_string(),
                errors: problems,
            })
        }
    }

    /// Problems with the value sets: empty sets, blank or repeated codes.
    pub fn check(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (name, set) in [
            ("closure_reasons", &self.closure_reasons),
            ("discontinuation_reasons", &self.discontinuation_reasons),
        ] {
            if set.is_empty() {
                out.push(format!("{name} is empty"));
            }
            for (i, code) in set.iter().enumerate() {
                if code.value.trim().is_empty() {
                    out.push(format!("{name}[{i}] is blank"));
                }
                if set.iter().take(i).any(|c| c.value == code.value) {
                    out.push(format!(
                        "{name}: \"{}\" is listed more than once",
                        code.value
                    ));
                }
            }
        }
        if self.assessment_domains.is_empty() {
            out.push("assessment_domains is empty".to_owned());
        }
        for (i, d) in self.assessment_domains.iter().enumerate() {
            if d.value.code.trim().is_empty() || d.value.label.trim().is_empty() {
                out.push(format!("assessment_domains[{i}] has a blank code or label"));
            }
            if self
                .assessment_domains
                .iter()
                .take(i)
                .any(|e| e.value.code == d.value.code)
            {
                out.push(format!(
                    "assessment_domains: \"{}\" is listed more than once",
                    d.value.code
                ));
            }
        }
        out
    }

    /// The assessment domain entry for a code, if it is in the pack.
    pub fn assessment_domain(&self, code: &str) -> Option<&Cited<AssessmentDomain>> {
        self.assessment_domains
            .iter()
            .find(|d| d.value.code == code)
    }

    /// The closure reason entry for a code, if it is in the value set.
    pub fn closure_reason(&self, code: &str) -> Option<&Cited<String>> {
        self.closure_reasons.iter().find(|c| c.value == code)
    }

    /// The discontinuation reason entry for a code, if it is in the value set.
    pub fn discontinuation_reason(&self, code: &str) -> Option<&Cited<String>> {
        self.discontinuation_reasons
            .iter()
            .find(|c| c.value == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_workflow_policy_loads() {
        let policy = WorkflowPolicy::embedded();
        assert!(policy.is_ok(), "{:?}", policy.err());
    }
}
