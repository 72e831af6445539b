//! The holiday calendar used to count working days (CALAIM.md §12).

use serde::{Deserialize, Serialize};

/// California state holidays by date (`statewide/holidays.toml`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolidayCalendar {}
