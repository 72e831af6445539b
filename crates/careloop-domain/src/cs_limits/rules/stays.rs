//! Rules on one stay: Sobering Center stays under 24 hours (CALAIM.md §3.3 [37]); ALF
//! Transitions and Community or Home Transition need a nursing facility stay of at least
//! 60 days (CALAIM.md §3.2 #9–#10, §8 [27][33]).

use crate::cite::Cited;
use crate::cs_limits::decision::{Outcome, Quantity, RuleTrace, Window};
use crate::cs_limits::history::days_inclusive;
use crate::cs_limits::input::CsLimitInput;
use crate::cs_limits::policy::{
    AlfTransitionsPolicy, CommunityHomeTransitionPolicy, SoberingCentersPolicy,
};

/// Sobering Center stay must be under 24 hours; needs `proposed.stay_hours`.
pub(crate) fn sobering(input: &CsLimitInput, policy: &SoberingCentersPolicy) -> RuleTrace {
    let limit = &policy.stay_hours_under;
    let description = format!("Sobering Centers: a stay is under {} hours", limit.value);
    let rule = "sobering-center-stay-under-24-hours";
    let Some(stay) = input.proposed.stay_hours else {
        let mut trace = RuleTrace::new(
            rule,
            description,
            Outcome::Undetermined,
            limit.citation(),
            "The stay length is needed: proposed.stay_hours.",
        );
        trace.missing = vec!["proposed.stay_hours".to_string()];
        return trace;
    };
    let under = stay < limit.value;
    let message = if under {
        format!(
            "Stay of {stay} hours is under the {}-hour limit.",
            limit.value
        )
    } else {
        format!(
            "Stay of {stay} hours is not under the {}-hour limit.",
            limit.value
        )
    };
    let mut trace = RuleTrace::new(
        rule,
        description,
        if under {
            Outcome::Allowed
        } else {
            Outcome::Denied
        },
        limit.citation(),
        message,
    );
    trace.unit = Some(crate::cs_limits::decision::Unit::Hours);
    trace.proposed = Some(Quantity::Hours(stay));
    trace.limit = Some(Quantity::Hours(limit.value));
    trace
}

/// A nursing facility stay of at least `min` days before the proposal starts.
///
/// A stay counts from its admission day through its last day, both inclusive; a stay with no
/// end, or ending after the proposal starts, counts through the proposal's first day. Stays
/// admitted after the proposal starts do not count; stays are not added together.
pub(crate) fn nursing_facility_stay(
    input: &CsLimitInput,
    rule: &str,
    label: &str,
    min: &Cited<u32>,
) -> RuleTrace {
    let description = format!(
        "{label}: a nursing facility stay of at least {} days",
        min.value
    );
    let Some(stays) = &input.nursing_facility_stays else {
        let mut trace = RuleTrace::new(
            rule,
            description,
            Outcome::Undetermined,
            min.citation(),
            format!("{label} needs the member's nursing facility stays: nursing_facility_stays."),
        );
        trace.missing = vec!["nursing_facility_stays".to_string()];
        return trace;
    };
    let start = input.proposed.start;
    let longest = stays
        .iter()
        .enumerate()
        .filter(|(_, stay)| stay.start <= start)
        .map(|(i, stay)| {
            let through = stay.end.map_or(start, |end| end.min(start));
            (days_inclusive(stay.start, through), i, stay.start, through)
        })
        .max_by_key(|&(days, i, _, _)| (days, std::cmp::Reverse(i)));
    let need = u64::from(min.value);
    let (days, evidence, window, message) = match longest {
        Some((days, i, from, through)) => (
            days,
            vec![format!("nursing_facility_stays[{i}]")],
            Some(Window { from, through }),
            format!(
                "Longest nursing facility stay: {days} days ({from} through {through}); at least {need} needed."
            ),
        ),
        None => (
            0,
            Vec::new(),
            None,
            format!("No nursing facility stay before {start}; at least {need} days needed."),
        ),
    };
    let mut trace = RuleTrace::new(
        rule,
        description,
        if days >= need {
            Outcome::Allowed
        } else {
            Outcome::Denied
        },
        min.citation(),
        message,
    );
    trace.unit = Some(crate::cs_limits::decision::Unit::Days);
    trace.used = Some(Quantity::Days(days));
    trace.limit = Some(Quantity::Days(need));
    trace.window = window;
    trace.evidence = evidence;
    trace
}

/// Stay rule for ALF Transitions (CALAIM.md §3.2 #9 [27][33]).
pub(crate) fn alf(input: &CsLimitInput, policy: &AlfTransitionsPolicy) -> RuleTrace {
    nursing_facility_stay(
        input,
        "alf-transitions-nursing-facility-stay",
        "ALF Transitions",
        &policy.min_nursing_facility_stay_days,
    )
}

/// Stay rule for Community or Home Transition Services (CALAIM.md §3.2 #10 [27]).
pub(crate) fn home_transition(
    input: &CsLimitInput,
    policy: &CommunityHomeTransitionPolicy,
) -> RuleTrace {
    nursing_facility_stay(
        input,
        "community-home-transition-nursing-facility-stay",
        "Community or Home Transition",
        &policy.min_nursing_facility_stay_days,
    )
}
