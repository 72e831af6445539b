//! UM decision clocks (CALAIM.md §4.1, §4.3, §12).
//!
//! [`due`] turns a [`ClockRequest`] into a [`Deadline`]: the due instant in
//! America/Los_Angeles, the rule that set it, and the evidence (state and federal rule, skipped
//! holidays and weekends, pend, extension, the 14-day cap, policy version).

mod count;
pub mod deadline;
mod engine;
pub mod error;
pub mod holidays;
pub mod kind;
pub mod policy;

pub use deadline::{
    ClockRequest, Deadline, Explanation, ExtensionNote, PendNote, RuleDue, RuleSource,
    SkippedHoliday, Winner, format_rfc3339,
};
pub use engine::due;
pub use error::ClockError;
pub use holidays::{Holiday, HolidayCalendar};
pub use kind::{ClockKind, UnknownClockKind};
pub use policy::{ClockPolicy, DayCounting, DayRule, FederalOverlay, PlanClockPolicy};
