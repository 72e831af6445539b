//! careloop-ui: the staff web UI (issue #4, docs/ui.md).
//!
//! Server-rendered HTML (askama templates) with htmx for partial updates; every asset (htmx, CSS,
//! the countdown script) is embedded in the binary. Pages call the same `careloop_app::App` use
//! cases as the JSON API, with the signed-in user's `Actor`; the app enforces access, so a record
//! another organization may not see is a not-found page because the app says `NotFound`.
//!
//! Sign-in is a server-side session ([`session`]): an HttpOnly, SameSite=Strict cookie (Secure when
//! [`UiConfig::secure_cookies`]), a CSRF token checked on every POST form, and a log-in rate limit
//! per username ([`limit`]).
#![forbid(unsafe_code)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::todo,
    clippy::unimplemented
)]

mod assets;
mod cs_use;
mod error;
mod explain;
mod fact_words;
mod format;
mod layout;
pub mod limit;
mod pages;
pub mod session;
mod web;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::middleware::{from_fn, map_response};
use axum::routing::{get, post};
use careloop_web::AppState;
use tower::ServiceBuilder;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use crate::limit::LoginLimiter;
use crate::session::Sessions;

/// The largest form body accepted (413 beyond it).
pub const FORM_LIMIT_BYTES: usize = 64 * 1024;

/// How the UI is served.
#[derive(Clone, Debug)]
pub struct UiConfig {
    /// Mark the session cookie `Secure` (set when the UI is reached over https, e.g. behind a
    /// TLS-terminating proxy). Off for plain-http development and tests.
    pub secure_cookies: bool,
    /// How long a session lasts after log-in.
    pub session_ttl: Duration,
    /// Failed log-ins per username allowed within [`UiConfig::login_window`] before 429.
    pub login_failures_allowed: usize,
    pub login_window: Duration,
}

impl Default for UiConfig {
    fn default() -> Self {
        UiConfig {
            secure_cookies: false,
            session_ttl: Duration::from_secs(8 * 60 * 60),
            login_failures_allowed: 5,
            login_window: Duration::from_secs(60),
        }
    }
}

/// What every UI handler shares: the API's state (app, clock) plus sessions and the limiter.
#[derive(Clone)]
pub struct UiState {
    pub web: AppState,
    pub sessions: Arc<Sessions>,
    pub limiter: Arc<LoginLimiter>,
    pub config: Arc<UiConfig>,
}

impl UiState {
    pub fn new(web: AppState, config: UiConfig) -> Self {
        UiState {
            sessions: Arc::new(Sessions::new(config.session_ttl)),
            limiter: Arc::new(LoginLimiter::new(
                config.login_failures_allowed,
                config.login_window,
            )),
            web,
            config: Arc::new(config),
        }
    }

    pub(crate) fn now(&self) -> jiff::Timestamp {
        (self.web.clock)()
    }
}

/// The UI with the default configuration (plain-http cookies).
pub fn router(state: AppState) -> Router {
    router_with(UiState::new(state, UiConfig::default()))
}

/// The UI routes: `/` redirects to `/ui/`; pages under `/ui/`; assets under `/ui/assets/`. No
/// fallback is set, so this router merges into the API's router.
pub fn router_with(state: UiState) -> Router {
    Router::new()
        .route("/", get(web::to_home))
        .route("/ui", get(pages::home::home))
        .route("/ui/", get(pages::home::home))
        .route(
            "/ui/login",
            get(pages::login::login_form).post(pages::login::log_in),
        )
        .route("/ui/logout", post(pages::login::log_out))
        .route("/ui/authorizations", get(pages::queue::queue))
        .route(
            "/ui/authorizations/{id}",
            get(pages::decision::decision_page),
        )
        .route("/ui/authorizations/{id}/pend", post(pages::decision::pend))
        .route(
            "/ui/authorizations/{id}/extend",
            post(pages::decision::extend),
        )
        .route(
            "/ui/authorizations/{id}/decide",
            post(pages::decision::decide),
        )
        .route("/ui/members", get(pages::members::members))
        .route("/ui/members/{id}", get(pages::members::member_page))
        .route(
            "/ui/ecm-enrollments/{id}/outreach",
            post(pages::ecm::record_outreach),
        )
        .route(
            "/ui/ecm-enrollments/{id}/activity",
            post(pages::ecm::record_activity),
        )
        .route(
            "/ui/ecm-enrollments/{id}/lead-care-manager",
            post(pages::ecm::assign_lead_care_manager),
        )
        .route(
            "/ui/ecm-enrollments/{id}/assessment",
            post(pages::assessment::record_assessment),
        )
        .route(
            "/ui/ecm-enrollments/{id}/goal",
            post(pages::ecm::record_goal),
        )
        .route(
            "/ui/ecm-enrollments/{id}/reauthorization-request",
            post(pages::ecm::request_reauthorization),
        )
        .route("/ui/directory", get(pages::directory::directory))
        .route(
            "/ui/directory/capacity",
            post(pages::directory::record_capacity),
        )
        .route("/ui/audit", get(pages::audit::audit_log))
        .route("/ui/admin", get(pages::admin::admin))
        .route("/ui/admin/users", post(pages::admin::add_user))
        .route(
            "/ui/admin/users/{username}/disabled",
            post(pages::admin::set_disabled),
        )
        .route(
            "/ui/admin/tokens/{id}/revoke",
            post(pages::admin::revoke_token),
        )
        .route("/ui/dashboard", get(pages::dashboard::dashboard))
        .route(
            "/ui/ecm/reauthorizations",
            get(pages::reauthorizations::reauthorizations),
        )
        .route("/ui/referrals", get(pages::referrals::referrals))
        .route(
            "/ui/referrals/new",
            get(pages::intake::intake_form).post(pages::intake::intake_submit),
        )
        .route("/ui/referrals/preview", post(pages::intake::intake_preview))
        .route("/ui/referrals/{id}", get(pages::referrals::referral_page))
        .route(
            "/ui/referrals/{id}/step",
            post(pages::referral_steps::referral_step),
        )
        .route("/ui/assets/{name}", get(assets::asset))
        .route("/ui/{*rest}", get(error::unknown_page))
        .layer(
            ServiceBuilder::new()
                .layer(from_fn(web::log_request))
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::SERVICE_UNAVAILABLE,
                    careloop_web::REQUEST_TIMEOUT,
                ))
                .layer(RequestBodyLimitLayer::new(FORM_LIMIT_BYTES))
                .layer(map_response(web::security_headers)),
        )
        .with_state(state)
}
