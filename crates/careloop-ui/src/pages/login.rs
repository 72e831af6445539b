//! Log in and log out. The log-in form carries a CSRF token bound to a short-lived cookie (there
//! is no session yet); a successful log-in starts a server-side session (crate::session) and
//! sets its cookie; each attempt is reserved against the per-username limit before the password
//! check (crate::limit) and the page never says whether the username exists.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::{HeaderMap, SET_COOKIE};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use careloop_app::AppError;
use serde::Deserialize;

use crate::UiState;
use crate::error::{app_error_page, csrf_page, plain_page};
use crate::layout::{Nav, render};
use crate::session::{COOKIE, LOGIN_CSRF_COOKIE, random_token, same_secret};
use crate::web::{Authed, cookie, set_cookie};

#[derive(Template)]
#[template(path = "login.html")]
pub(crate) struct LoginPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub username: String,
    pub error: Option<String>,
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct LoginForm {
    username: String,
    password: String,
    csrf: String,
}

/// The form with a fresh log-in CSRF token (also set as a 10-minute cookie).
fn form_page(
    state: &UiState,
    status: StatusCode,
    username: &str,
    error: Option<String>,
) -> Response {
    let Ok(csrf) = random_token() else {
        return plain_page(
            StatusCode::SERVICE_UNAVAILABLE,
            "Service unavailable",
            "No random source; try again.",
        );
    };
    let cookie = set_cookie(state, LOGIN_CSRF_COOKIE, &csrf, Some(600));
    let page = render(
        status,
        &LoginPage {
            nav: None,
            csrf,
            username: username.to_owned(),
            error,
        },
    );
    ([(SET_COOKIE, cookie)], page).into_response()
}

pub(crate) async fn login_form(State(state): State<UiState>) -> Response {
    form_page(&state, StatusCode::OK, "", None)
}

pub(crate) async fn log_in(
    State(state): State<UiState>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let expected = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if !same_secret(&expected, &form.csrf) {
        return csrf_page(None);
    }
    let now = state.now();
    let username = form.username.trim().to_owned();
    // Reserve the attempt before the password check (issue #12): parallel attempts cannot all
    // pass a check that only counts finished failures.
    if !state.limiter.reserve(&username, now) {
        tracing::warn!("UI log-in refused by the rate limit");
        return form_page(
            &state,
            StatusCode::TOO_MANY_REQUESTS,
            &username,
            Some(
                "Too many failed log-ins for this username. Wait a minute, then try again."
                    .to_owned(),
            ),
        );
    }
    match state
        .web
        .app
        .authenticate_password(&username, &form.password, now)
        .await
    {
        Ok(actor) => {
            state.limiter.succeeded(&username);
            let Ok(session) = state.sessions.start(actor, now) else {
                return plain_page(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Service unavailable",
                    "No random source; try again.",
                );
            };
            let ttl = state.config.session_ttl.as_secs();
            (
                // Two Set-Cookie headers: AppendHeaders keeps both.
                AppendHeaders([
                    (
                        SET_COOKIE,
                        set_cookie(&state, COOKIE, &session.id, Some(ttl)),
                    ),
                    (
                        SET_COOKIE,
                        set_cookie(&state, LOGIN_CSRF_COOKIE, "", Some(0)),
                    ),
                ]),
                Redirect::to("/ui/"),
            )
                .into_response()
        }
        // The reservation already counts this failure.
        Err(AppError::Unauthenticated) => form_page(
            &state,
            StatusCode::UNAUTHORIZED,
            &username,
            Some("The username or password is not right.".to_owned()),
        ),
        Err(e) => {
            state.limiter.release(&username, now);
            app_error_page(None, &e)
        }
    }
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct LogoutForm {
    csrf: String,
}

pub(crate) async fn log_out(
    State(state): State<UiState>,
    authed: Authed,
    Form(form): Form<LogoutForm>,
) -> Response {
    if !authed.csrf_ok(&form.csrf) {
        return csrf_page(None);
    }
    state.sessions.end(&authed.0.id);
    (
        [(SET_COOKIE, set_cookie(&state, COOKIE, "", Some(0)))],
        Redirect::to("/ui/login"),
    )
        .into_response()
}
