//! `/api/v1/referrals`: create, read, eligibility review, assignment, acceptance, declination,
//! closure.

use axum::Router;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
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
use crate::extract::{
    ApiJson, IdempotencyKey, IfMatch, RecordId, expected_version, record_response,
};
use crate::ids::record_id;
use crate::openapi::Op;
use crate::problem::Problem;

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
    #[schemars(with = "Option<careloop_domain::text::Id>")]
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

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/referrals", post(create))
        .route("/referrals/{id}", get(read))
        .route("/referrals/{id}/eligibility-review", post(review))
        .route("/referrals/{id}/assignment", post(assign))
        .route("/referrals/{id}/acceptance", post(accept))
        .route("/referrals/{id}/declination", post(decline))
        .route("/referrals/{id}/closure", post(close))
        .route("/referrals/{id}/authorization", post(authorize))
        .route("/referrals/{id}/services-started", post(services_started))
        .route("/referrals/{id}/notices", post(notice))
        .route("/referrals/{id}/notice-agreement", post(notice_agreement))
}

fn ok(record: &ReferralRecord) -> Response {
    record_response(StatusCode::OK, record, None)
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
    Ok(ok(&record))
}

async fn review(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
    RecordId(id): RecordId,
    IfMatch(if_match): IfMatch,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(mut body): ApiJson<ReviewReferralEligibility>,
) -> Result<Response, Problem> {
    body.expected_version = expected_version(if_match, body.expected_version)?;
    let record = st
        .app
        .review_referral_eligibility(&actor, &id, body, key.as_deref(), st.now())
        .await?;
    Ok(ok(&record))
}

async fn assign(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
    RecordId(id): RecordId,
    IfMatch(if_match): IfMatch,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(mut body): ApiJson<AssignReferral>,
) -> Result<Response, Problem> {
    body.expected_version = expected_version(if_match, body.expected_version)?;
    let record = st
        .app
        .assign_referral(&actor, &id, body, key.as_deref(), st.now())
        .await?;
    Ok(ok(&record))
}

async fn accept(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
    RecordId(id): RecordId,
    IfMatch(if_match): IfMatch,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(mut body): ApiJson<AcceptReferral>,
) -> Result<Response, Problem> {
    body.expected_version = expected_version(if_match, body.expected_version)?;
    let record = st
        .app
        .accept_referral(&actor, &id, body, key.as_deref(), st.now())
        .await?;
    Ok(ok(&record))
}

async fn decline(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
    RecordId(id): RecordId,
    IfMatch(if_match): IfMatch,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(mut body): ApiJson<DeclineReferral>,
) -> Result<Response, Problem> {
    body.expected_version = expected_version(if_match, body.expected_version)?;
    let record = st
        .app
        .decline_referral(&actor, &id, body, key.as_deref(), st.now())
        .await?;
    Ok(ok(&record))
}

async fn close(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
    RecordId(id): RecordId,
    IfMatch(if_match): IfMatch,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(mut body): ApiJson<CloseReferral>,
) -> Result<Response, Problem> {
    body.expected_version = expected_version(if_match, body.expected_version)?;
    let record = st
        .app
        .close_referral(&actor, &id, body, key.as_deref(), st.now())
        .await?;
    Ok(ok(&record))
}

/// The OpenAPI operations of this module.
pub(crate) fn operations(g: &mut SchemaGenerator) -> Vec<Op> {
    let record = g.subschema_for::<ReferralRecord>();
    let change = |id: &'static str, path: &'static str, summary: &'static str, request| {
        Op::post(id, path, summary, "referrals", request, record.clone())
    };
    vec![
        Op::post(
            "createReferral",
            BASE,
            "Create a referral (referring entity or plan care coordinator); the server assigns the id",
            "referrals",
            g.subschema_for::<CreateReferralBody>(),
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
        change(
            "reviewReferralEligibility",
            "/api/v1/referrals/{id}/eligibility-review",
            "Record the plan's eligibility review",
            g.subschema_for::<ReviewReferralEligibility>(),
        ),
        change(
            "assignReferral",
            "/api/v1/referrals/{id}/assignment",
            "Assign an ECM/CS provider, granting it access to the member",
            g.subschema_for::<AssignReferral>(),
        ),
        change(
            "acceptReferral",
            "/api/v1/referrals/{id}/acceptance",
            "The assigned provider accepts",
            g.subschema_for::<AcceptReferral>(),
        ),
        change(
            "declineReferral",
            "/api/v1/referrals/{id}/declination",
            "The assigned provider declines, with the reason",
            g.subschema_for::<DeclineReferral>(),
        ),
        change(
            "closeReferral",
            "/api/v1/referrals/{id}/closure",
            "Close the loop with a closure reason",
            g.subschema_for::<CloseReferral>(),
        ),
        change(
            "recordReferralAuthorization",
            "/api/v1/referrals/{id}/authorization",
            "Record the authorization decision on the referred service (plan); not authorized needs the reason",
            g.subschema_for::<RecordReferralAuthorization>(),
        ),
        change(
            "startReferralServices",
            "/api/v1/referrals/{id}/services-started",
            "The assigned provider reports services started",
            g.subschema_for::<StartReferralServices>(),
        ),
        change(
            "recordReferralNotice",
            "/api/v1/referrals/{id}/notices",
            "Record a notice sent to the member, the referrer or the provider (the sender is the signed-in user)",
            g.subschema_for::<RecordReferralNotice>(),
        ),
        change(
            "recordReferralNoticeAgreement",
            "/api/v1/referrals/{id}/notice-agreement",
            "Record that both sides agreed referrer notices may use a non-electronic channel",
            g.subschema_for::<RecordReferralNoticeAgreement>(),
        ),
    ]
}

async fn authorize(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
    RecordId(id): RecordId,
    IfMatch(if_match): IfMatch,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(mut body): ApiJson<RecordReferralAuthorization>,
) -> Result<Response, Problem> {
    body.expected_version = expected_version(if_match, body.expected_version)?;
    let record = st
        .app
        .record_referral_authorization(&actor, &id, body, key.as_deref(), st.now())
        .await?;
    Ok(ok(&record))
}

async fn services_started(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
    RecordId(id): RecordId,
    IfMatch(if_match): IfMatch,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(mut body): ApiJson<StartReferralServices>,
) -> Result<Response, Problem> {
    body.expected_version = expected_version(if_match, body.expected_version)?;
    let record = st
        .app
        .start_referral_services(&actor, &id, body, key.as_deref(), st.now())
        .await?;
    Ok(ok(&record))
}

async fn notice(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
    RecordId(id): RecordId,
    IfMatch(if_match): IfMatch,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(mut body): ApiJson<RecordReferralNotice>,
) -> Result<Response, Problem> {
    body.expected_version = expected_version(if_match, body.expected_version)?;
    let record = st
        .app
        .record_referral_notice(&actor, &id, body, key.as_deref(), st.now())
        .await?;
    Ok(ok(&record))
}

async fn notice_agreement(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
    RecordId(id): RecordId,
    IfMatch(if_match): IfMatch,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(mut body): ApiJson<RecordReferralNoticeAgreement>,
) -> Result<Response, Problem> {
    body.expected_version = expected_version(if_match, body.expected_version)?;
    let record = st
        .app
        .record_referral_notice_agreement(&actor, &id, body, key.as_deref(), st.now())
        .await?;
    Ok(ok(&record))
}
