//! The default holiday calendar recomputed from the rules (Gov. Code §§6700–6701 and state
//! practice, CALAIM.md §12) and compared with `statewide/holidays.toml`, so the data cannot
//! drift. The engine itself only reads the dated entries.

use careloop_domain::PolicyPack;
use jiff::ToSpan;
use jiff::civil::{Date, Weekday, date};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// (date, name, observed, unconfirmed)
type Entry = (Date, String, bool, bool);

/// Lunar New Year (first day of the Chinese lunisolar year) for 2022–2030: not derivable by a
/// simple weekday rule, so taken from the published calendar.
const LUNAR_NEW_YEAR: [(i16, i8, i8); 9] = [
    (2022, 2, 1),
    (2023, 1, 22),
    (2024, 2, 10),
    (2025, 1, 29),
    (2026, 2, 17),
    (2027, 2, 6),
    (2028, 1, 26),
    (2029, 2, 13),
    (2030, 2, 3),
];

fn nth(year: i16, month: i8, nth: i8, weekday: Weekday) -> Result<Date, jiff::Error> {
    date(year, month, 1).nth_weekday_of_month(nth, weekday)
}

/// A fixed-date holiday with the §6701 shift: Sunday → the Monday after; November 11 on a
/// Saturday → the Friday before.
fn fixed(year: i16, month: i8, day: i8, name: &str) -> Result<Entry, jiff::Error> {
    let d = date(year, month, day);
    let observed = format!("{name} (observed)");
    Ok(match d.weekday() {
        Weekday::Sunday => (d.checked_add(1.day())?, observed, true, false),
        Weekday::Saturday if (month, day) == (11, 11) => {
            (d.checked_sub(1.day())?, observed, true, false)
        }
        _ => (d, name.to_string(), true, false),
    })
}

fn expected(year: i16) -> Result<Vec<Entry>, Box<dyn std::error::Error>> {
    let plain = |d: Date, name: &str| (d, name.to_string(), true, false);
    let optional = |d: Date, name: &str| (d, name.to_string(), false, true);
    let thanksgiving = nth(year, 11, 4, Weekday::Thursday)?;
    let lny = LUNAR_NEW_YEAR
        .iter()
        .find(|(y, _, _)| *y == year)
        .map(|&(y, m, d)| date(y, m, d))
        .ok_or("no Lunar New Year date for year")?;
    Ok(vec![
        fixed(year, 1, 1, "New Year's Day")?,
        plain(
            nth(year, 1, 3, Weekday::Monday)?,
            "Martin Luther King Jr. Day",
        ),
        plain(nth(year, 2, 3, Weekday::Monday)?, "Presidents' Day"),
        fixed(year, 3, 31, "Cesar Chavez Day")?,
        plain(nth(year, 5, -1, Weekday::Monday)?, "Memorial Day"),
        fixed(year, 7, 4, "Independence Day")?,
        plain(nth(year, 9, 1, Weekday::Monday)?, "Labor Day"),
        fixed(year, 11, 11, "Veterans Day")?,
        plain(thanksgiving, "Thanksgiving Day"),
        plain(thanksgiving.checked_add(1.day())?, "Day after Thanksgiving"),
        fixed(year, 12, 25, "Christmas Day")?,
        optional(date(year, 6, 19), "Juneteenth"),
        optional(nth(year, 9, 4, Weekday::Friday)?, "Native American Day"),
        optional(lny, "Lunar New Year"),
    ])
}

#[test]
fn holiday_toml_matches_the_rules_2022_to_2030() -> TestResult {
    let pack = PolicyPack::embedded()?;
    let cal = &pack.holidays;
    assert_eq!((cal.first_year, cal.last_year), (2022, 2030));
    let mut want = Vec::new();
    for year in 2022..=2030 {
        want.extend(expected(year)?);
    }
    want.sort();
    let mut have: Vec<Entry> = cal
        .holidays
        .iter()
        .map(|h| (h.date, h.name.clone(), h.observed, h.unconfirmed))
        .collect();
    have.sort();
    assert_eq!(have, want);
    Ok(())
}

#[test]
fn holiday_calendar_data_is_well_formed() -> TestResult {
    let pack = PolicyPack::embedded()?;
    assert_eq!(pack.holidays.check(), Vec::<String>::new());
    for h in &pack.holidays.holidays {
        assert!(
            h.source.contains("CALAIM.md §12"),
            "{} lacks its source",
            h.date
        );
        if h.name.ends_with("(observed)") {
            assert!(
                h.note.is_some(),
                "{}: shifted entries explain the shift",
                h.date
            );
        }
    }
    Ok(())
}

#[test]
fn sunday_and_saturday_shifts_land_where_gov_code_6701_puts_them() -> TestResult {
    let pack = PolicyPack::embedded()?;
    let cal = &pack.holidays;
    let cases = [
        (date(2022, 12, 26), Some("Christmas Day (observed)")), // Dec 25 on a Sunday
        (date(2023, 1, 2), Some("New Year's Day (observed)")),  // Jan 1 on a Sunday
        (date(2023, 11, 10), Some("Veterans Day (observed)")),  // Nov 11 on a Saturday
        (date(2024, 4, 1), Some("Cesar Chavez Day (observed)")), // Mar 31 on a Sunday
        (date(2026, 7, 3), None),  // July 4 on a Saturday: no weekday added
        (date(2026, 6, 19), None), // Juneteenth: not observed by default
        (date(2026, 11, 26), Some("Thanksgiving Day")),
        (date(2026, 11, 27), Some("Day after Thanksgiving")),
    ];
    for (day, name) in cases {
        assert_eq!(cal.observed_on(day).map(|h| h.name.as_str()), name, "{day}");
    }
    Ok(())
}
