//! careloop-web: the HTTP API over the careloop-app use cases (issue #3 §4, docs/api.md).
//!
//! JSON in and out; every `/api/v1` route needs `Authorization: Bearer <token>` (checked through
//! an [`auth::Authenticator`]); the actor goes to the use case, which enforces access. Errors are
//! RFC 9457 `application/problem+json` ([`problem::Problem`]). Ops: `/healthz`, `/readyz`,
//! `/metrics`; the OpenAPI 3.1 document at `/api/openapi.json`, a browsable page at `/api/docs`.
#![forbid(unsafe_code)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::todo,
    clippy::unimplemented
)]

pub mod auth;
mod extract;
pub mod headers;
mod ids;
mod logging;
pub mod metrics;
pub mod openapi;
mod operation;
mod ops;
mod paging;
pub mod problem;
mod routes;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::get;
use careloop_app::App;
use careloop_store::AnyStore;
use jiff::Timestamp;
use tower::ServiceBuilder;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

pub use auth::{Authenticator, BoxFuture};
pub use metrics::Metrics;

/// The largest request body accepted (413 beyond it).
pub const BODY_LIMIT_BYTES: usize = 1024 * 1024;
/// A request taking longer is answered 503 (problem+json).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Where `now` comes from; tests fix it.
pub type Clock = Arc<dyn Fn() -> Timestamp + Send + Sync>;

/// The wall clock.
pub fn system_clock() -> Clock {
    Arc::new(Timestamp::now)
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub app: Arc<App<AnyStore>>,
    pub auth: Arc<dyn Authenticator>,
    pub clock: Clock,
    pub metrics: Arc<Metrics>,
}

impl AppState {
    /// State over `app`, authenticating with `auth`, on the wall clock.
    pub fn new(app: Arc<App<AnyStore>>, auth: Arc<dyn Authenticator>) -> Self {
        AppState {
            app,
            auth,
            clock: system_clock(),
            metrics: Arc::new(Metrics::default()),
        }
    }

    /// The same state with another clock.
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    pub(crate) fn now(&self) -> Timestamp {
        (self.clock)()
    }
}

/// The whole HTTP surface.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .merge(routes::authorizations::routes())
        .merge(routes::referrals::routes())
        .merge(routes::queues::routes())
        .merge(routes::audit::routes())
        .merge(routes::organizations::routes())
        .merge(routes::users::routes())
        .merge(routes::tokens::routes())
        .merge(routes::members::routes())
        .merge(routes::ecm::routes())
        .route_layer(from_fn_with_state(state.clone(), auth::require_bearer));
    Router::new()
        .nest("/api/v1", api)
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .route("/api/openapi.json", get(openapi::openapi_json))
        .route("/api/docs", get(openapi::docs_page))
        .route("/api/docs.js", get(openapi::docs_js))
        .route("/api/docs.css", get(openapi::docs_css))
        .fallback(problem::no_route)
        .method_not_allowed_fallback(problem::method_not_allowed)
        .layer(
            ServiceBuilder::new()
                .layer(from_fn_with_state(state.clone(), logging::observe))
                .layer(from_fn(headers::security_headers))
                .layer(from_fn(problem::problemify))
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::SERVICE_UNAVAILABLE,
                    REQUEST_TIMEOUT,
                ))
                .layer(RequestBodyLimitLayer::new(BODY_LIMIT_BYTES)),
        )
        .with_state(state)
}

/// Where to listen.
#[derive(Clone, Debug)]
pub struct ServeConfig {
    pub bind: SocketAddr,
}

/// Binds `config.bind` and serves until SIGTERM or Ctrl-C.
pub async fn serve(config: ServeConfig, state: AppState) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(config.bind).await?;
    serve_listener(listener, state).await
}

/// Serves on a bound listener until SIGTERM or Ctrl-C, finishing the requests in flight.
pub async fn serve_listener(
    listener: tokio::net::TcpListener,
    state: AppState,
) -> anyhow::Result<()> {
    serve_router(listener, router(state)).await
}

/// Serves `app` (the API's [`router`], possibly merged with other routes such as the staff UI)
/// on a bound listener until SIGTERM or Ctrl-C, finishing the requests in flight.
pub async fn serve_router(listener: tokio::net::TcpListener, app: Router) -> anyhow::Result<()> {
    let addr = listener.local_addr()?;
    tracing::info!(%addr, "careloop API listening");
    axum::serve(headers::ProblemListener(listener), app)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    tracing::info!("careloop API stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

/// JSON logs (one object a line) on stderr; `RUST_LOG` filters (default `info`).
pub fn init_json_logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // A second call (tests) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_current_span(false)
        .try_init();
}
