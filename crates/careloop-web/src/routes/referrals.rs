//! `/api/v1/referrals`: create, read, eligibility review, assignment, acceptance, declination,
//! closure.

use axum::Router;
use careloop_app::referral::{
    AcceptReferral, AssignReferral, CloseReferral, CreateReferral, DeclineReferral,
    RecordReferralAuthorization, RecordReferralNotice, RecordReferralNoticeAgreement,
    ReviewReferralEligibility, StartReferralServices,
};
use careloop_app::{ReferralAggregate, ReferralRecord};
use schemars::generate::SchemaGenerator;

use crate::AppState;
use crate::operation::Op;
use crate::routes::resource::Resource;

const BASE: &str = "/api/v1/referrals";

/// This resource's operations, one row each, for the router and the OpenAPI document.
#[rustfmt::skip]
fn resource() -> Resource {
    Resource::new::<ReferralRecord>(BASE, "referrals")
        .create::<CreateReferral>("createReferral", "Create a referral (referring entity or plan care coordinator); the server assigns the id")
        .read::<ReferralAggregate>("getReferral", "Read one referral (audited)")
        .change::<ReviewReferralEligibility>("eligibility-review", "Record the plan's eligibility review")
        .change::<AssignReferral>("assignment", "Assign an ECM/CS provider, granting it access to the member")
        .change::<AcceptReferral>("acceptance", "The assigned provider accepts")
        .change::<DeclineReferral>("declination", "The assigned provider declines, with the reason")
        .change::<CloseReferral>("closure", "Close the loop with a closure reason")
        .change::<RecordReferralAuthorization>("authorization", "Record the authorization decision on the referred service (plan); not authorized needs the reason")
        .change::<StartReferralServices>("services-started", "The assigned provider reports services started")
        .change::<RecordReferralNotice>("notices", "Record a notice sent to the member, the referrer or the provider (the sender is the signed-in user)")
        .change::<RecordReferralNoticeAgreement>("notice-agreement", "Record that both sides agreed referrer notices may use a non-electronic channel")
}

pub(crate) fn routes() -> Router<AppState> {
    resource().router()
}

/// The OpenAPI operations of this module.
pub(crate) fn operations(g: &mut SchemaGenerator) -> Vec<Op> {
    resource().operations(g)
}
