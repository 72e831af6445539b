//! The four UM request types with their own decision clocks (CALAIM.md §4.1 [40][1]).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A utilization-management request type, as plans name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ClockKind {
    /// Urgent / expedited pre-service: 72 hours from receipt (CALAIM.md §4.1 [40][1]).
    UrgentPreService,
    /// Routine / non-urgent pre-service: 5 working days statewide; a plan may use calendar days
    /// (CALAIM.md §4.1 [40][1]).
    NonUrgentPreService,
    /// Urgent concurrent review: 24 hours (CALAIM.md §4.1 [40]).
    UrgentConcurrent,
    /// Post-service (retrospective): 30 calendar days (CALAIM.md §4.1 [1]).
    PostService,
}

impl ClockKind {
    pub const ALL: [ClockKind; 4] = [
        ClockKind::UrgentPreService,
        ClockKind::NonUrgentPreService,
        ClockKind::UrgentConcurrent,
        ClockKind::PostService,
    ];

    /// The kebab-case name used in files, JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            ClockKind::UrgentPreService => "urgent-pre-service",
            ClockKind::NonUrgentPreService => "non-urgent-pre-service",
            ClockKind::UrgentConcurrent => "urgent-concurrent",
            ClockKind::PostService => "post-service",
        }
    }

    /// Prior-authorization requests, the only ones CMS-0057-F timeframes, deferral/extension and
    /// pend-for-information apply to (CALAIM.md §4.1, §4.3).
    pub fn is_pre_service(self) -> bool {
        matches!(
            self,
            ClockKind::UrgentPreService | ClockKind::NonUrgentPreService
        )
    }

    /// The human name used in rule text.
    pub fn label(self) -> &'static str {
        match self {
            ClockKind::UrgentPreService => "urgent pre-service",
            ClockKind::NonUrgentPreService => "non-urgent pre-service",
            ClockKind::UrgentConcurrent => "urgent concurrent",
            ClockKind::PostService => "post-service",
        }
    }
}

impl fmt::Display for ClockKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A request type name that is not one of the four.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown clock kind \"{0}\"; expected one of: urgent-pre-service, non-urgent-pre-service, urgent-concurrent, post-service"
)]
pub struct UnknownClockKind(pub String);

impl FromStr for ClockKind {
    type Err = UnknownClockKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ClockKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownClockKind(s.to_string()))
    }
}
