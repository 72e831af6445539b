//! What a member's history counts for (docs/community-supports-limits.md, "Counting").
//!
//! Only approved items count. An approved authorization commits its whole amount, hours or days
//! when it is issued. A delivery counts only where no approved authorization of the same CS and
//! plan covers its dates (e.g. a retroactively billed sobering stay); a covered delivery is
//! already inside the authorization's commitment, so counting it again would double count.
//! Lifetime and rolling counters use history from every plan (CALAIM.md §3.3 [20]).

use super::input::{CsLimitInput, HistoryItem, HistoryKind, HistoryStatus};
use crate::cs::CsId;
use jiff::ToSpan;
use jiff::civil::Date;

/// The approved history items of `cs` that count, in input order.
pub(crate) fn counted(input: &CsLimitInput, cs: CsId) -> Vec<&HistoryItem> {
    input
        .history
        .iter()
        .filter(|item| item.cs == cs && item.status == HistoryStatus::Approved)
        .filter(|item| match item.kind {
            HistoryKind::Authorization => true,
            HistoryKind::Delivery => !covered_by_authorization(input, item),
        })
        .collect()
}

/// True when an approved authorization of the same CS and plan spans all the delivery's days.
fn covered_by_authorization(input: &CsLimitInput, delivery: &HistoryItem) -> bool {
    input.history.iter().any(|auth| {
        auth.kind == HistoryKind::Authorization
            && auth.status == HistoryStatus::Approved
            && auth.cs == delivery.cs
            && auth.plan == delivery.plan
            && auth.start <= delivery.start
            && delivery.end <= auth.end
    })
}

/// Days from `from` through `through`, both inclusive (0 when `through` is before `from`).
pub(crate) fn days_inclusive(from: Date, through: Date) -> u64 {
    if through < from {
        return 0;
    }
    let days = from.until(through).map(|s| s.get_days()).unwrap_or(0);
    u64::try_from(days).unwrap_or(0).saturating_add(1)
}

/// The day after `day` (the same day at the end of the calendar).
pub(crate) fn next_day(day: Date) -> Date {
    day.checked_add(1.day()).unwrap_or(day)
}

/// A set of days kept as sorted, disjoint, non-adjacent inclusive runs; a day counts once
/// however many spans cover it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct DaySet {
    runs: Vec<(Date, Date)>,
}

impl DaySet {
    pub(crate) fn from_spans(spans: impl IntoIterator<Item = (Date, Date)>) -> Self {
        let mut spans: Vec<(Date, Date)> = spans.into_iter().filter(|(s, e)| s <= e).collect();
        spans.sort();
        let mut runs: Vec<(Date, Date)> = Vec::new();
        for (start, end) in spans {
            match runs.last_mut() {
                Some(last) if start <= next_day(last.1) => {
                    if end > last.1 {
                        last.1 = end;
                    }
                }
                _ => runs.push((start, end)),
            }
        }
        DaySet { runs }
    }

    pub(crate) fn union(&self, other: &DaySet) -> DaySet {
        DaySet::from_spans(self.runs.iter().chain(other.runs.iter()).copied())
    }

    /// Days of the set from `from` through `through`.
    pub(crate) fn count_within(&self, from: Date, through: Date) -> u64 {
        self.runs
            .iter()
            .map(|&(s, e)| days_inclusive(s.max(from), e.min(through)))
            .sum()
    }

    #[cfg(test)]
    pub(crate) fn total(&self) -> u64 {
        self.runs.iter().map(|&(s, e)| days_inclusive(s, e)).sum()
    }

    /// The run (consecutive days) that contains `day`.
    pub(crate) fn run_containing(&self, day: Date) -> Option<(Date, Date)> {
        self.runs
            .iter()
            .copied()
            .find(|&(s, e)| s <= day && day <= e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn overlapping_and_adjacent_spans_count_each_day_once() {
        let set = DaySet::from_spans([
            (date(2026, 1, 1), date(2026, 1, 10)),
            (date(2026, 1, 5), date(2026, 1, 15)),
            (date(2026, 1, 16), date(2026, 1, 20)),
            (date(2026, 3, 1), date(2026, 3, 1)),
        ]);
        assert_eq!(set.total(), 21);
        assert_eq!(
            set.run_containing(date(2026, 1, 18)),
            Some((date(2026, 1, 1), date(2026, 1, 20)))
        );
        assert_eq!(set.count_within(date(2026, 1, 19), date(2026, 3, 31)), 3);
        assert_eq!(set.run_containing(date(2026, 2, 1)), None);
    }

    #[test]
    fn days_are_inclusive() {
        assert_eq!(days_inclusive(date(2026, 1, 1), date(2026, 1, 1)), 1);
        assert_eq!(days_inclusive(date(2026, 1, 1), date(2026, 12, 31)), 365);
        assert_eq!(days_inclusive(date(2026, 1, 2), date(2026, 1, 1)), 0);
    }
}
