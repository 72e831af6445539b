//! Provider care manager: log an ECM outreach attempt from the member record (issue #4), through
//! the app's `record_outreach_attempt` use case (which checks that the user's organization is the
//! enrollment's provider and that the enrollment accepts outreach).

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use careloop_app::EcmAggregate;
use careloop_app::ecm::RecordOutreachAttempt;
use careloop_app::{AppError, Change, Versioned};
use careloop_domain::clock::ClockKind;
use careloop_domain::workflow::Channel;
use careloop_domain::workflow::authorization::Service;
use careloop_domain::workflow::ecm::{ContactMode, StaffType};
use jiff::civil::Date;
use serde::Deserialize;

use crate::UiState;
use crate::layout::Area;
use crate::pages::command::{command, invalid, request_authorization, required_key};
use crate::pages::given;
use crate::web::Authed;

#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct OutreachForm {
    csrf: String,
    idem: String,
    version: Option<i64>,
    date: String,
    channel: String,
    mode: String,
    staff: String,
    /// A checkbox: present when reached.
    reached: Option<String>,
}

fn input(f: &OutreachForm) -> Result<Versioned<RecordOutreachAttempt>, AppError> {
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
    }
    .expecting(f.version))
}

pub(crate) async fn record_outreach(
    State(state): State<UiState>,
    authed: Authed,
    Path(id): Path<String>,
    Form(f): Form<OutreachForm>,
) -> Response {
    command(&authed, Area::Members, &f.csrf, &f.idem, async |key| {
        let attempt = input(&f)?;
        let record = state
            .web
            .app
            .change(authed.actor(), &id, attempt, key, state.now())
            .await?;
        Ok(back_to_member(&record.member_id, "outreach"))
    })
    .await
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

#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct ActivityForm {
    csrf: String,
    idem: String,
    version: Option<i64>,
    service: String,
    date: String,
    description: String,
}

/// An activity under one of the seven ECM core services (`record_core_service_activity`).
pub(crate) async fn record_activity(
    State(state): State<UiState>,
    authed: Authed,
    Path(id): Path<String>,
    Form(f): Form<ActivityForm>,
) -> Response {
    command(&authed, Area::Members, &f.csrf, &f.idem, async |key| {
        let input = careloop_app::ecm::RecordCoreServiceActivity {
            service: kebab_value("service", &f.service)?,
            date: date("date", &f.date)?,
            description: f.description.clone(),
        }
        .expecting(f.version);
        let record = state
            .web
            .app
            .change(authed.actor(), &id, input, key, state.now())
            .await?;
        Ok(back_to_member(&record.member_id, "activity"))
    })
    .await
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct GoalForm {
    csrf: String,
    idem: String,
    version: Option<i64>,
    /// Empty for a new goal; an existing goal's id revises it.
    goal_id: String,
    description: String,
    status: String,
    revised_on: String,
}

/// Adds or revises a care plan goal (`record_care_plan_goal`).
pub(crate) async fn record_goal(
    State(state): State<UiState>,
    authed: Authed,
    Path(id): Path<String>,
    Form(f): Form<GoalForm>,
) -> Response {
    command(&authed, Area::Members, &f.csrf, &f.idem, async |key| {
        // A new goal's id comes from the form's idempotency key, so a resent form names the same
        // goal.
        let goal_id = match given(&Some(f.goal_id.clone())) {
            Some(g) => g,
            None => format!("goal-{}", f.idem.chars().take(12).collect::<String>()),
        };
        let input = careloop_app::ecm::RecordCarePlanGoal {
            goal_id,
            description: f.description.clone(),
            status: kebab_value("status", &f.status)?,
            revised_on: date("revised_on", &f.revised_on)?,
        }
        .expecting(f.version);
        let record = state
            .web
            .app
            .change(authed.actor(), &id, input, key, state.now())
            .await?;
        Ok(back_to_member(&record.member_id, "goal"))
    })
    .await
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct ReauthorizationForm {
    csrf: String,
    idem: String,
    urgency: String,
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
    command(&authed, Area::Members, &f.csrf, &f.idem, async |key| {
        let app = &state.web.app;
        let now = state.now();
        let enrollment = app.get::<EcmAggregate>(authed.actor(), &id, now).await?;
        let kind = kebab_value::<ClockKind>("urgency", &f.urgency)?;
        let start = date("start", &f.start)?;
        let key = required_key(key)?;
        let service = Service::EcmReauthorization;
        let record = request_authorization(
            app,
            authed.actor(),
            key,
            &enrollment,
            service,
            kind,
            start,
            now,
        )
        .await?;
        Ok(back_to_member(&record.member_id, "reauthorization"))
    })
    .await
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct LeadCareManagerForm {
    csrf: String,
    idem: String,
    version: Option<i64>,
    /// A username picked from the organization's care managers (never typed).
    person_id: String,
}

/// Names the enrollment's Lead Care Manager (`AssignLeadCareManager`; the app resolves the
/// chosen user as an active user of the enrollment's provider).
pub(crate) async fn assign_lead_care_manager(
    State(state): State<UiState>,
    authed: Authed,
    Path(id): Path<String>,
    Form(f): Form<LeadCareManagerForm>,
) -> Response {
    command(&authed, Area::Members, &f.csrf, &f.idem, async |key| {
        let input = careloop_app::ecm::AssignLeadCareManager {
            person_id: f.person_id.trim().to_owned(),
        }
        .expecting(f.version);
        let record = state
            .web
            .app
            .change(authed.actor(), &id, input, key, state.now())
            .await?;
        Ok(back_to_member(&record.member_id, "lead-care-manager"))
    })
    .await
}
