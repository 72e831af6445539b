//! One module per kind of limit (CALAIM.md §3.3). Each returns trace items; the decision takes
//! the heaviest outcome.

pub(crate) mod lifetime;
pub(crate) mod respite;
pub(crate) mod room_and_board;
pub(crate) mod stays;
pub(crate) mod unconfirmed;

use super::decision::{Outcome, RuleTrace};
use super::input::ExceptionClaim;
use super::policy::ExceptionKind;
use crate::cite::Cited;

/// Applies the proposal's exception claim to a trace whose counts go past the limit: a listed,
/// documented exception gives `allowed_with_exception`, anything else `denied`.
pub(crate) fn past_limit(
    mut trace: RuleTrace,
    claim: Option<&ExceptionClaim>,
    allowed: &Cited<Vec<ExceptionKind>>,
) -> RuleTrace {
    let (outcome, note) = match claim {
        None if allowed.value.is_empty() => (
            Outcome::Denied,
            "No exception exists for this limit.".to_string(),
        ),
        None => (
            Outcome::Denied,
            format!("No exception claimed (allowed: {}).", kinds(&allowed.value)),
        ),
        Some(c) if !allowed.value.contains(&c.kind) => (
            Outcome::Denied,
            if allowed.value.is_empty() {
                format!(
                    "Exception {} does not apply: no exception exists for this limit.",
                    c.kind.as_str()
                )
            } else {
                format!(
                    "Exception {} does not apply to this limit (allowed: {}).",
                    c.kind.as_str(),
                    kinds(&allowed.value)
                )
            },
        ),
        Some(c) if !c.is_documented() => (
            Outcome::Denied,
            format!(
                "Exception {} claimed without documentation.",
                c.kind.as_str()
            ),
        ),
        Some(c) => {
            trace.exception = Some(c.kind);
            (
                Outcome::AllowedWithException,
                format!("Allowed by documented exception {}.", c.kind.as_str()),
            )
        }
    };
    trace.outcome = outcome;
    trace.message = format!("{} {note}", trace.message);
    trace
}

fn kinds(list: &[ExceptionKind]) -> String {
    list.iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
