//! Counting N days from a local date and ending the day at 23:59:59 local time (CALAIM.md §12).

use crate::clock::{ClockError, DayCounting, DayRule, HolidayCalendar, SkippedHoliday};
use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp, Zoned};

/// The day a day-based clock ends on, and what working-day counting skipped to reach it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct DayCount {
    pub date: Date,
    pub holidays_skipped: Vec<SkippedHoliday>,
    pub weekends_skipped: u32,
}

/// Day N after `start` (day 0). Calendar days count every day; working days skip Saturdays,
/// Sundays and the observed holidays of the calendar (CALAIM.md §12). A skipped day that is both
/// a holiday and a weekend day is reported as the holiday.
pub(crate) fn count_days(
    start: Date,
    rule: DayRule,
    holidays: &HolidayCalendar,
) -> Result<DayCount, ClockError> {
    match rule.counting {
        DayCounting::Calendar => Ok(DayCount {
            date: add_calendar_days(start, rule.days)?,
            holidays_skipped: Vec::new(),
            weekends_skipped: 0,
        }),
        DayCounting::Working => {
            let mut count = DayCount {
                date: start,
                holidays_skipped: Vec::new(),
                weekends_skipped: 0,
            };
            let mut remaining = rule.days;
            while remaining > 0 {
                count.date = count.date.tomorrow()?;
                if !holidays.covers(count.date) {
                    return Err(ClockError::HolidaysNotCovered {
                        date: count.date,
                        first_year: holidays.first_year,
                        last_year: holidays.last_year,
                    });
                }
                if let Some(h) = holidays.observed_on(count.date) {
                    count.holidays_skipped.push(SkippedHoliday {
                        date: h.date,
                        name: h.name.clone(),
                    });
                } else if matches!(count.date.weekday(), Weekday::Saturday | Weekday::Sunday) {
                    count.weekends_skipped += 1;
                } else {
                    remaining -= 1;
                }
            }
            Ok(count)
        }
    }
}

pub(crate) fn add_calendar_days(start: Date, days: u32) -> Result<Date, ClockError> {
    Ok(start.checked_add(Span::new().try_days(i64::from(days))?)?)
}

/// 23:59:59 local time on `date`; DST-correct because the offset is that of the day itself.
pub(crate) fn end_of_day(date: Date, tz: &TimeZone) -> Result<Zoned, ClockError> {
    let last_second = date.to_datetime(Time::constant(23, 59, 59, 0));
    Ok(tz.to_ambiguous_zoned(last_second).compatible()?)
}

/// `hours` of elapsed time after `from`: across a DST change this is still that many real hours.
pub(crate) fn after_hours(from: Timestamp, hours: u32, tz: &TimeZone) -> Result<Zoned, ClockError> {
    let due = from.checked_add(jiff::SignedDuration::from_hours(i64::from(hours)))?;
    Ok(due.to_zoned(tz.clone()))
}
