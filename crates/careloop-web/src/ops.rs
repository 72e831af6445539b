//! Health, readiness and metrics.

use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use careloop_store::Store;

use crate::AppState;
use crate::extract::json_response;
use crate::problem::Problem;

/// The process is up.
pub(crate) async fn healthz() -> Response {
    json_response(StatusCode::OK, &serde_json::json!({ "status": "ok" }))
}

/// The store answers a cheap query.
pub(crate) async fn readyz(State(state): State<AppState>) -> Response {
    match state.app.store().ping().await {
        Ok(()) => json_response(StatusCode::OK, &serde_json::json!({ "status": "ready" })),
        Err(e) => {
            let mut p = Problem::from(careloop_app::AppError::Store(e));
            p.detail = "the database is not reachable".to_owned();
            p.into_response()
        }
    }
}

pub(crate) async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        state.metrics.render(),
    )
        .into_response()
}
