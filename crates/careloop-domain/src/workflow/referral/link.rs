//! Which authorization request a referral's authorization step may point at (issue #12): the
//! referral's "authorized" or "not authorized" must be the decision of a real request about the
//! same member and the same program, owned by the same plan (the owner is checked by the caller,
//! which loaded both records), so the closed-loop status follows the UM decision it reports
//! (CALAIM.md §6.4 [37][38]).

use super::ReferralState;
use crate::workflow::WorkflowError;
use crate::workflow::authorization::{AuthorizationState, AuthorizationStatus};

/// Refuses an authorization request that is not the referral's: another member, another program,
/// or a decision that does not say what the referral step records (`authorized`: approved or
/// approved as modified, also after an overturned appeal; not authorized: denied).
pub fn check_authorization_link(
    referral: &ReferralState,
    request: &AuthorizationState,
    authorized: bool,
) -> Result<(), WorkflowError> {
    let mismatch = |problem: String| WorkflowError::ReferenceMismatch {
        field: "authorization_id",
        problem,
    };
    if request.member_id != referral.member_id {
        return Err(mismatch(format!(
            "authorization request {} is about another member",
            request.request_id
        )));
    }
    let program = request.service.map(|s| s.program());
    if program != referral.program {
        return Err(mismatch(format!(
            "authorization request {} is for another service than the referral's program",
            request.request_id
        )));
    }
    let fits = if authorized {
        request.is_authorized()
    } else {
        request.status == AuthorizationStatus::Denied
    };
    if !fits {
        return Err(mismatch(format!(
            "authorization request {} is {}; the referral step records {}",
            request.request_id,
            request.status.label(),
            if authorized {
                "an approval"
            } else {
                "a denial"
            }
        )));
    }
    Ok(())
}
