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
use crate::layout::{Area, Nav};
use crate::pages::given;
use crate::web::Authed;

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

/// Parses a kebab-case value of a domain enum (`"health-promotion"`) as the app's JSON does.
fn kebab_value<T: serde::de::DeserializeOwned>(
    field: &'static str,
    s: &str,
) -> Result<T, AppError> {
    serde_json::from_value(serde_json::Value::String(s.to_owned()))
        .map_err(|_| invalid(field, &format!("{s:?} is not one of the choices")))
}

fn date(field: &'static str, s: &str) -> Result<Date, AppError> {
    s.trim()
        .parse::<Date>()
        .map_err(|_| invalid(field, "not a date (YYYY-MM-DD)"))
}

fn back_to_member(member_id: &str, done: &str) -> Response {
    Redirect::to(&format!(
        "/ui/members/{}?done={done}",
        crate::web::path_segment(member_id)
    ))
    .into_response()
}

#[derive(Deserialize)]
pub(crate) struct ActivityForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    idem: String,
    #[serde(default)]
    version: Option<i64>,
    #[serde(default)]
    service: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    description: String,
}

/// An activity under one of the seven ECM core services (`record_core_service_activity`).
pub(crate) async fn record_activity(
    State(state): State<UiState>,
    authed: Authed,
    Path(id): Path<String>,
    Form(f): Form<ActivityForm>,
) -> Response {
    let nav = || Some(Nav::new(&authed.0, Area::Members));
    if !authed.csrf_ok(&f.csrf) {
        return csrf_page(nav());
    }
    let parsed = (|| {
        Ok::<_, AppError>(careloop_app::ecm::RecordCoreServiceActivity {
            service: kebab_value("service", &f.service)?,
            date: date("date", &f.date)?,
            description: f.description.clone(),
            expected_version: f.version,
        })
    })();
    let input = match parsed {
        Ok(i) => i,
        Err(e) => return app_error_page(nav(), &e),
    };
    let key = given(&Some(f.idem.clone()));
    match state
        .web
        .app
        .record_core_service_activity(authed.actor(), &id, input, key.as_deref(), state.now())
        .await
    {
        Ok(record) => back_to_member(&record.member_id, "activity"),
        Err(e) => app_error_page(nav(), &e),
    }
}

#[derive(Deserialize)]
pub(crate) struct GoalForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    idem: String,
    #[serde(default)]
    version: Option<i64>,
    /// Empty for a new goal; an existing goal's id revises it.
    #[serde(default)]
    goal_id: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    revised_on: String,
}

/// Adds or revises a care plan goal (`record_care_plan_goal`).
pub(crate) async fn record_goal(
    State(state): State<UiState>,
    authed: Authed,
    Path(id): Path<String>,
    Form(f): Form<GoalForm>,
) -> Response {
    let nav = || Some(Nav::new(&authed.0, Area::Members));
    if !authed.csrf_ok(&f.csrf) {
        return csrf_page(nav());
    }
    // A new goal's id comes from the form's idempotency key, so a resent form names the same goal.
    let goal_id = match given(&Some(f.goal_id.clone())) {
        Some(g) => g,
        None => format!("goal-{}", f.idem.chars().take(12).collect::<String>()),
    };
    let parsed = (|| {
        Ok::<_, AppError>(careloop_app::ecm::RecordCarePlanGoal {
            goal_id,
            description: f.description.clone(),
            status: kebab_value("status", &f.status)?,
            revised_on: date("revised_on", &f.revised_on)?,
            expected_version: f.version,
        })
    })();
    let input = match parsed {
        Ok(i) => i,
        Err(e) => return app_error_page(nav(), &e),
    };
    let key = given(&Some(f.idem.clone()));
    match state
        .web
        .app
        .record_care_plan_goal(authed.actor(), &id, input, key.as_deref(), state.now())
        .await
    {
        Ok(record) => back_to_member(&record.member_id, "goal"),
        Err(e) => app_error_page(nav(), &e),
    }
}

#[derive(Deserialize)]
pub(crate) struct ReauthorizationForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    idem: String,
    #[serde(default)]
    urgency: String,
    #[serde(default)]
    start: String,
}

/// The provider asks the plan to re-authorize ECM: an `ecm-reauthorization` authorization
/// request through `submit_authorization` (docs/app.md: re-authorization itself is the plan's
/// decision). The request goes to the enrollment's plan organization.
pub(crate) async fn request_reauthorization(
    State(state): State<UiState>,
    authed: Authed,
    Path(id): Path<String>,
    Form(f): Form<ReauthorizationForm>,
) -> Response {
    let nav = || Some(Nav::new(&authed.0, Area::Members));
    if !authed.csrf_ok(&f.csrf) {
        return csrf_page(nav());
    }
    let app = &state.web.app;
    let now = state.now();
    let enrollment = match app.get_ecm_enrollment(authed.actor(), &id, now).await {
        Ok(e) => e,
        Err(e) => return app_error_page(nav(), &e),
    };
    let parsed = (|| {
        Ok::<_, AppError>((
            kebab_value::<careloop_domain::clock::ClockKind>("urgency", &f.urgency)?,
            date("start", &f.start)?,
        ))
    })();
    let (kind, start) = match parsed {
        Ok(p) => p,
        Err(e) => return app_error_page(nav(), &e),
    };
    let Some(key) = given(&Some(f.idem.clone())) else {
        return app_error_page(
            nav(),
            &invalid("idem", "the form has no idempotency key; reload it"),
        );
    };
    let input = careloop_app::authorization::SubmitAuthorization {
        // Derived from the form's key: a resent form names (and replays) the same request.
        request_id: format!("auth-{}", key.chars().take(24).collect::<String>()),
        member_id: enrollment.member_id.clone(),
        plan_org_id: enrollment.owners.owner_org_id.clone(),
        plan: enrollment.plan_id.clone(),
        county: enrollment.county.clone(),
        service: careloop_domain::workflow::authorization::Service::EcmReauthorization,
        kind,
        requested: careloop_domain::workflow::authorization::Requested {
            start: Some(start),
            through: None,
            units: None,
        },
    };
    match app
        .submit_authorization(authed.actor(), input, Some(&key), now)
        .await
    {
        Ok(record) => back_to_member(&record.member_id, "reauthorization"),
        Err(e) => app_error_page(nav(), &e),
    }
}
