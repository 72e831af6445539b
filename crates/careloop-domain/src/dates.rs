//! Date interpretations shared by every rule (docs/eligibility.md, "Interpretations").

use jiff::ToSpan;
use jiff::civil::Date;

/// First day of a window of `months` months ending on `as_of`: the same day `months` months
/// earlier (clamped to the month's last day, e.g. Aug 31 − 6 months = Feb 28/29). The window
/// runs from this day through `as_of`, both inclusive.
pub fn months_window_start(as_of: Date, months: i32) -> Date {
    as_of.saturating_sub(months.months())
}

/// True when `day` lies in the inclusive window of `months` months ending on `as_of`.
pub fn in_months_window(day: Date, as_of: Date, months: i32) -> bool {
    day >= months_window_start(as_of, months) && day <= as_of
}

/// Age in whole years on `on` for someone born on `birth` (a birthday counts on the day itself;
/// a Feb 29 birthday is reached on Feb 28 in non-leap years, by jiff's clamping).
pub fn age_on(birth: Date, on: Date) -> i16 {
    match birth.until((jiff::Unit::Year, on)) {
        Ok(span) => span.get_years(),
        Err(_) => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn window_is_inclusive_of_same_day_n_months_before() {
        let as_of = date(2026, 11, 22);
        assert_eq!(months_window_start(as_of, 6), date(2026, 5, 22));
        assert!(in_months_window(date(2026, 5, 22), as_of, 6));
        assert!(!in_months_window(date(2026, 5, 21), as_of, 6));
        assert!(in_months_window(as_of, as_of, 6));
        assert!(!in_months_window(date(2026, 11, 23), as_of, 6));
    }

    #[test]
    fn window_clamps_month_end() {
        assert_eq!(months_window_start(date(2026, 8, 31), 6), date(2026, 2, 28));
    }

    #[test]
    fn age_turns_on_birthday() {
        let birth = date(2005, 11, 22);
        assert_eq!(age_on(birth, date(2026, 11, 21)), 20);
        assert_eq!(age_on(birth, date(2026, 11, 22)), 21);
    }
}
