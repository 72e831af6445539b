//! `/api/v1/referrals`: create, read, eligibility review, assignment, acceptance, declination,
//! closure.

use axum::Router;
use axum::extract::{Extension, State};
use axum::response::Response;
use axum::routing::{get, post};
use careloop_app::referral::{
    AcceptReferral, AssignReferral, CloseReferral, CreateReferral, DeclineReferral,
    RecordReferralAuthorization, RecordReferralNotice, RecordReferralNoticeAgreement,
    ReviewReferralEligibility, StartReferralServices,
};
use careloop_app::{Actor, ReferralAggregate, ReferralRecord};
use schemars::generate::SchemaGenerator;

use crate::AppState;
use crate::extract::{ApiJson, IdempotencyKey};
use crate::operation::Op;
use crate::problem::Problem;
use crate::routes::change::ChangeRoute;
use crate::routes::record::{created, read};

const BASE: &str = "/api/v1/referrals";

pub(crate) fn routes() -> Router<AppState> {
    let routes = Router::new()
        .route("/referrals", post(create))
        .route("/referrals/{id}", get(read::<ReferralAggregate>));
    ChangeRoute::route_all(routes, &changes())
}

async fn create(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(body): ApiJson<CreateReferral>,
) -> Result<Response, Problem> {
    created(&st, &actor, key, body, BASE).await
}

/// The changes on a record of this resource, one line each (`routes::change`).
fn changes() -> [ChangeRoute; 9] {
    [
        ChangeRoute::post::<ReviewReferralEligibility>(
            "reviewReferralEligibility",
            "/api/v1/referrals/{id}/eligibility-review",
            "Record the plan's eligibility review",
        ),
        ChangeRoute::post::<AssignReferral>(
            "assignReferral",
            "/api/v1/referrals/{id}/assignment",
            "Assign an ECM/CS provider, granting it access to the member",
        ),
        ChangeRoute::post::<AcceptReferral>(
            "acceptReferral",
            "/api/v1/referrals/{id}/acceptance",
            "The assigned provider accepts",
        ),
        ChangeRoute::post::<DeclineReferral>(
            "declineReferral",
            "/api/v1/referrals/{id}/declination",
            "The assigned provider declines, with the reason",
        ),
        ChangeRoute::post::<CloseReferral>(
            "closeReferral",
            "/api/v1/referrals/{id}/closure",
            "Close the loop with a closure reason",
        ),
        ChangeRoute::post::<RecordReferralAuthorization>(
            "recordReferralAuthorization",
            "/api/v1/referrals/{id}/authorization",
            "Record the authorization decision on the referred service (plan); not authorized needs the reason",
        ),
        ChangeRoute::post::<StartReferralServices>(
            "startReferralServices",
            "/api/v1/referrals/{id}/services-started",
            "The assigned provider reports services started",
        ),
        ChangeRoute::post::<RecordReferralNotice>(
            "recordReferralNotice",
            "/api/v1/referrals/{id}/notices",
            "Record a notice sent to the member, the referrer or the provider (the sender is the signed-in user)",
        ),
        ChangeRoute::post::<RecordReferralNoticeAgreement>(
            "recordReferralNoticeAgreement",
            "/api/v1/referrals/{id}/notice-agreement",
            "Record that both sides agreed referrer notices may use a non-electronic channel",
        ),
    ]
}

/// The OpenAPI operations of this module.
pub(crate) fn operations(g: &mut SchemaGenerator) -> Vec<Op> {
    let record = g.subschema_for::<ReferralRecord>();
    let mut ops = vec![
        Op::post(
            "createReferral",
            BASE,
            "Create a referral (referring entity or plan care coordinator); the server assigns the id",
            "referrals",
            g.subschema_for::<CreateReferral>(),
            record.clone(),
        )
        .created(),
        Op::get(
            "getReferral",
            "/api/v1/referrals/{id}",
            "Read one referral (audited)",
            "referrals",
            record.clone(),
        ),
    ];
    ops.extend(ChangeRoute::operations(&changes(), g, "referrals", &record));
    ops
}
