//! Dates that cannot be true (issue #12, defect 5). A workflow command carries its own time
//! (`at`, set by careloop-app from its clock, never read here); the "today" these rules use is
//! `at`'s date in California (the pack's clock time zone, America/Los_Angeles), so a test's
//! fixed command time gives a fixed today.
//!
//! Two kinds of date (docs/workflows.md, "Dates"):
//! - **What happened** — services started, an outreach attempt, a core service activity, an
//!   assessment, a care plan revision: not after today. Recording a fact that has not happened
//!   yet is how a loop came to be closed as "services received" a week before services started.
//! - **What is scheduled** — an ECM enrollment start, a re-authorization start, a discontinuation
//!   date, the start of a requested authorization period: at most [`SCHEDULE_AHEAD_DAYS`] days
//!   after today. Planning ahead is legitimate here: justice-involved members are lined up for
//!   ECM in the 90 days before release (CALAIM.md §2.10 [15][16]) and re-authorizations are
//!   worked from a queue that looks 30 days ahead (`workflow.toml
//!   reauthorization_lookahead_days`). A date further out is a typing error (2027 for 2026).
//!
//! And a period must not end before it starts: discontinuation before enrollment or opening,
//! a loop closed as services received before the services-started date, a requested period
//! whose last day is before its first.

use super::WorkflowError;
use super::appeal::local_date;
use crate::policy::PolicyPack;
use jiff::Timestamp;
use jiff::ToSpan;
use jiff::civil::Date;

/// How many days after today (California) a scheduled date may be: the 90-day pre-release
/// window of justice-involved reentry (CALAIM.md §2.10 [15][16]), which also covers the 30-day
/// re-authorization look-ahead.
pub const SCHEDULE_AHEAD_DAYS: i32 = 90;

/// Today in California for a command at `at`.
pub fn today(pack: &PolicyPack, at: Timestamp) -> Result<Date, WorkflowError> {
    local_date(pack, at)
}

/// A date of something that already happened: not after today (California) at `at`.
pub(crate) fn happened(
    pack: &PolicyPack,
    field: &'static str,
    date: Date,
    at: Timestamp,
) -> Result<(), WorkflowError> {
    let today = today(pack, at)?;
    if date > today {
        return Err(WorkflowError::ImpossibleDate {
            field,
            date,
            rule: format!(
                "is after today {today} (California): it records something that happened, so it cannot be in the future"
            ),
        });
    }
    Ok(())
}

/// A scheduled date: at most [`SCHEDULE_AHEAD_DAYS`] days after today (California) at `at`.
pub(crate) fn scheduled(
    pack: &PolicyPack,
    field: &'static str,
    date: Date,
    at: Timestamp,
) -> Result<(), WorkflowError> {
    let today = today(pack, at)?;
    let latest = today.checked_add(SCHEDULE_AHEAD_DAYS.days())?;
    if date > latest {
        return Err(WorkflowError::ImpossibleDate {
            field,
            date,
            rule: format!(
                "is more than {SCHEDULE_AHEAD_DAYS} days after today {today} (California); a scheduled date may be at most {latest}"
            ),
        });
    }
    Ok(())
}

/// `date` must not be before `earlier` (`earlier_field` names it).
pub(crate) fn not_before(
    field: &'static str,
    date: Date,
    earlier_field: &'static str,
    earlier: Date,
) -> Result<(), WorkflowError> {
    if date < earlier {
        return Err(WorkflowError::ImpossibleDate {
            field,
            date,
            rule: format!("is before {earlier_field} {earlier}"),
        });
    }
    Ok(())
}
