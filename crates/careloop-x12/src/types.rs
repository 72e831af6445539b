//! Value types X12 elements are read into: money, dates, HCPCS codes. Each parses once and
//! writes back in the form the TR3 requires.

use std::fmt;

/// Money in cents (X12 `R` decimal, at most two decimal places).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Cents(pub i64);

/// Parses an X12 decimal into an integer scaled by 10^`scale`; `None` when malformed or
/// finer than the scale.
pub(crate) fn parse_fixed(s: &str, scale: u32) -> Option<i64> {
    let (neg, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let frac = frac.trim_end_matches('0');
    if frac.len() > scale as usize || int.len() > 15 {
        return None;
    }
    let mut v: i64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    v = v.checked_mul(10_i64.checked_pow(scale)?)?;
    if !frac.is_empty() {
        let f: i64 = frac.parse().ok()?;
        let pad = u32::try_from(scale as usize - frac.len()).ok()?;
        v = v.checked_add(f.checked_mul(10_i64.checked_pow(pad)?)?)?;
    }
    Some(if neg { -v } else { v })
}

/// Writes a scaled integer as an X12 decimal with no trailing zeros (`100`, `40.5`).
pub(crate) fn format_fixed(v: i64, scale: u32) -> String {
    let unit = 10_i64.pow(scale);
    let sign = if v < 0 { "-" } else { "" };
    let abs = v.unsigned_abs();
    let unit = unit.unsigned_abs();
    let (int, frac) = (abs / unit, abs % unit);
    if frac == 0 {
        format!("{sign}{int}")
    } else {
        let frac = format!("{frac:0width$}", width = scale as usize);
        format!("{sign}{int}.{}", frac.trim_end_matches('0'))
    }
}

impl Cents {
    /// Parses an X12 monetary amount (`100`, `40.5`, `-12.34`).
    pub fn parse(s: &str) -> Option<Cents> {
        parse_fixed(s, 2).map(Cents)
    }
}

impl fmt::Display for Cents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_fixed(self.0, 2))
    }
}

/// A calendar date (X12 `DT`, CCYYMMDD).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Parses CCYYMMDD, checking the day exists in the month (leap years included).
    pub fn parse(s: &str) -> Option<Date> {
        if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year: u16 = s.get(0..4)?.parse().ok()?;
        let month: u8 = s.get(4..6)?.parse().ok()?;
        let day: u8 = s.get(6..8)?.parse().ok()?;
        let leap =
            (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days)
            .contains(&day)
            .then_some(Date { year, month, day })
    }

    /// YYMMDD, the ISA09 form.
    pub fn yymmdd(&self) -> String {
        format!("{:02}{:02}{:02}", self.year % 100, self.month, self.day)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}{:02}{:02}", self.year, self.month, self.day)
    }
}

/// A HCPCS Level I (CPT) or Level II code: five characters, letters and digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Hcpcs(String);

impl Hcpcs {
    pub fn parse(s: &str) -> Option<Hcpcs> {
        (s.len() == 5
            && s.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()))
        .then(|| Hcpcs(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Hcpcs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
