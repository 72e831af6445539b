//! Quantities the CS counters add up: money in integer cents, hours in hundredths of an hour.
//!
//! Money never goes through floating point (STYLE.md, "Newtypes for identifiers and money").
//! Hours arrive as JSON numbers with at most two decimals ("23.99") and are held as whole
//! hundredths so "under 24 hours" (CALAIM.md §3.3 [37]) is an exact integer comparison.

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// An amount of money in whole US cents ($7,500.00 = `Cents(750_000)`).
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(transparent)]
pub struct Cents(pub u64);

impl Cents {
    pub fn saturating_add(self, other: Cents) -> Cents {
        Cents(self.0.saturating_add(other.0))
    }

    pub fn saturating_sub(self, other: Cents) -> Cents {
        Cents(self.0.saturating_sub(other.0))
    }
}

impl fmt::Display for Cents {
    /// US dollars with thousands separators, e.g. "$7,499.99".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dollars = self.0 / 100;
        let cents = self.0 % 100;
        let digits = dollars.to_string();
        let mut grouped = String::new();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        write!(f, "${grouped}.{cents:02}")
    }
}

/// A number of hours, held as whole hundredths of an hour (23.99 h = 2,399).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hours(u64);

impl Hours {
    /// Whole hours.
    pub const fn whole(hours: u64) -> Hours {
        Hours(hours.saturating_mul(100))
    }

    /// Hundredths of an hour (2,399 = 23.99 h).
    pub const fn from_hundredths(hundredths: u64) -> Hours {
        Hours(hundredths)
    }

    pub const fn hundredths(self) -> u64 {
        self.0
    }

    pub fn saturating_add(self, other: Hours) -> Hours {
        Hours(self.0.saturating_add(other.0))
    }

    pub fn saturating_sub(self, other: Hours) -> Hours {
        Hours(self.0.saturating_sub(other.0))
    }

    /// Reads a JSON/TOML number of hours; at most two decimals, not negative.
    fn from_f64(value: f64) -> Result<Hours, String> {
        if !value.is_finite() || value < 0.0 {
            return Err(format!("hours must be a non-negative number, got {value}"));
        }
        let scaled = value * 100.0;
        let rounded = scaled.round();
        if (scaled - rounded).abs() > 1e-6 {
            return Err(format!("hours take at most two decimals, got {value}"));
        }
        if rounded > 1e15 {
            return Err(format!("hours too large: {value}"));
        }
        Ok(Hours(rounded as u64))
    }
}

impl fmt::Display for Hours {
    /// "336" for whole hours, "23.99" otherwise.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / 100;
        let frac = self.0 % 100;
        if frac == 0 {
            write!(f, "{whole}")
        } else if frac.is_multiple_of(10) {
            write!(f, "{whole}.{}", frac / 10)
        } else {
            write!(f, "{whole}.{frac:02}")
        }
    }
}

impl Serialize for Hours {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0.is_multiple_of(100) {
            serializer.serialize_u64(self.0 / 100)
        } else {
            serializer.serialize_f64(self.0 as f64 / 100.0)
        }
    }
}

impl<'de> Deserialize<'de> for Hours {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct HoursVisitor;
        impl serde::de::Visitor<'_> for HoursVisitor {
            type Value = Hours;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a non-negative number of hours with at most two decimals")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Hours, E> {
                v.checked_mul(100)
                    .map(Hours)
                    .ok_or_else(|| E::custom(format!("hours too large: {v}")))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Hours, E> {
                u64::try_from(v)
                    .map_err(|_| E::custom(format!("hours must not be negative, got {v}")))
                    .and_then(|v| self.visit_u64(v))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Hours, E> {
                Hours::from_f64(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_any(HoursVisitor)
    }
}

impl JsonSchema for Hours {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Hours".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A number of hours, not negative, with at most two decimals (23.99), at most 10^13.",
            "type": "number",
            "minimum": 0,
            "maximum": 1e13,
            "multipleOf": 0.01
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cents_display_as_dollars() {
        for (cents, text) in [
            (0, "$0.00"),
            (5, "$0.05"),
            (749_999, "$7,499.99"),
            (750_000, "$7,500.00"),
            (123_456_789, "$1,234,567.89"),
        ] {
            assert_eq!(Cents(cents).to_string(), text);
        }
    }

    #[test]
    fn hours_read_two_decimals_exactly() -> Result<(), serde_json::Error> {
        for (json, hundredths) in [("23.99", 2399), ("24", 2400), ("0.1", 10), ("336", 33_600)] {
            let hours: Hours = serde_json::from_str(json)?;
            assert_eq!(hours.hundredths(), hundredths, "{json}");
        }
        for bad in ["-1", "1.001", "\"3\""] {
            assert!(serde_json::from_str::<Hours>(bad).is_err(), "{bad}");
        }
        Ok(())
    }

    #[test]
    fn hours_write_back_as_numbers() -> Result<(), serde_json::Error> {
        assert_eq!(serde_json::to_string(&Hours::whole(336))?, "336");
        assert_eq!(
            serde_json::to_string(&Hours::from_hundredths(2399))?,
            "23.99"
        );
        assert_eq!(Hours::from_hundredths(2350).to_string(), "23.5");
        Ok(())
    }
}
