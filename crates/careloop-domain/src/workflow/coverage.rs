//! Whether a plan covers a program for a member's county on a date (issue #12): every referral and
//! authorization request is checked here before it is received, so the API, the UI, the CLI and
//! the coming billing and exchange formats refuse the same things.
//!
//! - The plan must be in the policy pack and serve the county on the date (plan overlay
//!   `counties`, effective-dated: a plan that left Medi-Cal in a county stops serving it).
//! - ECM is a Medi-Cal benefit every plan provides in every county it serves (CALAIM.md §2.1).
//! - A Community Support must be on the plan's offerings for that county on that date, or be a
//!   statewide mandate in effect then (CALAIM.md §3.1 [3][36]: CS are optional, plan by plan and
//!   county by county).

use jiff::civil::Date;

use super::{Program, WorkflowError};
use crate::policy::{OfferingsError, PolicyPack, offerings};

/// Refuses `program` unless `plan` serves `county` on `on` and (for a Community Support) offers
/// it there that day. The error names the plan, the county, the date and what is offered.
pub fn check_program_covered(
    pack: &PolicyPack,
    plan: &str,
    county: &str,
    on: Date,
    program: Program,
) -> Result<(), WorkflowError> {
    let offered = offerings(pack, plan, county, on)?;
    let Program::Cs(cs) = program else {
        return Ok(());
    };
    if offered.iter().any(|o| o.id == cs) {
        return Ok(());
    }
    Err(WorkflowError::NotOffered {
        plan: plan.to_owned(),
        cs: cs.to_string(),
        county: county.to_owned(),
        on,
        offered: offered.iter().map(|o| o.id.to_string()).collect(),
    })
}

impl From<OfferingsError> for WorkflowError {
    fn from(e: OfferingsError) -> Self {
        match e {
            OfferingsError::UnknownPlan { plan, known } => {
                WorkflowError::UnknownPlan { plan, known }
            }
            OfferingsError::CountyNotServed {
                plan,
                county,
                on,
                served,
                ended,
            } => WorkflowError::CountyNotServed {
                plan,
                county,
                on,
                served,
                ended,
            },
        }
    }
}
