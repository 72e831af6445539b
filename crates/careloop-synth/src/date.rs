//! Calendar days as day numbers (days since 1970-01-01), with fast `YYYY-MM-DD` formatting
//! (civil-from-days, Howard Hinnant's algorithm). Month arithmetic matches
//! `careloop_domain::dates::months_window_start`: the same day N months earlier, clamped to the
//! month's end.

/// Days since 1970-01-01.
pub type Day = i32;

pub fn from_civil(y: i32, m: u32, d: u32) -> Day {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i32;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub fn to_civil(z: Day) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i32::from(m <= 2);
    (y, m, d)
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The same day `months` months earlier (clamped to the end of that month).
pub fn months_back(day: Day, months: i32) -> Day {
    let (y, m, d) = to_civil(day);
    let total = y * 12 + (m as i32 - 1) - months;
    let (ny, nm) = (total.div_euclid(12), total.rem_euclid(12) as u32 + 1);
    from_civil(ny, nm, d.min(days_in_month(ny, nm)))
}

/// The same day `years` years earlier (Feb 29 → Feb 28).
pub fn years_back(day: Day, years: i32) -> Day {
    months_back(day, years * 12)
}

/// The first day of the month `day` is in.
pub fn month_start(day: Day) -> Day {
    let (y, m, _) = to_civil(day);
    from_civil(y, m, 1)
}

/// The last day of the month `day` is in.
pub fn month_end(day: Day) -> Day {
    let (y, m, _) = to_civil(day);
    from_civil(y, m, days_in_month(y, m))
}

/// Append `YYYY-MM-DD`.
pub fn push(out: &mut Vec<u8>, day: Day) {
    let (y, m, d) = to_civil(day);
    let y = y.clamp(0, 9999) as u32;
    out.extend_from_slice(&[
        b'0' + (y / 1000) as u8,
        b'0' + (y / 100 % 10) as u8,
        b'0' + (y / 10 % 10) as u8,
        b'0' + (y % 10) as u8,
        b'-',
        b'0' + (m / 10) as u8,
        b'0' + (m % 10) as u8,
        b'-',
        b'0' + (d / 10) as u8,
        b'0' + (d % 10) as u8,
    ]);
}

pub fn from_jiff(d: jiff::civil::Date) -> Day {
    from_civil(i32::from(d.year()), d.month() as u32, d.day() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_formats() {
        for z in -800_000..80_000 {
            let (y, m, d) = to_civil(z);
            assert_eq!(from_civil(y, m, d), z);
        }
        let mut s = Vec::new();
        push(&mut s, from_civil(2026, 11, 22));
        assert_eq!(s, b"2026-11-22");
    }

    #[test]
    fn months_back_is_the_same_day_clamped() {
        let as_of = from_civil(2026, 11, 22);
        assert_eq!(to_civil(months_back(as_of, 6)), (2026, 5, 22));
        assert_eq!(to_civil(months_back(as_of, 12)), (2025, 11, 22));
        assert_eq!(
            to_civil(months_back(from_civil(2026, 8, 31), 6)),
            (2026, 2, 28)
        );
        assert_eq!(
            to_civil(years_back(from_civil(2028, 2, 29), 1)),
            (2027, 2, 28)
        );
    }
}
