//! Provider care manager: log an ECM outreach attempt from the member record (issue #4), through
//! the app's `record_outreach_attempt` use case (which checks that the user's organization is the
//! enrollment's provider and that the enrollment accepts outreach).

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use careloop_app::AppError;
use careloop_app::ecm::RecordOutreachAttempt;
use careloop_domain::workflow::Channel;
use careloop_domain::workflow::ecm::{ContactMode, StaffType};
use jiff::civil::Date;
use serde::Deserialize;

use crate::UiState;
use crate::error::{app_error_page, csrf_page};
use crate::pages::given;
use crate::web::{Area, Authed, Nav};

#[derive(Deserialize)]
pub(crate) struct OutreachForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    idem: String,
    #[serde(default)]
    version: Option<i64>,
    #[serde(default)]
    date: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    mode: String,
    #[serde(default)]
    staff: String,
    /// A checkbox: present when reached.
    #[serde(default)]
    reached: Option<String>,
}

fn invalid(field: &'static str, problem: &str) -> AppError {
    AppError::Invalid {
        field,
        problem: problem.to_owned(),
    }
}

fn input(f: &OutreachForm) -> Result<RecordOutreachAttempt, AppError> {
    let date = f
        .date
        .trim()
        .parse::<Date>()
        .map_err(|_| invalid("date", "not a date (YYYY-MM-DD)"))?;
    let channel = match f.channel.as_str() {
        "phone" => Channel::Phone,
        "in-person" => Channel::InPerson,
        "mail" => Channel::Mail,
        "email" => Channel::Email,
        "sms" => Channel::Sms,
        "portal" => Channel::Portal,
        _ => return Err(invalid("channel", "choose how the member was contacted")),
    };
    let mode = match f.mode.as_str() {
        "in-person" => ContactMode::InPerson,
        "telephonic" => ContactMode::Telephonic,
        _ => return Err(invalid("mode", "choose in person or telephonic")),
    };
    let staff = match f.staff.as_str() {
        "clinical" => StaffType::Clinical,
        "non-clinical" => StaffType::NonClinical,
        _ => return Err(invalid("staff", "choose clinical or non-clinical staff")),
    };
    Ok(RecordOutreachAttempt {
        date,
        channel,
        mode,
        staff,
        reached: f.reached.is_some(),
        expected_version: f.version,
    })
}

pub(crate) async fn record_outreach(
    State(state): State<UiState>,
    authed: Authed,
    Path(id): Path<String>,
    Form(f): Form<OutreachForm>,
) -> Response {
    let nav = || Some(Nav::new(&authed.0, Area::Members));
    if !authed.csrf_ok(&f.csrf) {
        return csrf_page(nav());
    }
    let attempt = match input(&f) {
        Ok(a) => a,
        Err(e) => return app_error_page(nav(), &e),
    };
    let key = given(&Some(f.idem.clone()));
    match state
        .web
        .app
        .record_outreach_attempt(authed.actor(), &id, attempt, key.as_deref(), state.now())
        .await
    {
        Ok(record) => Redirect::to(&format!(
            "/ui/members/{}?done=outreach",
            crate::web::path_segment(&record.member_id)
        ))
        .into_response(),
        Err(e) => app_error_page(nav(), &e),
    }
}
