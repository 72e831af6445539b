//! One JSON log line per request: method, route template, status, latency, request id, user id
//! and org id. Never bodies, names, CINs, birth dates or addresses.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use careloop_app::Actor;

use crate::AppState;
use crate::problem::InternalError;

/// The authenticated user of this request, filled in by the auth middleware.
#[derive(Clone, Default)]
pub(crate) struct Who(Arc<Mutex<Option<(String, String)>>>);

impl Who {
    pub(crate) fn set(&self, actor: &Actor) {
        let mut slot = self.0.lock().unwrap_or_else(|p| p.into_inner());
        *slot = Some((actor.user_id.clone(), actor.org_id.clone()));
    }

    fn get(&self) -> (String, String) {
        let slot = self.0.lock().unwrap_or_else(|p| p.into_inner());
        slot.clone().unwrap_or_default()
    }
}

pub(crate) async fn observe(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let request_id = uuid::Uuid::now_v7().simple().to_string();
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned());
    let who = Who::default();
    request.extensions_mut().insert(who.clone());
    state.metrics.started();
    let mut response = next.run(request).await;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    state.metrics.finished(&method, &route, status, elapsed);
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", v);
    }
    let (user_id, org_id) = who.get();
    let latency_ms = elapsed.as_secs_f64() * 1000.0;
    if let Some(InternalError(cause)) = response.extensions().get::<InternalError>() {
        tracing::error!(
            request_id = %request_id,
            method = %method,
            route = %route,
            status,
            user_id = %user_id,
            org_id = %org_id,
            cause = %cause,
            "request failed inside the server"
        );
    }
    tracing::info!(
        request_id = %request_id,
        method = %method,
        route = %route,
        status,
        latency_ms,
        user_id = %user_id,
        org_id = %org_id,
        "request"
    );
    response
}
