//! Which authorization request an ECM enrollment or re-authorization may name (issue #12): an
//! approved request of the same member for that ECM service (initial authorization to enroll,
//! re-authorization for the next period, CALAIM.md §2.6 [4]). The caller checks that the request
//! belongs to the enrollment's plan (it loaded both records).

use super::EcmEnrollmentState;
use crate::workflow::WorkflowError;
use crate::workflow::authorization::{AuthorizationState, Service};

/// Refuses a request about another member, for another service, or not approved.
pub fn check_ecm_authorization(
    enrollment: &EcmEnrollmentState,
    request: &AuthorizationState,
    service: Service,
) -> Result<(), WorkflowError> {
    let mismatch = |problem: String| WorkflowError::ReferenceMismatch {
        field: "authorization_id",
        problem,
    };
    let id = &request.request_id;
    if request.member_id != enrollment.member_id {
        return Err(mismatch(format!(
            "authorization request {id} is about another member"
        )));
    }
    if request.service != Some(service) {
        return Err(mismatch(format!(
            "authorization request {id} is not for {}",
            match service {
                Service::EcmInitial => "the initial ECM authorization",
                Service::EcmReauthorization => "an ECM re-authorization",
                Service::Cs(_) => "this service",
            }
        )));
    }
    if !request.is_authorized() {
        return Err(mismatch(format!(
            "authorization request {id} is {}, not approved",
            request.status.label()
        )));
    }
    Ok(())
}
