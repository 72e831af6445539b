//! Shared HTTP plumbing for the pages: cookies, the signed-in-user extractor, the security
//! headers and the request log. What a page is drawn with (navigation, rendering) is
//! [`crate::layout`]; error pages are [`crate::error`].

use axum::extract::FromRequestParts;
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use careloop_app::Actor;

use crate::UiState;
use crate::session::{COOKIE, Session, same_secret};

/// The value of cookie `name` in the request's `Cookie` headers.
pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, Path=/, Secure when configured.
pub(crate) fn set_cookie(state: &UiState, name: &str, value: &str, max_age: Option<u64>) -> String {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if state.config.secure_cookies {
        c.push_str("; Secure");
    }
    c
}

/// The signed-in user; pages without a live session redirect to the log-in page.
pub(crate) struct Authed(pub Session);

impl FromRequestParts<UiState> for Authed {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &UiState) -> Result<Self, Response> {
        let session =
            cookie(&parts.headers, COOKIE).and_then(|id| state.sessions.get(&id, state.now()));
        let Some(s) = session else {
            return Err(Redirect::to("/ui/login").into_response());
        };
        // The user may have been disabled (or changed) since signing in: the session ends at
        // its next request.
        match state.web.app.active_actor(&s.actor.user_id).await {
            Ok(Some(actor)) if actor == s.actor => Ok(Authed(s)),
            Ok(_) => {
                state.sessions.end(&s.id);
                Err(Redirect::to("/ui/login").into_response())
            }
            Err(e) => Err(crate::error::app_error_page(None, &e)),
        }
    }
}

impl Authed {
    pub(crate) fn actor(&self) -> &Actor {
        &self.0.actor
    }

    /// The form's CSRF token matches the session's.
    pub(crate) fn csrf_ok(&self, token: &str) -> bool {
        same_secret(&self.0.csrf, token)
    }
}

/// `/` → the UI's home.
pub(crate) async fn to_home() -> Redirect {
    Redirect::to("/ui/")
}

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Headers on every UI response: no framing, no sniffing, a strict content security policy
/// (no inline script or style), and no caching of pages with member data.
pub(crate) async fn security_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// Percent-encodes an id for a URL path segment or query value (ids are server-made, but a
/// redirect must never be steered elsewhere by one).
pub(crate) fn path_segment(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// One log line per UI request: method, route template (never the path, which may hold ids),
/// status and duration. No member data.
pub(crate) async fn log_request(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    tracing::info!(
        target: "careloop_ui",
        method = %method,
        route = %route,
        status = response.status().as_u16(),
        ms = started.elapsed().as_secs_f64() * 1000.0,
        "ui request"
    );
    response
}
