//! The limit decision and its trace (docs/community-supports-limits.md, "Decision").

use super::policy::ExceptionKind;
use super::units::{Cents, Hours};
use crate::cite::Citation;
use crate::cs::CsId;
use jiff::civil::Date;
use serde::{Serialize, Serializer};
use std::fmt;

/// The result of a limit check, or of one rule in it.
///
/// Ordered by weight: the decision takes the heaviest rule outcome, so one denying rule denies
/// the proposal even when another rule lacks facts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Within every limit.
    Allowed,
    /// Past a limit, allowed by a named, documented exception.
    AllowedWithException,
    /// A fact a rule needs is missing; the decision names it rather than guess.
    Undetermined,
    /// Past a limit with no valid exception.
    Denied,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Allowed => "allowed",
            Outcome::AllowedWithException => "allowed_with_exception",
            Outcome::Undetermined => "undetermined",
            Outcome::Denied => "denied",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The unit a rule counts in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Hours,
    Cents,
    Days,
    Episodes,
}

/// An amount in a rule's unit; serialized as a plain JSON number (the trace names the unit).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Quantity {
    Hours(Hours),
    Cents(Cents),
    Days(u64),
    Episodes(u64),
}

impl Quantity {
    pub fn unit(self) -> Unit {
        match self {
            Quantity::Hours(_) => Unit::Hours,
            Quantity::Cents(_) => Unit::Cents,
            Quantity::Days(_) => Unit::Days,
            Quantity::Episodes(_) => Unit::Episodes,
        }
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Quantity::Hours(h) => write!(f, "{h}"),
            Quantity::Cents(c) => write!(f, "{c}"),
            Quantity::Days(d) => write!(f, "{d}"),
            Quantity::Episodes(n) => write!(f, "{n}"),
        }
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Quantity::Hours(h) => h.serialize(serializer),
            Quantity::Cents(c) => c.serialize(serializer),
            Quantity::Days(n) | Quantity::Episodes(n) => serializer.serialize_u64(*n),
        }
    }
}

/// An inclusive date window a windowed rule counted in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Window {
    pub from: Date,
    pub through: Date,
}

/// How one rule applied to the proposal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleTrace {
    /// Stable rule id, e.g. "respite-hours-per-calendar-year".
    pub rule: String,
    pub description: String,
    pub outcome: Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<Unit>,
    /// Counted before the proposal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub used: Option<Quantity>,
    /// Added by the proposal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposed: Option<Quantity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<Quantity>,
    /// Left after the proposal (0 when over).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remaining: Option<Quantity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window: Option<Window>,
    /// History ids (or stay positions) the rule counted.
    pub evidence: Vec<String>,
    /// Facts the rule needed and did not have.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    /// The exception that allowed going past the limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exception: Option<ExceptionKind>,
    pub citation: Citation,
    pub message: String,
}

impl RuleTrace {
    /// A trace with no quantities yet; rules fill in what they count.
    pub(crate) fn new(
        rule: &str,
        description: impl Into<String>,
        outcome: Outcome,
        citation: Citation,
        message: impl Into<String>,
    ) -> Self {
        RuleTrace {
            rule: rule.to_string(),
            description: description.into(),
            outcome,
            unit: None,
            used: None,
            proposed: None,
            limit: None,
            remaining: None,
            window: None,
            evidence: Vec::new(),
            missing: Vec::new(),
            exception: None,
            citation,
            message: message.into(),
        }
    }

    /// Sets used / proposed / limit and derives unit and remaining.
    pub(crate) fn with_counts(
        mut self,
        used: Quantity,
        proposed: Quantity,
        limit: Quantity,
    ) -> Self {
        self.unit = Some(limit.unit());
        self.remaining = Some(remaining(used, proposed, limit));
        self.used = Some(used);
        self.proposed = Some(proposed);
        self.limit = Some(limit);
        self
    }
}

/// `limit − used − proposed`, not below zero.
fn remaining(used: Quantity, proposed: Quantity, limit: Quantity) -> Quantity {
    match (used, proposed, limit) {
        (Quantity::Hours(u), Quantity::Hours(p), Quantity::Hours(l)) => {
            Quantity::Hours(l.saturating_sub(u.saturating_add(p)))
        }
        (Quantity::Cents(u), Quantity::Cents(p), Quantity::Cents(l)) => {
            Quantity::Cents(l.saturating_sub(u.saturating_add(p)))
        }
        (Quantity::Days(u), Quantity::Days(p), Quantity::Days(l)) => {
            Quantity::Days(l.saturating_sub(u.saturating_add(p)))
        }
        (Quantity::Episodes(u), Quantity::Episodes(p), Quantity::Episodes(l)) => {
            Quantity::Episodes(l.saturating_sub(u.saturating_add(p)))
        }
        (_, _, l) => l,
    }
}

/// The decision on one proposed Community Supports authorization.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LimitDecision {
    pub outcome: Outcome,
    pub cs: CsId,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member_id: Option<String>,
    /// The exception that allowed the proposal (when `allowed_with_exception`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exception: Option<ExceptionKind>,
    /// Facts needed for a decision (when `undetermined`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    /// One item per rule that applied.
    pub rules: Vec<RuleTrace>,
    pub policy_version: String,
    pub message: String,
}

impl LimitDecision {
    /// The heaviest rule outcome decides; the message joins the rule messages.
    pub(crate) fn from_rules(
        cs: CsId,
        member_id: Option<String>,
        rules: Vec<RuleTrace>,
        policy_version: &str,
    ) -> Self {
        let outcome = rules
            .iter()
            .map(|r| r.outcome)
            .max()
            .unwrap_or(Outcome::Allowed);
        let exception = if outcome == Outcome::AllowedWithException {
            rules.iter().find_map(|r| r.exception)
        } else {
            None
        };
        let mut missing: Vec<String> = Vec::new();
        for fact in rules.iter().flat_map(|r| r.missing.iter()) {
            if !missing.contains(fact) {
                missing.push(fact.clone());
            }
        }
        let message = rules
            .iter()
            .map(|r| r.message.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        LimitDecision {
            outcome,
            cs,
            member_id,
            exception,
            missing,
            rules,
            policy_version: policy_version.to_string(),
            message,
        }
    }
}
