//! Shared HTTP plumbing for the pages: cookies, the signed-in-user extractor, the navigation by
//! role, HTML rendering and the security headers.

use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Redirect, Response};
use careloop_app::access::permits;
use careloop_app::{Action, Actor, OrgKind, Role};

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

/// One navigation link.
pub(crate) struct NavLink {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// The page header: who is signed in, the links their roles may use, the log-out form's token.
pub(crate) struct Nav {
    pub username: String,
    pub org_id: String,
    pub roles: String,
    pub csrf: String,
    pub links: Vec<NavLink>,
}

/// Which area a page belongs to, for `aria-current`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Area {
    Home,
    Queue,
    Referrals,
    Members,
    Audit,
    Dashboard,
    Intake,
    Admin,
}

pub(crate) fn role_label(role: Role) -> &'static str {
    match role {
        Role::PlanUmReviewer => "UM reviewer",
        Role::PlanCareCoordinator => "Care coordinator",
        Role::PlanAdmin => "Plan admin",
        Role::ProviderCareManager => "Care manager",
        Role::ProviderAdmin => "Provider admin",
        Role::Referrer => "Referrer",
    }
}

impl Nav {
    /// Links follow the app's role rules (`access::permits`): a link is shown only when the
    /// user's roles permit the use case behind it.
    pub(crate) fn new(session: &Session, area: Area) -> Nav {
        let actor = &session.actor;
        let provider = actor.org_kind.is_provider();
        let mut links = vec![NavLink {
            href: "/ui/",
            label: "Home",
            current: area == Area::Home,
        }];
        if permits(actor, Action::ViewAuthorizationQueue) {
            links.push(NavLink {
                href: "/ui/authorizations",
                label: if provider {
                    "Our authorization requests"
                } else {
                    "Authorization queue"
                },
                current: area == Area::Queue,
            });
        }
        if permits(actor, Action::ViewReferralQueue) {
            links.push(NavLink {
                href: "/ui/referrals",
                label: "Referrals",
                current: area == Area::Referrals,
            });
        }
        if permits(actor, Action::CreateReferral) {
            links.push(NavLink {
                href: "/ui/referrals/new",
                label: "New referral",
                current: area == Area::Intake,
            });
        }
        if permits(actor, Action::ListMembers) {
            links.push(NavLink {
                href: "/ui/members",
                label: if provider { "My members" } else { "Members" },
                current: area == Area::Members,
            });
        }
        if permits(actor, Action::ViewAuthorizationQueue) {
            links.push(NavLink {
                href: "/ui/dashboard",
                label: "Dashboard",
                current: area == Area::Dashboard,
            });
        }
        if permits(actor, Action::ReadAuditLog) {
            links.push(NavLink {
                href: "/ui/audit",
                label: "Audit log",
                current: area == Area::Audit,
            });
        }
        if permits(actor, Action::ListOrganizations) && permits(actor, Action::ManageUsers) {
            links.push(NavLink {
                href: "/ui/admin",
                label: "Administration",
                current: area == Area::Admin,
            });
        }
        Nav {
            username: actor.user_id.clone(),
            org_id: actor.org_id.clone(),
            roles: actor
                .roles
                .iter()
                .map(|r| role_label(*r))
                .collect::<Vec<_>>()
                .join(", "),
            csrf: session.csrf.clone(),
            links,
        }
    }
}

pub(crate) fn org_kind_label(kind: OrgKind) -> &'static str {
    match kind {
        OrgKind::Plan => "health plan",
        OrgKind::EcmProvider => "ECM provider",
        OrgKind::CsProvider => "Community Supports provider",
        OrgKind::ReferringEntity => "referring entity",
    }
}

/// Renders a template as an HTML response with `status`.
pub(crate) fn render<T: Template>(status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "a UI template failed to render");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the page could not be rendered",
            )
                .into_response()
        }
    }
}

/// `/` → the UI's home.
pub(crate) async fn to_home() -> Redirect {
    Redirect::to("/ui/")
}

/// An unknown page under `/ui/`.
pub(crate) async fn unknown_page() -> Response {
    crate::error::plain_page(
        StatusCode::NOT_FOUND,
        "Page not found",
        "There is no page at this address.",
    )
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
