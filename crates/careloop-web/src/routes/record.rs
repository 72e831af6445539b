//! The steps every workflow resource shares. Create: the server assigns the new record's id (a
//! UUIDv7, `crate::ids::record_id`; a retry under the same Idempotency-Key replays the original
//! record), `App::create` runs the app's create input (the request body, declared once in
//! careloop-app), and the answer is 201 with the record, its ETag and its Location under `base`.
//! Read: `GET <base>/{id}` is `App::get` of the resource's aggregate, with its ETag.

use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::response::Response;
use careloop_app::{Actor, Aggregate, Create};

use crate::AppState;
use crate::extract::{RecordId, record_response};
use crate::ids::record_id;
use crate::problem::Problem;

/// Creates the record `body` describes, under a new id, and answers 201.
pub(crate) async fn created<C: Create>(
    st: &AppState,
    actor: &Actor,
    key: Option<String>,
    body: C,
    base: &str,
) -> Result<Response, Problem> {
    let record = st
        .app
        .create(actor, &record_id(), body, key.as_deref(), st.now())
        .await?;
    let location = Some(format!("{base}/{}", record.id));
    Ok(record_response(StatusCode::CREATED, &record, location))
}

/// `GET <base>/{id}`: one record of aggregate `A` (audited; NotFound for a record the caller's
/// organization may not see).
pub(crate) async fn read<A: Aggregate>(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
    RecordId(id): RecordId,
) -> Result<Response, Problem> {
    let record = st.app.get::<A>(&actor, &id, st.now()).await?;
    Ok(record_response(StatusCode::OK, &record, None))
}
