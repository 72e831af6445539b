//! Bearer authentication: every `/api/v1` route needs `Authorization: Bearer <token>`.
//! The token is checked by an [`Authenticator`]; the actor it yields goes to the use case.

use std::future::Future;
use std::pin::Pin;

use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

use careloop_app::{Actor, App, AppError};
use careloop_store::Store;
use jiff::Timestamp;

use crate::AppState;
use crate::logging::Who;
use crate::problem::Problem;

/// A boxed, sendable future.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Turns a bearer token into the actor it belongs to: [`AppTokens`] in the server; tests may
/// use doubles.
pub trait Authenticator: Send + Sync + 'static {
    fn bearer(&self, token: &str, now: Timestamp) -> BoxFuture<'_, Result<Actor, AppError>>;
}

/// The API tokens stored by careloop-app (`App::authenticate_token`: SHA-256 lookup, expiry,
/// disabled users; every failure is `AppError::Unauthenticated`).
pub struct AppTokens<S: Store>(pub Arc<App<S>>);

impl<S: Store + 'static> Authenticator for AppTokens<S> {
    fn bearer(&self, token: &str, now: Timestamp) -> BoxFuture<'_, Result<Actor, AppError>> {
        let token = token.to_owned();
        Box::pin(async move { self.0.authenticate_token(&token, now).await })
    }
}

/// The token of `Authorization: Bearer <token>`, when well formed.
fn bearer_token(request: &Request) -> Option<&str> {
    let value = request.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Middleware on `/api/v1`: 401 (with `WWW-Authenticate: Bearer`) unless the token names an
/// actor, which handlers then take as `Extension<Actor>`.
pub(crate) async fn require_bearer(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let Some(token) = bearer_token(&request) else {
        return Problem::unauthenticated("missing bearer token", None).into_response();
    };
    let actor = match state.auth.bearer(token, state.now()).await {
        Ok(actor) => actor,
        // The store being down is not the caller's fault.
        Err(e @ AppError::Store(_)) => return Problem::from(e).into_response(),
        Err(_) => {
            return Problem::unauthenticated(
                "the bearer token is not valid",
                Some("invalid_token"),
            )
            .into_response();
        }
    };
    if let Some(who) = request.extensions().get::<Who>() {
        who.set(&actor);
    }
    request.extensions_mut().insert(actor);
    next.run(request).await
}
