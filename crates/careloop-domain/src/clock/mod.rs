//! UM decision clocks (CALAIM.md §4.1, §4.3, §12).

pub mod holidays;
pub mod policy;

pub use holidays::HolidayCalendar;
pub use policy::{ClockPolicy, DayCounting, DayRule, FederalOverlay, PlanClockPolicy};
