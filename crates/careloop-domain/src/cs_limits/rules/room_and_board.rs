//! Recuperative Care + Short-Term Post-Hospitalization Housing + Transitional Rent together at
//! most 6 months in any rolling 12 months; Transitional Rent at most 6 months per episode
//! (CALAIM.md §3.2 #4–#6, §3.3 [28][30]).
//!
//! "6 months" is counted in days: a cited, configurable day count (`max_days_in_window`,
//! `max_days_per_episode`, 183 in the statewide pack). Every 12-month window that contains a
//! proposed day is checked; a day covered by several spans counts once.

use crate::cite::Cited;
use crate::cs::CsId;
use crate::cs_limits::decision::{Outcome, Quantity, RuleTrace, Window};
use crate::cs_limits::history::{DaySet, counted, next_day};
use crate::cs_limits::input::CsLimitInput;
use crate::cs_limits::policy::{RoomAndBoardPolicy, TransitionalRentPolicy};
use crate::dates::months_window_start;
use jiff::civil::Date;

/// First day of the rolling window of `months` months that ends on `through`
/// (e.g. 12 months through 2026-12-31 starts 2026-01-01).
pub(crate) fn rolling_window_from(through: Date, months: i32) -> Date {
    next_day(months_window_start(through, months))
}

/// The combined room-and-board cap over every rolling window containing a proposed day; the
/// trace reports the fullest window.
pub(crate) fn combined(input: &CsLimitInput, policy: &RoomAndBoardPolicy) -> RuleTrace {
    let months = policy.window_months.value;
    let max = u64::from(policy.max_days_in_window.value);
    let names = policy
        .services
        .value
        .iter()
        .map(|cs| cs.as_str())
        .collect::<Vec<_>>()
        .join(" + ");
    let description =
        format!("{names}: together at most {max} days in any rolling {months} months");
    let items: Vec<_> = policy
        .services
        .value
        .iter()
        .flat_map(|&cs| counted(input, cs))
        .collect();
    let history = DaySet::from_spans(items.iter().map(|item| (item.start, item.end)));
    let proposal = &input.proposed;
    let all = history.union(&DaySet::from_spans([(proposal.start, proposal.end)]));

    // (total, window) of the fullest window; the earliest wins a tie.
    let mut fullest: Option<(u64, Window)> = None;
    let mut through = proposal.start;
    loop {
        let from = rolling_window_from(through, months);
        if from > proposal.end {
            break;
        }
        let total = all.count_within(from, through);
        if fullest.is_none_or(|(best, _)| total > best) {
            fullest = Some((total, Window { from, through }));
        }
        let next = next_day(through);
        if next == through {
            break;
        }
        through = next;
    }
    let window = fullest.map_or(
        Window {
            from: proposal.start,
            through: proposal.end,
        },
        |(_, w)| w,
    );
    let used = history.count_within(window.from, window.through);
    let total = all.count_within(window.from, window.through);
    let requested = total.saturating_sub(used);
    let over = total > max;
    let message = format!(
        "{used} of {max} combined room-and-board days used in the {months} months {} through {}; {requested} more requested; {}.",
        window.from,
        window.through,
        if over {
            format!("{} over the combined cap", total - max)
        } else {
            format!("{} remain", max - total)
        }
    );
    let mut trace = RuleTrace::new(
        "room-and-board-rolling-window",
        description,
        if over {
            Outcome::Denied
        } else {
            Outcome::Allowed
        },
        policy.max_days_in_window.citation(),
        message,
    )
    .with_counts(
        Quantity::Days(used),
        Quantity::Days(requested),
        Quantity::Days(max),
    );
    trace.window = Some(window);
    trace.evidence = items
        .iter()
        .filter(|item| item.start <= window.through && item.end >= window.from)
        .map(|item| item.id.clone())
        .collect();
    trace
}

/// Transitional Rent: up to 6 months per episode (CALAIM.md §3.3 [28]).
pub(crate) fn transitional_rent_episode(
    input: &CsLimitInput,
    policy: &TransitionalRentPolicy,
) -> RuleTrace {
    let limit = &policy.max_days_per_episode;
    episode_days(
        input,
        CsId::TransitionalRent,
        "transitional-rent-episode",
        &format!(
            "Transitional Rent: at most {} days per episode",
            limit.value
        ),
        limit,
    )
}

/// Days in one episode of `cs`: the run of consecutive or overlapping days, from approved
/// history of any plan and the proposal, that contains the proposal.
pub(crate) fn episode_days(
    input: &CsLimitInput,
    cs: CsId,
    rule: &str,
    description: &str,
    limit: &Cited<u32>,
) -> RuleTrace {
    let proposal = &input.proposed;
    let items = counted(input, cs);
    let history = DaySet::from_spans(items.iter().map(|item| (item.start, item.end)));
    let all = history.union(&DaySet::from_spans([(proposal.start, proposal.end)]));
    let (from, through) = all
        .run_containing(proposal.start)
        .unwrap_or((proposal.start, proposal.end));
    let used = history.count_within(from, through);
    let total = all.count_within(from, through);
    let requested = total.saturating_sub(used);
    let max = u64::from(limit.value);
    let over = total > max;
    let message = format!(
        "This {cs} episode runs {total} days ({from} through {through}): {used} already authorized or delivered, {requested} more requested; limit {max} days{}.",
        if over { ", exceeded" } else { "" }
    );
    let mut trace = RuleTrace::new(
        rule,
        description,
        if over {
            Outcome::Denied
        } else {
            Outcome::Allowed
        },
        limit.citation(),
        message,
    )
    .with_counts(
        Quantity::Days(used),
        Quantity::Days(requested),
        Quantity::Days(max),
    );
    trace.window = Some(Window { from, through });
    trace.evidence = items
        .iter()
        .filter(|item| item.start <= through && item.end >= from)
        .map(|item| item.id.clone())
        .collect();
    trace
}
