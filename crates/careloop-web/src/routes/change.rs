//! The one handler for a change on a record (`POST /api/v1/<records>/{id}/<change>`): the record
//! id from the path, If-Match (or the body's `expected_version`; both must agree), the
//! Idempotency-Key, the JSON body, then `App::change_expecting` and the record with its ETag.
//!
//! A resource declares each of its changes once, as a [`ChangeRoute`] line (operation id, path,
//! summary, and the app's input type); its `routes()` and `operations()` both read that list.

use axum::Router;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{MethodRouter, post};
use careloop_app::{Actor, Change, expected_version_of};
use schemars::generate::SchemaGenerator;
use schemars::{JsonSchema, Schema};
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::extract::{
    ApiJson, IdempotencyKey, IfMatch, RecordId, expected_version, record_response,
};
use crate::operation::Op;
use crate::problem::Problem;

/// Where the API is nested (`crate::router`); operation paths carry it, axum routes do not.
const API_PREFIX: &str = "/api/v1";

/// Runs the change `C` named by the route on the record in the path.
async fn change<C: Change + DeserializeOwned>(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
    RecordId(id): RecordId,
    IfMatch(if_match): IfMatch,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(body): ApiJson<C>,
) -> Result<Response, Problem> {
    let expected = expected_version(if_match, expected_version_of(&body)?)?;
    let record = st
        .app
        .change_expecting(&actor, &id, body, expected, key.as_deref(), st.now())
        .await?;
    Ok(record_response(StatusCode::OK, &record, None))
}

/// One change on a record, declared once for the router and the OpenAPI document.
pub(crate) struct ChangeRoute {
    op_id: &'static str,
    /// The full path, e.g. `/api/v1/authorizations/{id}/pend`.
    path: &'static str,
    summary: &'static str,
    handler: fn() -> MethodRouter<AppState>,
    request: fn(&mut SchemaGenerator) -> Schema,
}

impl ChangeRoute {
    /// `POST path` runs the app's change `C` (its body is `C`, its answer the changed record).
    pub(crate) fn post<C>(op_id: &'static str, path: &'static str, summary: &'static str) -> Self
    where
        C: Change + DeserializeOwned + JsonSchema + 'static,
    {
        ChangeRoute {
            op_id,
            path,
            summary,
            handler: || post(change::<C>),
            request: |g| g.subschema_for::<C>(),
        }
    }

    /// Adds each change's route to `router`.
    pub(crate) fn route_all(
        mut router: Router<AppState>,
        changes: &[ChangeRoute],
    ) -> Router<AppState> {
        for c in changes {
            let path = c.path.strip_prefix(API_PREFIX).unwrap_or(c.path);
            router = router.route(path, (c.handler)());
        }
        router
    }

    /// Each change's OpenAPI operation, under `tag`, answering `record`.
    pub(crate) fn operations(
        changes: &[ChangeRoute],
        g: &mut SchemaGenerator,
        tag: &'static str,
        record: &Schema,
    ) -> Vec<Op> {
        changes
            .iter()
            .map(|c| {
                let request = (c.request)(g);
                Op::post(c.op_id, c.path, c.summary, tag, request, record.clone())
            })
            .collect()
    }
}
