//! `/api/v1/authorizations`: submit, read, the work queue, pend, extend, decide, appeal, resolve.

use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
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
use crate::extract::{ApiJson, IdempotencyKey, json_response};
use crate::operation::{Op, QueryParam};
use crate::paging::{self, decode_cursor, encode_cursor};
use crate::problem::Problem;
use crate::routes::change::ChangeRoute;
use crate::routes::record::{created, read};

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

pub(crate) fn routes() -> Router<AppState> {
    let routes = Router::new()
        .route("/authorizations", post(submit).get(queue))
        .route("/authorizations/{id}", get(read::<AuthorizationAggregate>));
    ChangeRoute::route_all(routes, &changes())
}

async fn submit(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(body): ApiJson<SubmitAuthorization>,
) -> Result<Response, Problem> {
    created(&st, &actor, key, body, BASE).await
}

async fn queue(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
    params: Result<Query<QueueParams>, QueryRejection>,
) -> Result<Response, Problem> {
    let Query(p) = params.map_err(|e| Problem::invalid("query", e.body_text()))?;
    let limit = paging::limit(p.limit)?;
    let query = AuthorizationQueueQuery {
        at_risk_only: paging::flag("at_risk_only", p.at_risk_only.as_deref())?,
        plan_id: p.plan,
        county: p.county,
        limit,
        after: p.after.as_deref().map(decode_cursor).transpose()?,
    };
    let page = st.app.authorization_queue(&actor, query, st.now()).await?;
    Ok(json_response(
        StatusCode::OK,
        &AuthorizationQueueResponse {
            items: page.items,
            next: page.next.as_ref().map(encode_cursor),
        },
    ))
}

/// The changes on a record of this resource, one line each (`routes::change`).
fn changes() -> [ChangeRoute; 8] {
    [
        ChangeRoute::post::<PendAuthorization>(
            "pendAuthorization",
            "/api/v1/authorizations/{id}/pend",
            "Pend a non-urgent pre-service request for information",
        ),
        ChangeRoute::post::<ExtendAuthorization>(
            "extendAuthorization",
            "/api/v1/authorizations/{id}/extend",
            "Take the one extension, with its reason",
        ),
        ChangeRoute::post::<ReceiveAuthorizationInformation>(
            "receiveAuthorizationInformation",
            "/api/v1/authorizations/{id}/information-received",
            "The pended-for information arrived: the decision clock restarts",
        ),
        ChangeRoute::post::<WithdrawAuthorization>(
            "withdrawAuthorization",
            "/api/v1/authorizations/{id}/withdrawal",
            "Withdraw an open request, with the reason",
        ),
        ChangeRoute::post::<RecordAuthorizationNotice>(
            "recordAuthorizationNotice",
            "/api/v1/authorizations/{id}/notices",
            "Record a notice sent about the request (channel, recipient, content)",
        ),
        ChangeRoute::post::<DecideAuthorization>(
            "decideAuthorization",
            "/api/v1/authorizations/{id}/decision",
            "Approve, modify or deny; an adverse decision needs the notice of action",
        ),
        ChangeRoute::post::<FileAppeal>(
            "fileAppeal",
            "/api/v1/authorizations/{id}/appeals",
            "File the member's appeal of the decision",
        ),
        ChangeRoute::post::<ResolveAppeal>(
            "resolveAppeal",
            "/api/v1/authorizations/{id}/appeals/resolution",
            "Resolve the appeal: upheld or overturned",
        ),
    ]
}

/// The OpenAPI operations of this module.
pub(crate) fn operations(g: &mut SchemaGenerator) -> Vec<Op> {
    let record = g.subschema_for::<AuthorizationRecord>();
    let mut ops = vec![
        Op::post(
            "submitAuthorization",
            BASE,
            "Submit an authorization request (provider staff); the server assigns the id",
            "authorizations",
            g.subschema_for::<SubmitAuthorization>(),
            record.clone(),
        )
        .created(),
        Op::get(
            "authorizationQueue",
            BASE,
            "The work queue: open requests by due time, classified on track / at risk / overdue",
            "authorizations",
            g.subschema_for::<AuthorizationQueueResponse>(),
        )
        .query(vec![
            QueryParam::new(
                "at_risk_only",
                "boolean",
                "only requests at risk or overdue",
            ),
            QueryParam::new("plan", "string", "plan policy overlay id, e.g. hpsm"),
            QueryParam::new("county", "string", "county name"),
            QueryParam::limit(),
            QueryParam::time_cursor(),
        ]),
        Op::get(
            "getAuthorization",
            "/api/v1/authorizations/{id}",
            "Read one authorization request (audited)",
            "authorizations",
            record.clone(),
        ),
    ];
    ops.extend(ChangeRoute::operations(
        &changes(),
        g,
        "authorizations",
        &record,
    ));
    ops
}
