//! Dates as day numbers (days since 1970-01-01): compact (i32) and cheap to compare for millions
//! of claim lines. Parsing accepts exactly `YYYY-MM-DD`, the Tuva input-layer date format.

use jiff::civil::Date;

/// Days since 1970-01-01.
pub type Day = i32;

/// Parse `YYYY-MM-DD` (a real calendar day); anything else is `None`.
pub fn parse(b: &[u8]) -> Option<Day> {
    let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = *b else {
        return None;
    };
    let digit = |c: u8| c.is_ascii_digit().then(|| i32::from(c - b'0'));
    let y = digit(y0)? * 1000 + digit(y1)? * 100 + digit(y2)? * 10 + digit(y3)?;
    let m = digit(m0)? * 10 + digit(m1)?;
    let d = digit(d0)? * 10 + digit(d1)?;
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return None;
    }
    Some(from_civil(y, m, d))
}

fn days_in_month(y: i32, m: i32) -> i32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Day number of a proleptic Gregorian date (H. Hinnant, "chrono-compatible low-level date
/// algorithms", days_from_civil).
fn from_civil(y: i32, m: i32, d: i32) -> Day {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The day number of a jiff date.
pub fn from_date(d: Date) -> Day {
    from_civil(
        i32::from(d.year()),
        i32::from(d.month()),
        i32::from(d.day()),
    )
}

/// The jiff date of a day number (civil_from_days, same source).
pub fn to_date(z: Day) -> Date {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i32::from(m <= 2);
    // Every Day this crate makes comes from a valid date, so the conversion cannot fail; clamp
    // rather than panic if it ever did.
    Date::new(
        i16::try_from(y).unwrap_or(9999),
        i8::try_from(m).unwrap_or(1),
        i8::try_from(d).unwrap_or(1),
    )
    .unwrap_or(Date::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn round_trips_and_validates() {
        for d in [
            date(1970, 1, 1),
            date(2024, 2, 29),
            date(1900, 3, 1),
            date(2026, 11, 22),
        ] {
            let n = from_date(d);
            assert_eq!(to_date(n), d);
            assert_eq!(parse(d.to_string().as_bytes()), Some(n));
        }
        assert_eq!(parse(b"1970-01-02"), Some(1));
        assert_eq!(parse(b"2025-02-29"), None);
        assert_eq!(parse(b"2025-13-01"), None);
        assert_eq!(parse(b"2025-1-01"), None);
        assert_eq!(parse(b"20250101"), None);
        assert_eq!(parse(b""), None);
        // Every day over a century round-trips through jiff.
        let mut d = date(1950, 1, 1);
        for _ in 0..40_000 {
            assert_eq!(to_date(from_date(d)), d);
            d = d.tomorrow().unwrap_or(d);
        }
    }
}
