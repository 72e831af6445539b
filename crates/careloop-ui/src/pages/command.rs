//! A posted command form, written once: every form that changes a record goes through
//! [`command`] (the session's CSRF token checked first, then the use case with the form's
//! idempotency key, the app's refusal shown as the error page of the form's area), so a new
//! form is its fields, their parsing and the one use case it calls. The ECM re-authorization and
//! the referral's authorization request share [`request_authorization`].

use axum::response::Response;
use careloop_app::authorization::SubmitAuthorization;
use careloop_app::{Actor, App, AppError, AuthorizationRecord, Record, checked};
use careloop_domain::clock::ClockKind;
use careloop_domain::workflow::authorization::{Requested, Service};
use careloop_store::AnyStore;
use jiff::Timestamp;
use jiff::civil::Date;

use crate::error::{app_error_page, csrf_page};
use crate::layout::{Area, Nav};
use crate::pages::given;
use crate::web::Authed;

/// Runs a posted form of `area`: a form not sent from the user's session (`csrf`) is refused
/// before anything else; then `call` runs with the form's idempotency key (`idem`, none when
/// blank) and answers the page, or the app's refusal, which becomes the area's error page.
pub(crate) async fn command(
    authed: &Authed,
    area: Area,
    csrf: &str,
    idem: &str,
    call: impl AsyncFnOnce(Option<&str>) -> Result<Response, AppError>,
) -> Response {
    let nav = || Some(Nav::new(&authed.0, area));
    if !authed.csrf_ok(csrf) {
        return csrf_page(nav());
    }
    let key = given(&Some(idem.to_owned()));
    match call(key.as_deref()).await {
        Ok(page) => page,
        Err(e) => app_error_page(nav(), &e),
    }
}

/// A refusal of a form field, in the app's words.
pub(crate) fn invalid(field: &'static str, problem: &str) -> AppError {
    AppError::Invalid {
        field,
        problem: problem.to_owned(),
    }
}

/// The form's idempotency key where the use case derives an id from it: a form without one is
/// refused.
pub(crate) fn required_key(key: Option<&str>) -> Result<&str, AppError> {
    key.ok_or_else(|| invalid("idem", "the form has no idempotency key; reload it"))
}

/// Asks the plan to authorize `service` from `start` for the member of `from` (an ECM enrollment,
/// a referral), to its plan organization, plan and county (`submit_authorization`). The request
/// id is derived from the form's idempotency key, so a resent form names (and replays) the same
/// request ([`required_key`]).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn request_authorization<S>(
    app: &App<AnyStore>,
    actor: &Actor,
    key: &str,
    from: &Record<S>,
    service: Service,
    kind: ClockKind,
    start: Date,
    now: Timestamp,
) -> Result<AuthorizationRecord, AppError> {
    let input = SubmitAuthorization {
        member_id: checked("member_id", from.member_id.as_str())?,
        plan_org_id: checked("plan_org_id", from.owners.owner_org_id.as_str())?,
        plan: from.plan_id.clone(),
        county: from
            .county
            .clone()
            .map(|c| checked("county", c))
            .transpose()?,
        service,
        kind,
        requested: Requested {
            start: Some(start),
            through: None,
            units: None,
        },
    };
    let request_id = format!("auth-{}", key.chars().take(24).collect::<String>());
    app.create(actor, &request_id, input, Some(key), now).await
}
