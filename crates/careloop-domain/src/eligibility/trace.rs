//! Decision traces: every criterion says what it checked, what it found, the threshold and window
//! it used, and where the rule comes from (ARCHITECTURE.md, "Every decision explains itself").

use super::facts::{Indicator, UtilizationEvent};
use crate::cite::{Citation, Cited};
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Three-valued outcome of a criterion, population, exclusion or Community Support.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Met,
    NotMet,
    /// The facts do not decide it; `missing` names what would.
    Undetermined,
}

impl Outcome {
    /// Kleene AND: not met if any is not met, else undetermined if any is undetermined.
    pub fn all(items: impl IntoIterator<Item = Outcome>) -> Outcome {
        let mut out = Outcome::Met;
        for o in items {
            match o {
                Outcome::NotMet => return Outcome::NotMet,
                Outcome::Undetermined => out = Outcome::Undetermined,
                Outcome::Met => {}
            }
        }
        out
    }

    /// Kleene OR: met if any is met, else undetermined if any is undetermined.
    pub fn any(items: impl IntoIterator<Item = Outcome>) -> Outcome {
        let mut out = Outcome::NotMet;
        for o in items {
            match o {
                Outcome::Met => return Outcome::Met,
                Outcome::Undetermined => out = Outcome::Undetermined,
                Outcome::NotMet => {}
            }
        }
        out
    }

    /// `Some(true)` for met, `Some(false)` for not met, `None` for undetermined.
    pub fn as_bool(self) -> Option<bool> {
        match self {
            Outcome::Met => Some(true),
            Outcome::NotMet => Some(false),
            Outcome::Undetermined => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Met => "met",
            Outcome::NotMet => "not_met",
            Outcome::Undetermined => "undetermined",
        }
    }
}

/// Kleene NOT: met ↔ not met; undetermined stays undetermined.
impl std::ops::Not for Outcome {
    type Output = Outcome;
    fn not(self) -> Outcome {
        match self {
            Outcome::Met => Outcome::NotMet,
            Outcome::NotMet => Outcome::Met,
            Outcome::Undetermined => Outcome::Undetermined,
        }
    }
}

/// One fact a criterion used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Evidence {
    /// Record id from the facts (indicator id or event id), when it has one.
    pub id: Option<String>,
    /// Indicator kind, event kind, "enrollment" or "birth_date".
    pub kind: String,
    pub date: Option<Date>,
    pub detail: Option<String>,
}

impl Evidence {
    pub fn indicator(ind: &Indicator) -> Self {
        let status = match ind.status {
            super::facts::IndicatorStatus::Present => "present",
            super::facts::IndicatorStatus::Absent => "absent",
        };
        let through = ind.end.map(|e| format!(" through {e}")).unwrap_or_default();
        let extra = ind
            .detail
            .as_ref()
            .map(|d| format!("; {d}"))
            .unwrap_or_default();
        Evidence {
            id: ind.id.clone(),
            kind: ind.kind.name(),
            date: Some(ind.start),
            detail: Some(format!("{status} from {}{through}{extra}", ind.start)),
        }
    }

    pub fn event(ev: &UtilizationEvent) -> Self {
        let kind = match ev.kind {
            super::facts::EventKind::EdVisit => "ed-visit",
            super::facts::EventKind::InpatientStay => "inpatient-stay",
            super::facts::EventKind::SnfStay => "snf-stay",
        };
        // The avoidable reading, where identification recorded one, is part of the evidence.
        let detail = match (ev.avoidable, ev.avoidable_reading) {
            (Some(avoidable), Some(reading)) => Some(format!(
                "{}: {}",
                if avoidable {
                    "avoidable"
                } else {
                    "not avoidable"
                },
                reading.describe()
            )),
            _ => None,
        };
        Evidence {
            id: Some(ev.id.clone()),
            kind: kind.to_string(),
            date: Some(ev.date),
            detail,
        }
    }
}

/// The inclusive period a criterion looked at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Window {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub months: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<i32>,
    pub from: Date,
    pub through: Date,
}

/// One criterion with its outcome and the reasons.
///
/// A composite criterion lists its parts in `any_of` (met if any part is met) or `all_of`
/// (met if every part is met), combined with three-valued logic.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Trace {
    /// Stable rule id, e.g. "pof2.adult.avoidable_ed_visits".
    pub rule: String,
    pub description: String,
    pub outcome: Outcome,
    pub evidence: Vec<Evidence>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<Window>,
    pub citation: Citation,
    /// Facts whose absence left this criterion undetermined.
    pub missing: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub any_of: Vec<Trace>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub all_of: Vec<Trace>,
}

impl Trace {
    /// A leaf criterion.
    pub fn leaf(
        rule: impl Into<String>,
        description: impl Into<String>,
        outcome: Outcome,
        citation: Citation,
    ) -> Self {
        Trace {
            rule: rule.into(),
            description: description.into(),
            outcome,
            evidence: Vec::new(),
            threshold: None,
            window: None,
            citation,
            missing: Vec::new(),
            any_of: Vec::new(),
            all_of: Vec::new(),
        }
    }

    /// Met if any part is met (three-valued OR).
    pub fn any_of(
        rule: impl Into<String>,
        description: impl Into<String>,
        citation: Citation,
        parts: Vec<Trace>,
    ) -> Self {
        let mut t = Trace::leaf(
            rule,
            description,
            Outcome::any(parts.iter().map(|p| p.outcome)),
            citation,
        );
        t.any_of = parts;
        t
    }

    /// Met if every part is met (three-valued AND).
    pub fn all_of(
        rule: impl Into<String>,
        description: impl Into<String>,
        citation: Citation,
        parts: Vec<Trace>,
    ) -> Self {
        let mut t = Trace::leaf(
            rule,
            description,
            Outcome::all(parts.iter().map(|p| p.outcome)),
            citation,
        );
        t.all_of = parts;
        t
    }

    pub fn with_evidence(mut self, evidence: Vec<Evidence>) -> Self {
        self.evidence = evidence;
        self
    }

    pub fn with_missing(mut self, missing: Vec<String>) -> Self {
        self.missing = missing;
        self
    }

    pub fn with_threshold(mut self, threshold: i64) -> Self {
        self.threshold = Some(threshold);
        self
    }

    pub fn with_window(mut self, window: Window) -> Self {
        self.window = Some(window);
        self
    }

    /// Missing facts that actually left this trace undetermined: only undetermined traces
    /// contribute, and only through undetermined parts.
    pub fn collect_missing(&self, into: &mut Vec<String>) {
        if self.outcome != Outcome::Undetermined {
            return;
        }
        into.extend(self.missing.iter().cloned());
        for part in self.any_of.iter().chain(self.all_of.iter()) {
            part.collect_missing(into);
        }
    }

    /// Depth-first search for a rule id (this trace and its parts).
    pub fn find(&self, rule: &str) -> Option<&Trace> {
        if self.rule == rule {
            return Some(self);
        }
        self.any_of
            .iter()
            .chain(self.all_of.iter())
            .find_map(|p| p.find(rule))
    }
}

/// The citation of a policy value (shorthand used by the rules).
pub fn cite<T>(value: &Cited<T>) -> Citation {
    value.citation()
}

#[cfg(test)]
mod tests {
    use super::Evidence;
    use crate::eligibility::{AvoidableEdReading, EventKind, UtilizationEvent};
    use jiff::civil::date;

    /// The plan's avoidable-ED reading, when identification recorded one, is in the evidence
    /// (issue #14 item 14); an event without one reads as before.
    #[test]
    fn ed_visit_evidence_names_the_avoidable_reading() {
        let mut ev = UtilizationEvent {
            id: "ed-1".into(),
            kind: EventKind::EdVisit,
            date: date(2026, 9, 1),
            avoidable: Some(true),
            avoidable_reading: Some(AvoidableEdReading::AnyEdClaim),
            unplanned: None,
            short_term: None,
            sud_related: None,
        };
        assert_eq!(
            Evidence::event(&ev).detail.as_deref(),
            Some("avoidable: any ED claim that day has a listed primary diagnosis")
        );
        ev.avoidable_reading = None;
        assert_eq!(Evidence::event(&ev).detail, None);
    }
}
