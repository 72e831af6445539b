//! `/api/v1/referrals`: create, read, eligibility review, assignment, acceptance, declination,
//! closure.

use axum::Router;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::response::Response;
use careloop_app::referral::{
    AcceptReferral, AssignReferral, CloseReferral, CreateReferral, DeclineReferral,
    RecordReferralAuthorization, RecordReferralNotice, RecordReferralNoticeAgreement,
    ReviewReferralEligibility, StartReferralServices,
};
use careloop_app::{Actor, ReferralRecord};
use careloop_domain::workflow::Program;
use careloop_domain::workflow::referral::Referrer;
use schemars::JsonSchema;
use schemars::generate::SchemaGenerator;
use serde::Deserialize;

use crate::AppState;
use crate::extract::{ApiJson, IdempotencyKey, RecordId, record_response};
use crate::ids::record_id;
use crate::operation::Op;
use crate::problem::Problem;
use crate::routes::resource::Resource;

const BASE: &str = "/api/v1/referrals";

/// A new referral; the server assigns its id.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateReferralBody {
    #[serde(deserialize_with = "careloop_domain::text::de::id")]
    #[schemars(with = "careloop_domain::text::Id")]
    pub member_id: String,
    /// The plan organization that owns the referral.
    #[serde(deserialize_with = "careloop_domain::text::de::id")]
    #[schemars(with = "careloop_domain::text::Id")]
    pub plan_org_id: String,
    #[serde(default, deserialize_with = "careloop_domain::text::de::opt_id")]
    #[schemars(with = "Option<careloop_domain::codes::PlanId>")]
    pub plan_id: Option<String>,
    #[serde(default, deserialize_with = "careloop_domain::text::de::opt_line")]
    #[schemars(with = "Option<careloop_domain::text::Line>")]
    pub county: Option<String>,
    pub referrer: Referrer,
    pub program: Program,
    #[serde(default, deserialize_with = "careloop_domain::text::de::opt_id")]
    #[schemars(with = "Option<careloop_domain::text::Id>")]
    pub claimed_pof: Option<String>,
}

async fn create(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(body): ApiJson<CreateReferralBody>,
) -> Result<Response, Problem> {
    let input = CreateReferral {
        referral_id: record_id(),
        member_id: body.member_id,
        plan_org_id: body.plan_org_id,
        plan_id: body.plan_id,
        county: body.county,
        referrer: body.referrer,
        program: body.program,
        claimed_pof: body.claimed_pof,
    };
    let record = st
        .app
        .create_referral(&actor, input, key.as_deref(), st.now())
        .await?;
    let location = Some(format!("{BASE}/{}", record.id));
    Ok(record_response(StatusCode::CREATED, &record, location))
}

async fn read(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
    RecordId(id): RecordId,
) -> Result<Response, Problem> {
    let record = st.app.get_referral(&actor, &id, st.now()).await?;
    Ok(record_response(StatusCode::OK, &record, None))
}

/// This resource's operations, one row each, for the router and the OpenAPI document.
#[rustfmt::skip]
fn resource() -> Resource {
    Resource::new::<ReferralRecord>(BASE, "referrals")
        .create::<CreateReferralBody, _>(create, "createReferral", "Create a referral (referring entity or plan care coordinator); the server assigns the id")
        .read(read, "getReferral", "Read one referral (audited)")
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
