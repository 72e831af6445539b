//! Problems found in a plan overlay (docs/policy-pack.md, "Validation errors").

use serde::Serialize;
use std::fmt;

/// The kinds of overlay problem (docs/policy-pack.md lists each).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemKind {
    /// Not valid TOML.
    Syntax,
    /// A key the overlay format does not have.
    UnknownField,
    /// A required key is absent.
    MissingField,
    /// A key holds the wrong kind of value.
    WrongType,
    /// A date that is not a quoted YYYY-MM-DD calendar date.
    InvalidDate,
    /// A value of the right kind that the strict reader still rejects.
    InvalidValue,
    /// A CS id that is not one of the 15 (CALAIM.md §3.2).
    UnknownCs,
    /// A county that is not a California county, or an offering county the plan does not list.
    UnknownCounty,
    /// `effective_through` before `effective_from`.
    DatesOutOfOrder,
    /// Two offerings of the same CS overlapping in counties and dates.
    OverlappingOffering,
    /// Two spans of the same county overlapping in dates.
    OverlappingCountySpan,
    /// A value or span without a `source`.
    MissingCitation,
    /// A statewide-mandated CS stopped on or after its mandate date.
    MandatedCsDropped,
    /// A CS offered before it exists statewide (catalog `available_from`).
    OfferedBeforeAvailable,
    /// An offering that starts or stops off the CS election cadence (every six months, on the
    /// first day of an election month; `program.cs_election_months`, issue #14).
    ElectionCadence,
}

/// One problem in an overlay, with where it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OverlayProblem {
    pub kind: ProblemKind,
    /// Where: "line L, column C" for syntax errors; otherwise the table and key, prefixed with the
    /// line of its `[[counties]]`/`[[offerings]]` header when there is one.
    pub location: String,
    pub message: String,
}

impl fmt::Display for OverlayProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = serde_json::to_value(self.kind)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default();
        write!(f, "{}: {} [{}]", self.location, self.message, kind)
    }
}
