//! Why a due time could not be computed.

use crate::clock::ClockKind;
use jiff::Timestamp;
use jiff::civil::Date;

/// A clock request that cannot be decided, naming the problem.
#[derive(Debug, thiserror::Error)]
pub enum ClockError {
    #[error("unknown plan \"{plan}\"; known plans: {}", .known.join(", "))]
    UnknownPlan { plan: String, known: Vec<String> },
    #[error("policy time zone \"{zone}\" is not a known IANA time zone: {message}")]
    UnknownTimeZone { zone: String, message: String },
    #[error("info_received {info_received} is before received {received}")]
    InfoBeforeReceipt {
        received: Timestamp,
        info_received: Timestamp,
    },
    #[error(
        "extension reason is empty; an extension needs a recorded reason (CALAIM.md §4.1 [40])"
    )]
    EmptyExtensionReason,
    #[error(
        "pend for information applies only to non-urgent-pre-service requests (the 5-working-day clock runs from receipt of the information, CALAIM.md §4.1 [40]), not to {kind}"
    )]
    PendNotApplicable { kind: ClockKind },
    #[error(
        "deferral/extension applies only to pre-service requests (CALAIM.md §4.1 [40]), not to {kind}"
    )]
    ExtensionNotApplicable { kind: ClockKind },
    /// Undetermined: working days cannot be counted on a date the holiday calendar does not cover.
    #[error(
        "undetermined: the holiday calendar covers {first_year}–{last_year}; working days on {date} cannot be counted without holidays for {}",
        .date.year()
    )]
    HolidaysNotCovered {
        date: Date,
        first_year: i16,
        last_year: i16,
    },
    #[error("date arithmetic failed: {0}")]
    Arithmetic(String),
}

impl From<jiff::Error> for ClockError {
    fn from(e: jiff::Error) -> Self {
        ClockError::Arithmetic(e.to_string())
    }
}
