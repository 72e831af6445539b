//! Reading facts with three-valued answers (docs/eligibility.md, "Three-valued logic").
//!
//! An indicator kind on a day or in a window is:
//! - `met` when a `present` record overlaps it;
//! - `not_met` when an `absent` record applies on as_of, or every `present` record ended before
//!   the window (a recorded end date is a known end);
//! - `undetermined` otherwise (no record, or records only after as_of), naming the kind.

use super::facts::{IndicatorKind, IndicatorStatus, MemberFacts};
use super::policy::EligibilityPolicy;
use super::trace::{Evidence, Outcome, Trace, Window};
use crate::cite::Citation;
use crate::policy::plan::PlanOverlay;
use jiff::ToSpan;
use jiff::civil::Date;

/// Everything a rule reads.
pub struct Ctx<'a> {
    pub facts: &'a MemberFacts,
    pub as_of: Date,
    pub policy: &'a EligibilityPolicy,
    /// The plan overlays, for the plan rules (line-of-business exclusions, HPSM's CS rule).
    pub plans: &'a [PlanOverlay],
    /// Age in whole years on as_of, when the birth date is known.
    pub age: Option<i16>,
}

/// What the facts say about one indicator kind.
pub struct Finding {
    pub outcome: Outcome,
    pub evidence: Vec<Evidence>,
    pub missing: Vec<String>,
}

impl Finding {
    /// The finding as a leaf criterion.
    pub fn trace(self, rule: &str, description: &str, citation: Citation) -> Trace {
        Trace::leaf(rule, description, self.outcome, citation)
            .with_evidence(self.evidence)
            .with_missing(self.missing)
    }
}

impl<'a> Ctx<'a> {
    pub fn new(
        facts: &'a MemberFacts,
        as_of: Date,
        policy: &'a EligibilityPolicy,
        plans: &'a [PlanOverlay],
    ) -> Self {
        let age = facts.birth_date.map(|b| crate::dates::age_on(b, as_of));
        Ctx {
            facts,
            as_of,
            policy,
            plans,
            age,
        }
    }

    /// A plan overlay by id.
    pub fn plan(&self, id: &str) -> Option<&'a PlanOverlay> {
        self.plans.iter().find(|p| p.id == id)
    }

    /// The indicator kind in the inclusive window `from..=through` (through ≤ as_of).
    pub fn indicator_in(&self, kind: IndicatorKind, from: Date, through: Date) -> Finding {
        let records: Vec<_> = self
            .facts
            .indicators
            .iter()
            .filter(|i| i.kind == kind && i.start <= self.as_of)
            .collect();
        let present: Vec<Evidence> = records
            .iter()
            .filter(|i| i.status == IndicatorStatus::Present && i.overlaps(from, through))
            .map(|i| Evidence::indicator(i))
            .collect();
        if !present.is_empty() {
            return Finding {
                outcome: Outcome::Met,
                evidence: present,
                missing: Vec::new(),
            };
        }
        let negative: Vec<Evidence> = records
            .iter()
            .filter(|i| match i.status {
                IndicatorStatus::Absent => i.covers(self.as_of),
                IndicatorStatus::Present => i.end.is_some_and(|e| e < from),
            })
            .map(|i| Evidence::indicator(i))
            .collect();
        if !negative.is_empty() {
            return Finding {
                outcome: Outcome::NotMet,
                evidence: negative,
                missing: Vec::new(),
            };
        }
        Finding {
            outcome: Outcome::Undetermined,
            evidence: Vec::new(),
            missing: vec![format!("indicators.{}", kind.as_str())],
        }
    }

    /// An event-like indicator (delivery, housing date) whose `start` falls in `from..=as_of`:
    /// met when a `present` record started then; not met when every `present` record started
    /// before `from` or an `absent` record applies on as_of; otherwise undetermined.
    pub fn indicator_started_since(&self, kind: IndicatorKind, from: Date) -> Finding {
        let records: Vec<_> = self
            .facts
            .indicators
            .iter()
            .filter(|i| i.kind == kind && i.start <= self.as_of)
            .collect();
        let recent: Vec<Evidence> = records
            .iter()
            .filter(|i| i.status == IndicatorStatus::Present && i.start >= from)
            .map(|i| Evidence::indicator(i))
            .collect();
        if !recent.is_empty() {
            return Finding {
                outcome: Outcome::Met,
                evidence: recent,
                missing: Vec::new(),
            };
        }
        let negative: Vec<Evidence> = records
            .iter()
            .filter(|i| i.status == IndicatorStatus::Present || i.covers(self.as_of))
            .map(|i| Evidence::indicator(i))
            .collect();
        if negative.is_empty() {
            Finding {
                outcome: Outcome::Undetermined,
                evidence: Vec::new(),
                missing: vec![format!("indicators.{}", kind.as_str())],
            }
        } else {
            Finding {
                outcome: Outcome::NotMet,
                evidence: negative,
                missing: Vec::new(),
            }
        }
    }

    /// The indicator kind on as_of.
    pub fn indicator_now(&self, kind: IndicatorKind) -> Finding {
        self.indicator_in(kind, self.as_of, self.as_of)
    }

    /// Leaf criterion: the indicator holds on as_of.
    pub fn fact(
        &self,
        rule: &str,
        description: &str,
        kind: IndicatorKind,
        citation: Citation,
    ) -> Trace {
        self.indicator_now(kind).trace(rule, description, citation)
    }

    /// Met if any of the indicators `rows` (rule, description, kind) holds on as_of: the common
    /// "any one of these" criterion, every part under the same citation.
    pub fn any_fact(
        &self,
        rule: &str,
        description: &str,
        citation: Citation,
        rows: &[(&str, &str, IndicatorKind)],
    ) -> Trace {
        let parts = rows
            .iter()
            .map(|&(r, d, kind)| self.fact(r, d, kind, citation.clone()))
            .collect();
        Trace::any_of(rule, description, citation, parts)
    }

    /// Leaf criterion: the indicator held at some time in the `months`-month window ending on
    /// as_of (window start = `dates::months_window_start`).
    pub fn fact_within_months(
        &self,
        rule: &str,
        description: &str,
        kind: IndicatorKind,
        months: i32,
        citation: Citation,
    ) -> Trace {
        let window = self.months_window(months);
        self.indicator_in(kind, window.from, window.through)
            .trace(rule, description, citation)
            .with_window(window)
    }

    /// The inclusive window of `months` months ending on as_of.
    pub fn months_window(&self, months: i32) -> Window {
        Window {
            months: Some(months),
            days: None,
            from: crate::dates::months_window_start(self.as_of, months),
            through: self.as_of,
        }
    }

    /// Criterion on age: `min <= age` (when given) and `age < max_exclusive` (when given).
    pub fn age_between(
        &self,
        rule: &str,
        description: &str,
        min: Option<i16>,
        max_exclusive: Option<i16>,
        citation: Citation,
    ) -> Trace {
        let threshold = min.or(max_exclusive).map(i64::from);
        let mut t = match self.age {
            Some(age) => {
                let ok = min.is_none_or(|m| age >= m) && max_exclusive.is_none_or(|m| age < m);
                let outcome = if ok { Outcome::Met } else { Outcome::NotMet };
                Trace::leaf(rule, description, outcome, citation).with_evidence(vec![Evidence {
                    id: None,
                    kind: "birth_date".to_string(),
                    date: self.facts.birth_date,
                    detail: Some(format!("age {age} on {}", self.as_of)),
                }])
            }
            None => Trace::leaf(rule, description, Outcome::Undetermined, citation)
                .with_missing(vec!["birth_date".to_string()]),
        };
        t.threshold = threshold;
        t
    }

    /// The day the member turns `years` old (Feb 29 birthdays clamp to Feb 28).
    pub fn birthday(&self, years: i16) -> Option<Date> {
        self.facts
            .birth_date
            .map(|b| b.saturating_add(i64::from(years).years()))
    }
}
