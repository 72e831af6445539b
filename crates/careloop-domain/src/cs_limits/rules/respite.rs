//! Respite Services: 336 hours per calendar year, more by exception (CALAIM.md §3.2 #7, §3.3 [27]).
//!
//! Every calendar year the proposal touches is checked on its own (Jan 1–Dec 31). An
//! authorization or proposal spanning a year end has its hours shared between the years in
//! proportion to its days in each (docs/community-supports-limits.md, "Respite").

use super::past_limit;
use crate::cs::CsId;
use crate::cs_limits::decision::{Outcome, Quantity, RuleTrace, Window};
use crate::cs_limits::history::{counted, days_inclusive};
use crate::cs_limits::input::CsLimitInput;
use crate::cs_limits::policy::RespitePolicy;
use crate::cs_limits::units::Hours;
use jiff::civil::{Date, date};

const RULE: &str = "respite-hours-per-calendar-year";

pub(crate) fn check(input: &CsLimitInput, policy: &RespitePolicy) -> Vec<RuleTrace> {
    let cap = &policy.hours_per_calendar_year;
    let description = format!("Respite: at most {} hours per calendar year", cap.value);
    let history = counted(input, CsId::Respite);
    // History without hours cannot be summed; a year already past the cap on known hours is
    // decided anyway, any other year is undetermined.
    let proposed = &input.proposed;
    let Some(proposed_hours) = proposed.hours else {
        let mut trace = RuleTrace::new(
            RULE,
            description,
            Outcome::Undetermined,
            cap.citation(),
            "Respite hours cannot be counted without: proposed.hours.",
        );
        trace.missing = vec!["proposed.hours".to_string()];
        return vec![trace];
    };

    let mut traces = Vec::new();
    for year in proposed.start.year()..=proposed.end.year() {
        let (from, through) = (date(year, 1, 1), date(year, 12, 31));
        let requested = hours_in_year(proposed_hours, proposed.start, proposed.end, year);
        let mut used = Hours::default();
        let mut evidence = Vec::new();
        for item in &history {
            let share = hours_in_year(item.hours.unwrap_or_default(), item.start, item.end, year);
            if item.start <= through && item.end >= from {
                used = used.saturating_add(share);
                evidence.push(item.id.clone());
            }
        }
        let total = used.saturating_add(requested);
        let message = if total <= cap.value {
            format!(
                "{used} of {} respite hours used in {year}; {requested} more requested; {} remain.",
                cap.value,
                cap.value.saturating_sub(total)
            )
        } else {
            format!(
                "{used} of {} respite hours used in {year}; {requested} more requested; {} over the yearly cap.",
                cap.value,
                total.saturating_sub(cap.value)
            )
        };
        let mut trace = RuleTrace::new(
            RULE,
            description.clone(),
            Outcome::Allowed,
            cap.citation(),
            message,
        )
        .with_counts(
            Quantity::Hours(used),
            Quantity::Hours(requested),
            Quantity::Hours(cap.value),
        );
        trace.window = Some(Window { from, through });
        trace.evidence = evidence;
        let unknown: Vec<String> = history
            .iter()
            .filter(|item| item.hours.is_none() && item.start <= through && item.end >= from)
            .map(|item| format!("history[{}].hours", item.id))
            .collect();
        if total > cap.value {
            trace = past_limit(trace, proposed.exception.as_ref(), &policy.exception_kinds);
        } else if !unknown.is_empty() {
            trace.outcome = Outcome::Undetermined;
            trace.message = format!(
                "{} Hours missing, so the total is not known: {}.",
                trace.message,
                unknown.join(", ")
            );
            trace.missing = unknown;
        }
        traces.push(trace);
    }
    traces
}

/// The part of `hours` spread evenly over `start..=end` that falls in `year`, in whole
/// hundredths; the shares of all years add up to `hours` exactly.
pub(crate) fn hours_in_year(hours: Hours, start: Date, end: Date, year: i16) -> Hours {
    let total_days = days_inclusive(start, end);
    if total_days == 0 {
        return Hours::default();
    }
    let year_start = date(year, 1, 1);
    let year_end = date(year, 12, 31);
    if end < year_start || start > year_end {
        return Hours::default();
    }
    // Days before this year, and days up to the end of this year, within the span.
    let before = if start >= year_start {
        0
    } else {
        days_inclusive(start, year_start.yesterday().unwrap_or(year_start))
    };
    let through = days_inclusive(start, year_end.min(end));
    let share = |days: u64| -> u128 {
        u128::from(hours.hundredths()) * u128::from(days) / u128::from(total_days)
    };
    let hundredths = share(through).saturating_sub(share(before));
    Hours::from_hundredths(u64::try_from(hundredths).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_spanning_new_year_split_by_days_and_add_up() {
        // 10 days in 2026 (Dec 22–31) and 10 in 2027 (Jan 1–10).
        let (start, end) = (date(2026, 12, 22), date(2027, 1, 10));
        let hours = Hours::from_hundredths(4001);
        let a = hours_in_year(hours, start, end, 2026);
        let b = hours_in_year(hours, start, end, 2027);
        assert_eq!(a.hundredths(), 2000);
        assert_eq!(b.hundredths(), 2001);
        assert_eq!(hours_in_year(hours, start, end, 2025), Hours::default());
        assert_eq!(
            hours_in_year(Hours::whole(40), date(2026, 3, 1), date(2026, 3, 31), 2026),
            Hours::whole(40)
        );
    }
}
