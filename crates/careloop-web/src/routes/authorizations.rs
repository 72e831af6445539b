//! `/api/v1/authorizations`: submit, read, the work queue, pend, extend, decide, appeal, resolve.

use axum::Router;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::response::Response;
use careloop_app::authorization::{
    AuthorizationQueueItem, AuthorizationQueueQuery, DecideAuthorization, ExtendAuthorization,
    FileAppeal, PendAuthorization, ReceiveAuthorizationInformation, RecordAuthorizationNotice,
    ResolveAppeal, SubmitAuthorization, WithdrawAuthorization,
};
use careloop_app::{Actor, AuthorizationAggregate, AuthorizationRecord};
use schemars::JsonSchema;
use schemars::generate::SchemaGenerator;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::extract::{QueryString, json_response};
use crate::operation::{Op, QueryParam};
use crate::paging;
use crate::problem::Problem;
use crate::routes::resource::Resource;

const BASE: &str = "/api/v1/authorizations";

/// The work queue's query string.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct QueueParams {
    #[serde(default)]
    at_risk_only: Option<String>,
    #[serde(default)]
    plan: Option<String>,
    #[serde(default)]
    county: Option<String>,
    #[serde(default, deserialize_with = "crate::extract::whole_u32")]
    limit: Option<u32>,
    #[serde(default)]
    after: Option<String>,
}

/// One page of the work queue.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct AuthorizationQueueResponse {
    pub items: Vec<AuthorizationQueueItem>,
    /// Pass as `after` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

async fn queue(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
    QueryString(p): QueryString<QueueParams>,
) -> Result<Response, Problem> {
    let limit = paging::limit(p.limit)?;
    let query = AuthorizationQueueQuery {
        at_risk_only: paging::flag("at_risk_only", p.at_risk_only.as_deref())?,
        plan_id: p.plan,
        county: p.county,
        limit,
        after: paging::after(p.after.as_deref())?,
    };
    let page = st.app.authorization_queue(&actor, query, st.now()).await?;
    let next = page.next.as_ref().map(paging::encode_cursor);
    let items = page.items;
    Ok(json_response(
        StatusCode::OK,
        &AuthorizationQueueResponse { items, next },
    ))
}

/// This resource's operations, one row each, for the router and the OpenAPI document.
#[rustfmt::skip]
fn resource() -> Resource {
    Resource::new::<AuthorizationRecord>(BASE, "authorizations")
        .create::<SubmitAuthorization>("submitAuthorization", "Submit an authorization request (provider staff); the server assigns the id")
        .list::<AuthorizationQueueResponse, _>("", queue, "authorizationQueue", "The work queue: open requests by due time, classified on track / at risk / overdue", vec![
            QueryParam::new("at_risk_only", "boolean", "only requests at risk or overdue"),
            QueryParam::new("plan", "string", "plan policy overlay id, e.g. hpsm"),
            QueryParam::new("county", "string", "county name"),
            QueryParam::limit(),
            QueryParam::time_cursor(),
        ])
        .read::<AuthorizationAggregate>("getAuthorization", "Read one authorization request (audited)")
        .change::<PendAuthorization>("pend", "Pend a non-urgent pre-service request for information")
        .change::<ExtendAuthorization>("extend", "Take the one extension, with its reason")
        .change::<ReceiveAuthorizationInformation>("information-received", "The pended-for information arrived: the decision clock restarts")
        .change::<WithdrawAuthorization>("withdrawal", "Withdraw an open request, with the reason")
        .change::<RecordAuthorizationNotice>("notices", "Record a notice sent about the request (channel, recipient, content)")
        .change::<DecideAuthorization>("decision", "Approve, modify or deny; an adverse decision needs the notice of action")
        .change::<FileAppeal>("appeals", "File the member's appeal of the decision")
        .change::<ResolveAppeal>("appeals/resolution", "Resolve the appeal: upheld or overturned")
}

pub(crate) fn routes() -> Router<AppState> {
    resource().router()
}

/// The OpenAPI operations of this module.
pub(crate) fn operations(g: &mut SchemaGenerator) -> Vec<Op> {
    resource().operations(g)
}
