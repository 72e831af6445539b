//! `/api/v1/members`: register, list, read, contact data, facts, eligibility recompute and the
//! eligibility "why" view (the stored determination with its trace).
//!
//! The member id is server-generated like every other record id (`crate::ids::record_id`, stable
//! for an Idempotency-Key retry): the body is the app's `RegisterMember` without `member_id`. The
//! plan's own identifier travels as `cin`. `facts.member_id` must therefore be absent on
//! registration (the server cannot know a client-chosen value would match); later facts may carry
//! it, and then it must equal the record's id.

use axum::Router;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::response::Response;
use careloop_app::member::{
    MemberEligibility, MemberListQuery, RecomputeMemberEligibility, RecordMemberFacts,
    RegisterMember, UpdateMemberDemographics,
};
use careloop_app::{Actor, MemberRecord};
use careloop_domain::eligibility::MemberFacts;
use careloop_domain::workflow::member::Demographics;
use schemars::JsonSchema;
use schemars::generate::SchemaGenerator;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::extract::{
    ApiJson, IdempotencyKey, QueryString, RecordId, json_response, record_response,
};
use crate::ids::record_id;
use crate::operation::{Op, QueryParam};
use crate::paging;
use crate::problem::Problem;
use crate::routes::resource::Resource;

const BASE: &str = "/api/v1/members";

/// A new member of the caller's plan organization; the server assigns the member id.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterMemberBody {
    /// The plan's policy overlay id (e.g. "hpsm").
    #[serde(default, deserialize_with = "careloop_domain::text::de::opt_id")]
    #[schemars(with = "Option<careloop_domain::codes::PlanId>")]
    pub plan: Option<String>,
    /// The member's county (the plan must serve it).
    #[serde(deserialize_with = "careloop_domain::text::de::line")]
    #[schemars(with = "careloop_domain::text::Line")]
    pub county: String,
    #[serde(default)]
    pub demographics: Demographics,
    /// Synthetic client index number (the plan's own identifier for the member).
    #[serde(default, deserialize_with = "careloop_domain::text::de::opt_id")]
    #[schemars(with = "Option<careloop_domain::text::Id>")]
    pub cin: Option<String>,
    /// The eligibility facts (docs/schemas/member-facts.schema.json) without `member_id` (absent
    /// or null: the server assigns it).
    #[schemars(with = "FactsWithoutMemberId")]
    pub facts: MemberFacts,
}

/// The schema of [`RegisterMemberBody::facts`]: [`MemberFacts`] with `member_id` absent or null,
/// stated as an `allOf` (keywords beside a `$ref` are ignored by OpenAPI 3.0 tools and by
/// schemathesis' generator, so a sibling `properties` did not reach them).
struct FactsWithoutMemberId;

impl JsonSchema for FactsWithoutMemberId {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("FactsWithoutMemberId")
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(g: &mut SchemaGenerator) -> schemars::Schema {
        let facts = g.subschema_for::<MemberFacts>();
        schemars::json_schema!({
            "allOf": [facts, { "properties": { "member_id": { "type": "null" } } }]
        })
    }
}

/// The list's query string.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListParams {
    #[serde(default, deserialize_with = "crate::extract::whole_u32")]
    limit: Option<u32>,
    #[serde(default)]
    after: Option<String>,
}

/// One page of members, by id.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct MemberListResponse {
    pub items: Vec<MemberRecord>,
    /// Pass as `after` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

async fn register(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(body): ApiJson<RegisterMemberBody>,
) -> Result<Response, Problem> {
    if body.facts.member_id.is_some() {
        return Err(Problem::invalid(
            "facts.member_id",
            "the server assigns the member id; omit facts.member_id when registering",
        ));
    }
    let input = RegisterMember {
        member_id: record_id(),
        plan: body.plan,
        county: Some(body.county),
        demographics: body.demographics,
        cin: body.cin,
        facts: body.facts,
    };
    let record = st
        .app
        .register_member(&actor, input, key.as_deref(), st.now())
        .await?;
    Ok(record_response(
        StatusCode::CREATED,
        &record,
        Some(format!("{BASE}/{}", record.id)),
    ))
}

async fn list(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
    QueryString(p): QueryString<ListParams>,
) -> Result<Response, Problem> {
    let query = MemberListQuery {
        limit: paging::limit(p.limit)?,
        after: p.after,
    };
    let page = st.app.list_members(&actor, query, st.now()).await?;
    let (items, next) = (page.items, page.next);
    Ok(json_response(
        StatusCode::OK,
        &MemberListResponse { items, next },
    ))
}

async fn read(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
    RecordId(id): RecordId,
) -> Result<Response, Problem> {
    let record = st.app.get_member(&actor, &id, st.now()).await?;
    Ok(record_response(StatusCode::OK, &record, None))
}

async fn eligibility(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
    RecordId(id): RecordId,
) -> Result<Response, Problem> {
    let why = st.app.member_eligibility(&actor, &id, st.now()).await?;
    Ok(json_response(StatusCode::OK, &why))
}

/// This resource's operations, one row each, for the router and the OpenAPI document.
#[rustfmt::skip]
fn resource() -> Resource {
    Resource::new::<MemberRecord>(BASE, "members")
        .create::<RegisterMemberBody, _>(register, "registerMember", "Register a member of the caller's plan with their eligibility facts; the server assigns the id")
        .list::<MemberListResponse, _>("", list, "listMembers", "Members by id: a plan's own, a provider's granted ones (each listed member is audited)", vec![
            QueryParam::limit(),
            QueryParam::new("after", "string", "the `next` cursor of the previous page"),
        ])
        .read(read, "getMember", "Read one member (audited)")
        .change::<UpdateMemberDemographics>("demographics", "Replace the member's contact data")
        .change::<RecordMemberFacts>("facts", "Replace the member's facts; eligibility is re-determined as of today (Los Angeles)")
        .change::<RecomputeMemberEligibility>("eligibility/recompute", "Re-run the eligibility engine on the stored facts; stored only when the result changed")
        .read_about::<MemberEligibility, _>("eligibility", eligibility, "getMemberEligibility", "The stored determination with its trace: why the member is (not) eligible (audited)")
}

pub(crate) fn routes() -> Router<AppState> {
    resource().router()
}

/// The OpenAPI operations of this module.
pub(crate) fn operations(g: &mut SchemaGenerator) -> Vec<Op> {
    resource().operations(g)
}
