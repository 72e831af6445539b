//! The one handler for a change on a record (`POST /api/v1/<records>/{id}/<change>`): the record
//! id from the path, If-Match (or the body's `expected_version`; both must agree), the
//! Idempotency-Key, the JSON body, then `App::change` and the record with its ETag.
//!
//! A resource declares each of its changes once, as a [`crate::routes::resource::Resource`] row
//! (the app's input type, the path segment and the summary); its routes and its OpenAPI
//! operations both read that row.

use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::response::Response;
use careloop_app::{Actor, Change, Versioned};
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::extract::{
    ApiJson, IdempotencyKey, IfMatch, RecordId, expected_version, record_response,
};
use crate::problem::Problem;

/// Runs the change `C` named by the route on the record in the path.
pub(crate) async fn change<C: Change + DeserializeOwned>(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
    RecordId(id): RecordId,
    IfMatch(if_match): IfMatch,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(body): ApiJson<Versioned<C>>,
) -> Result<Response, Problem> {
    let expected = expected_version(if_match, body.expected_version)?;
    let input = body.input.expecting(expected);
    let record = st
        .app
        .change(&actor, &id, input, key.as_deref(), st.now())
        .await?;
    Ok(record_response(StatusCode::OK, &record, None))
}
