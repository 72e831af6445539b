//! Lifetime counters across plans (CALAIM.md §3.3 [20]): dollar maximums for Environmental
//! Accessibility Adaptations, Asthma Remediation and Community or Home Transition, and the
//! Housing Deposits episode count.

use super::past_limit;
use crate::cite::Cited;
use crate::cs::CsId;
use crate::cs_limits::decision::{Outcome, Quantity, RuleTrace};
use crate::cs_limits::history::counted;
use crate::cs_limits::input::CsLimitInput;
use crate::cs_limits::policy::{ExceptionKind, HousingDepositsPolicy, LifetimeDollarCap};
use crate::cs_limits::units::Cents;

/// $7,500 lifetime for EAA (§3.2 #12 [23][27]) and, as a separate counter although both bill
/// S5165, Asthma Remediation (§3.2 #15 [27]).
pub(crate) fn dollars(
    input: &CsLimitInput,
    cs: CsId,
    rule: &str,
    label: &str,
    cap: &LifetimeDollarCap,
) -> RuleTrace {
    dollar_cap(
        input,
        cs,
        rule,
        label,
        &cap.lifetime_max_cents,
        &cap.exception_kinds,
    )
}

/// A lifetime dollar maximum: every approved item of `cs` from any plan counts.
pub(crate) fn dollar_cap(
    input: &CsLimitInput,
    cs: CsId,
    rule: &str,
    label: &str,
    max: &Cited<Cents>,
    exceptions: &Cited<Vec<ExceptionKind>>,
) -> RuleTrace {
    let description = format!("{label}: at most {} per lifetime, across plans", max.value);
    let history = counted(input, cs);
    // History without an amount cannot be summed; if the known amounts already pass the
    // maximum the outcome is certain anyway, otherwise the rule is undetermined.
    let missing: Vec<String> = history
        .iter()
        .filter(|item| item.amount_cents.is_none())
        .map(|item| format!("history[{}].amount_cents", item.id))
        .collect();
    let evidence: Vec<String> = history.iter().map(|item| item.id.clone()).collect();
    let Some(requested) = input.proposed.amount_cents else {
        let mut trace = RuleTrace::new(
            rule,
            description,
            Outcome::Undetermined,
            max.citation(),
            format!("{label} dollars cannot be counted without: proposed.amount_cents."),
        );
        trace.missing = vec!["proposed.amount_cents".to_string()];
        trace.evidence = evidence;
        return trace;
    };
    let used = history
        .iter()
        .filter_map(|item| item.amount_cents)
        .fold(Cents::default(), Cents::saturating_add);
    let total = used.saturating_add(requested);
    let message = if total <= max.value {
        format!(
            "{used} of {} lifetime {label} used; {requested} more requested; {} remain.",
            max.value,
            max.value.saturating_sub(total)
        )
    } else {
        format!(
            "{used} of {} lifetime {label} used; {requested} more requested; {} over the lifetime maximum.",
            max.value,
            total.saturating_sub(max.value)
        )
    };
    let mut trace = RuleTrace::new(rule, description, Outcome::Allowed, max.citation(), message)
        .with_counts(
            Quantity::Cents(used),
            Quantity::Cents(requested),
            Quantity::Cents(max.value),
        );
    trace.evidence = evidence;
    if total > max.value {
        trace = past_limit(trace, input.proposed.exception.as_ref(), exceptions);
    } else if !missing.is_empty() {
        trace.outcome = Outcome::Undetermined;
        trace.message = format!(
            "{} Amounts missing, so the total is not known: {}.",
            trace.message,
            missing.join(", ")
        );
        trace.missing = missing;
    }
    trace
}

/// Housing Deposits: once per lifetime; one more with documentation of what changed; never a
/// third (CALAIM.md §3.2 #2, §3.3 [20]). Deposits from another plan count.
pub(crate) fn housing_deposits(input: &CsLimitInput, policy: &HousingDepositsPolicy) -> RuleTrace {
    let base = u64::from(policy.lifetime_episodes.value);
    let extra = u64::from(policy.additional_episodes_by_exception.value);
    let history = counted(input, CsId::HousingDeposits);
    let prior = history.len() as u64;
    let description = format!(
        "Housing Deposits: {base} per lifetime across plans, {extra} more with a documented change"
    );
    let message = format!(
        "{prior} prior Housing Deposit(s) from any plan; lifetime limit {base}, plus {extra} with a documented change of circumstances."
    );
    let mut trace = RuleTrace::new(
        "housing-deposits-lifetime",
        description,
        Outcome::Allowed,
        policy.lifetime_episodes.citation(),
        message,
    )
    .with_counts(
        Quantity::Episodes(prior),
        Quantity::Episodes(1),
        Quantity::Episodes(base),
    );
    trace.evidence = history.iter().map(|item| item.id.clone()).collect();
    if prior < base {
        return trace;
    }
    if prior < base.saturating_add(extra) {
        return past_limit(
            trace,
            input.proposed.exception.as_ref(),
            &policy.exception_kinds,
        );
    }
    trace.outcome = Outcome::Denied;
    trace.citation = policy.additional_episodes_by_exception.citation();
    trace.message = format!(
        "{} No further deposit is allowed, with or without an exception.",
        trace.message
    );
    trace
}

/// An UNCONFIRMED lifetime-episodes cap a plan has enabled (CALAIM.md §10 item 5).
pub(crate) fn episodes_cap(
    input: &CsLimitInput,
    rule: &str,
    description: &str,
    limit: &Cited<u32>,
) -> RuleTrace {
    let history = counted(input, input.proposed.cs);
    let prior = history.len() as u64;
    let max = u64::from(limit.value);
    let outcome = if prior.saturating_add(1) <= max {
        Outcome::Allowed
    } else {
        Outcome::Denied
    };
    let mut trace = RuleTrace::new(
        rule,
        description,
        outcome,
        limit.citation(),
        format!(
            "{prior} prior authorization(s) of {} from any plan; lifetime limit {max} (unconfirmed cap, enabled by policy).",
            input.proposed.cs
        ),
    )
    .with_counts(Quantity::Episodes(prior), Quantity::Episodes(1), Quantity::Episodes(max));
    trace.evidence = history.iter().map(|item| item.id.clone()).collect();
    trace
}
