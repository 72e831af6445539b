//! `/api/v1/members`: register, list, read, contact data, facts, eligibility recompute and the
//! eligibility "why" view (the stored determination with its trace).
//!
//! The member id is server-generated like every other record id (`crate::ids::record_id`, stable
//! for an Idempotency-Key retry): the body is the app's `RegisterMember`, which names no member
//! id. The plan's own identifier travels as `cin`. `facts.member_id` must therefore be absent on
//! registration (the app refuses one that is not the new id, which a client cannot know); later
//! facts may carry it, and then it must equal the record's id.

use axum::Router;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::response::Response;
use careloop_app::member::{
    MemberEligibility, MemberListQuery, RecomputeMemberEligibility, RecordMemberFacts,
    RegisterMember, UpdateMemberDemographics,
};
use careloop_app::{Actor, MemberAggregate, MemberRecord};
use schemars::JsonSchema;
use schemars::generate::SchemaGenerator;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::extract::{QueryString, RecordId, json_response};
use crate::operation::{Op, QueryParam};
use crate::paging;
use crate::problem::Problem;
use crate::routes::resource::Resource;

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
        .create::<RegisterMember>("registerMember", "Register a member of the caller's plan with their eligibility facts; the server assigns the id")
        .list::<MemberListResponse, _>("", list, "listMembers", "Members by id: a plan's own, a provider's granted ones (each listed member is audited)", vec![
            QueryParam::limit(),
            QueryParam::new("after", "string", "the `next` cursor of the previous page"),
        ])
        .read::<MemberAggregate>("getMember", "Read one member (audited)")
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
