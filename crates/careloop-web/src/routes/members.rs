//! `/api/v1/members`: register, list, read, contact data, facts, eligibility recompute and the
//! eligibility "why" view (the stored determination with its trace).
//!
//! The member id is server-generated like every other record id (`crate::ids::record_id`, stable
//! for an Idempotency-Key retry): the body is the app's `RegisterMember`, which names no member
//! id. The plan's own identifier travels as `cin`. `facts.member_id` must therefore be absent on
//! registration (the app refuses one that is not the new id, which a client cannot know); later
//! facts may carry it, and then it must equal the record's id.

use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use careloop_app::member::{
    MemberEligibility, MemberListQuery, RecomputeMemberEligibility, RecordMemberFacts,
    RegisterMember, UpdateMemberDemographics,
};
use careloop_app::{Actor, MemberAggregate, MemberRecord};
use schemars::JsonSchema;
use schemars::generate::SchemaGenerator;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::extract::{ApiJson, IdempotencyKey, RecordId, json_response};
use crate::operation::{Op, QueryParam};
use crate::paging;
use crate::problem::Problem;
use crate::routes::change::ChangeRoute;
use crate::routes::record::{created, read};

const BASE: &str = "/api/v1/members";

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

pub(crate) fn routes() -> Router<AppState> {
    let routes = Router::new()
        .route("/members", post(register).get(list))
        .route("/members/{id}", get(read::<MemberAggregate>))
        .route("/members/{id}/eligibility", get(eligibility));
    ChangeRoute::route_all(routes, &changes())
}

async fn register(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(body): ApiJson<RegisterMember>,
) -> Result<Response, Problem> {
    created(&st, &actor, key, body, BASE).await
}

async fn list(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Response, Problem> {
    let Query(p) = params.map_err(|e| Problem::invalid("query", e.body_text()))?;
    let limit = paging::limit(p.limit)?;
    let page = st
        .app
        .list_members(
            &actor,
            MemberListQuery {
                limit,
                after: p.after,
            },
            st.now(),
        )
        .await?;
    Ok(json_response(
        StatusCode::OK,
        &MemberListResponse {
            items: page.items,
            next: page.next,
        },
    ))
}

async fn eligibility(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
    RecordId(id): RecordId,
) -> Result<Response, Problem> {
    let why = st.app.member_eligibility(&actor, &id, st.now()).await?;
    Ok(json_response(StatusCode::OK, &why))
}

/// The changes on a record of this resource, one line each (`routes::change`).
fn changes() -> [ChangeRoute; 3] {
    [
        ChangeRoute::post::<UpdateMemberDemographics>(
            "updateMemberDemographics",
            "/api/v1/members/{id}/demographics",
            "Replace the member's contact data",
        ),
        ChangeRoute::post::<RecordMemberFacts>(
            "recordMemberFacts",
            "/api/v1/members/{id}/facts",
            "Replace the member's facts; eligibility is re-determined as of today (Los Angeles)",
        ),
        ChangeRoute::post::<RecomputeMemberEligibility>(
            "recomputeMemberEligibility",
            "/api/v1/members/{id}/eligibility/recompute",
            "Re-run the eligibility engine on the stored facts; stored only when the result changed",
        ),
    ]
}

/// The OpenAPI operations of this module.
pub(crate) fn operations(g: &mut SchemaGenerator) -> Vec<Op> {
    let record = g.subschema_for::<MemberRecord>();
    let mut ops = vec![
        Op::post(
            "registerMember",
            BASE,
            "Register a member of the caller's plan with their eligibility facts; the server assigns the id",
            "members",
            g.subschema_for::<RegisterMember>(),
            record.clone(),
        )
        .created(),
        Op::get(
            "listMembers",
            BASE,
            "Members by id: a plan's own, a provider's granted ones (each listed member is audited)",
            "members",
            g.subschema_for::<MemberListResponse>(),
        )
        .query(vec![
            QueryParam::limit(),
            QueryParam::new("after", "string", "the `next` cursor of the previous page"),
        ]),
        Op::get(
            "getMember",
            "/api/v1/members/{id}",
            "Read one member (audited)",
            "members",
            record.clone(),
        ),
    ];
    ops.extend(ChangeRoute::operations(&changes(), g, "members", &record));
    ops.push(Op::get(
        "getMemberEligibility",
        "/api/v1/members/{id}/eligibility",
        "The stored determination with its trace: why the member is (not) eligible (audited)",
        "members",
        g.subschema_for::<MemberEligibility>(),
    ));
    ops
}
