//! Error pages. A use case's refusal becomes a page with the app's own words and the status the
//! JSON API would answer (`AppError::http_status`): `NotFound` is the not-found page (404) —
//! the same text whether the record is missing or not visible to the user's organization.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use careloop_app::AppError;

use crate::layout::{Nav, render};

#[derive(Template)]
#[template(path = "error.html")]
pub(crate) struct ErrorPage {
    pub nav: Option<Nav>,
    pub title: String,
    pub message: String,
}

/// The status of an app error.
pub(crate) fn status_of(e: &AppError) -> StatusCode {
    StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// The page for a use case that did not happen.
pub(crate) fn app_error_page(nav: Option<Nav>, e: &AppError) -> Response {
    let (title, message) = match e {
        AppError::NotFound { .. } => (
            "Not found",
            "This record does not exist, or your organization may not see it.".to_owned(),
        ),
        AppError::Forbidden { .. } => (
            "Not permitted",
            format!("Your role does not permit this: {e}."),
        ),
        AppError::Unauthenticated => ("Signed out", "Please sign in again.".to_owned()),
        AppError::Store(_) => {
            tracing::error!(error = %e, "storage failed under a UI page");
            (
                "Service unavailable",
                "The database is unavailable; please try again shortly.".to_owned(),
            )
        }
        AppError::Invalid { .. }
        | AppError::Conflict { .. }
        | AppError::IdempotencyMismatch { .. } => ("Request refused", e.to_string()),
    };
    render(
        status_of(e),
        &ErrorPage {
            nav,
            title: title.to_owned(),
            message,
        },
    )
}

/// A page without a signed-in header.
pub(crate) fn plain_page(status: StatusCode, title: &str, message: &str) -> Response {
    render(
        status,
        &ErrorPage {
            nav: None,
            title: title.to_owned(),
            message: message.to_owned(),
        },
    )
}

/// A POST whose CSRF token does not match the session's.
pub(crate) fn csrf_page(nav: Option<Nav>) -> Response {
    render(
        StatusCode::FORBIDDEN,
        &ErrorPage {
            nav,
            title: "Form expired".to_owned(),
            message: "This form was not sent from your current session (CSRF check failed). \
                      Go back, reload the page and try again."
                .to_owned(),
        },
    )
}

/// An unknown page under `/ui/`.
pub(crate) async fn unknown_page() -> Response {
    plain_page(
        StatusCode::NOT_FOUND,
        "Page not found",
        "There is no page at this address.",
    )
}
