//! The holiday calendar used to count working days (CALAIM.md §12).
//!
//! The calendar is data: every holiday is an explicit dated entry in `statewide/holidays.toml`,
//! written with the Gov. Code §6701 shifts already applied (Sunday → Monday; November 11 on a
//! Saturday → Friday). The engine never derives holidays from rules; a test recomputes the default
//! entries from the rules so the data cannot drift.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// California state holidays by date (`statewide/holidays.toml`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolidayCalendar {
    /// Where the calendar as a whole comes from.
    #[serde(default)]
    pub source: String,
    /// First calendar year the entries cover completely.
    pub first_year: i16,
    /// Last calendar year the entries cover completely. Working days cannot be counted outside
    /// `first_year..=last_year`: the answer would be a guess.
    pub last_year: i16,
    /// The dated entries, observed or not.
    #[serde(default, rename = "holiday")]
    pub holidays: Vec<Holiday>,
}

/// One dated holiday.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Holiday {
    /// The day offices are closed (after the §6701 shift, when one applies).
    pub date: Date,
    pub name: String,
    /// Statute or practice the entry comes from.
    pub source: String,
    /// Whether working-day clocks skip this day. Holidays CALAIM.md §12 marks UNCONFIRMED as days
    /// plans close (Juneteenth, Native American Day, Lunar New Year) are `false` by default.
    #[serde(default = "yes")]
    pub observed: bool,
    /// True where CALAIM.md marks the entry UNCONFIRMED.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unconfirmed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

fn yes() -> bool {
    true
}

impl HolidayCalendar {
    /// Whether the calendar's entries cover `date`'s year.
    pub fn covers(&self, date: Date) -> bool {
        (self.first_year..=self.last_year).contains(&date.year())
    }

    /// The observed holiday on `date`, if any (entries with `observed = false` are ignored).
    pub fn observed_on(&self, date: Date) -> Option<&Holiday> {
        self.holidays.iter().find(|h| h.observed && h.date == date)
    }

    /// Problems with the data: entries outside the covered years, duplicate observed dates,
    /// an empty coverage range.
    pub fn check(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.first_year > self.last_year {
            problems.push(format!(
                "first_year {} is after last_year {}",
                self.first_year, self.last_year
            ));
        }
        for (i, h) in self.holidays.iter().enumerate() {
            if !self.covers(h.date) {
                problems.push(format!(
                    "holiday {} ({}) is outside {}..={}",
                    h.date, h.name, self.first_year, self.last_year
                ));
            }
            if h.source.trim().is_empty() {
                problems.push(format!("holiday {} ({}) has no source", h.date, h.name));
            }
            let earlier = self.holidays.iter().take(i);
            if h.observed && earlier.filter(|e| e.observed).any(|e| e.date == h.date) {
                problems.push(format!("holiday {} is listed twice as observed", h.date));
            }
        }
        problems
    }
}
