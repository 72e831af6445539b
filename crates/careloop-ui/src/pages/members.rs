//! Members: the list the user's organization may see (plan: its members; provider: members
//! referred, assigned or authorized to it) and the member record page. A member another
//! organization's user may not see is the not-found page (404) because the app answers NotFound.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use careloop_app::Action;
use careloop_app::access::permits;
use careloop_app::member::MemberListQuery;
use careloop_domain::workflow::ecm::CoreService;
use serde::Deserialize;

use crate::UiState;
use crate::error::app_error_page;
use crate::explain::{EligibilityView, eligibility};
use crate::format::{local, plan_name, service_label, status_words, urgency_label, zone};
use crate::layout::{Area, Nav, render};
use crate::pages::assessment::{AssessmentView, assessment_view};
use crate::pages::given;
use crate::pages::plan_info::{ChannelLine, channels};
use crate::session::random_token;
use crate::web::Authed;

/// Members per page: each member record carries its eligibility determination with the full
/// trace (tens of kB of JSON), so 50 a page measured 74 ms p50 / 101 ms p95 in a release build
/// (docs/ui.md, "Render time"); 25 keeps the page within 100 ms.
const PAGE: u32 = 25;

#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct ListParams {
    after: Option<String>,
}

pub(crate) struct MemberRow {
    pub id: String,
    pub name: String,
    pub plan: String,
    pub county: String,
    pub ecm: &'static str,
}

#[derive(Template)]
#[template(path = "members.html")]
pub(crate) struct MembersPage {
    pub nav: Option<Nav>,
    pub rows: Vec<MemberRow>,
    pub next: Option<String>,
}

fn full_name(d: &careloop_domain::workflow::member::Demographics) -> String {
    let name = [d.given_name.clone(), d.family_name.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    if name.is_empty() {
        "(no name on file)".to_owned()
    } else {
        name
    }
}

fn ecm_words(e: Option<bool>) -> &'static str {
    match e {
        Some(true) => "eligible",
        Some(false) => "not eligible",
        None => "undetermined",
    }
}

pub(crate) async fn members(
    State(state): State<UiState>,
    authed: Authed,
    Query(p): Query<ListParams>,
) -> Response {
    let nav = Nav::new(&authed.0, Area::Members);
    let query = MemberListQuery {
        limit: PAGE,
        after: given(&p.after),
    };
    match state
        .web
        .app
        .list_members(authed.actor(), query, state.now())
        .await
    {
        Ok(page) => {
            let rows = page
                .items
                .iter()
                .map(|m| MemberRow {
                    id: m.id.clone(),
                    name: full_name(&m.state.demographics),
                    plan: m.plan_id.clone().unwrap_or_default(),
                    county: m.county.clone().unwrap_or_default(),
                    ecm: ecm_words(
                        m.state
                            .determination
                            .as_ref()
                            .and_then(|d| d.determination.ecm_eligible),
                    ),
                })
                .collect();
            render(
                StatusCode::OK,
                &MembersPage {
                    nav: Some(nav),
                    rows,
                    next: page.next,
                },
            )
        }
        Err(e) => app_error_page(Some(nav), &e),
    }
}

pub(crate) struct AuthRow {
    pub id: String,
    pub service: String,
    pub urgency: &'static str,
    pub status: String,
    pub received: String,
    pub due: String,
    pub outcome: String,
}

pub(crate) struct EcmView {
    pub id: String,
    pub version: i64,
    /// The user's role may log outreach and the enrollment is not discontinued; the app still
    /// checks that the user's organization is the enrollment's provider.
    pub can_outreach: bool,
    pub idem: String,
    /// Provider work on the enrollment (activities, goals), as `can_outreach`.
    pub can_work: bool,
    /// The user may submit authorization requests and the member is enrolled.
    pub can_request_reauthorization: bool,
    pub idem_activity: String,
    pub idem_goal: String,
    pub idem_reauthorization: String,
    pub idem_assessment: String,
    /// The latest comprehensive assessment by the pack's domains (issue #16 item 4).
    pub assessment: AssessmentView,
    /// The provider's care manager may name the Lead Care Manager (an enrolled or outreach
    /// enrollment of the user's own organization), chosen from `lcm_choices`.
    pub can_assign_lcm: bool,
    pub idem_lcm: String,
    /// (username, name) of the organization's care managers, the current one first.
    pub lcm_choices: Vec<(String, String)>,
    /// How the plan takes the re-authorization request (its overlay's ECM channels; issue #14
    /// item 11).
    pub channels: Vec<ChannelLine>,
    pub goal_choices: Vec<(String, String)>,
    /// The day after the current period's last day (the requested start).
    pub next_period_start: String,
    pub status: String,
    pub provider: String,
    pub lead_care_manager: String,
    pub enrolled_on: String,
    pub reauthorization_due: String,
    pub outreach: Vec<String>,
    pub goals: Vec<String>,
    pub activities: Vec<String>,
    pub care_team: String,
}

#[derive(Template)]
#[template(path = "member.html")]
pub(crate) struct MemberPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub today: String,
    /// The seven ECM core services: (kebab value, words).
    pub core_services: Vec<(String, String)>,
    pub done: Option<&'static str>,
    pub id: String,
    pub name: String,
    pub cin: String,
    pub birth_date: String,
    pub sex: String,
    pub language: String,
    pub phone: String,
    pub address: String,
    pub plan: String,
    pub county: String,
    pub status: String,
    pub enrollments: Vec<String>,
    pub eligibility: Option<EligibilityView>,
    pub determined_at: String,
    pub authorizations: Vec<AuthRow>,
    pub ecm: Vec<EcmView>,
    /// "respite: 210 hours of 336 hours used (…)" lines (crate::cs_use::use_lines).
    pub cs_use: Vec<String>,
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct MemberParams {
    done: Option<String>,
}

/// The Lead Care Manager choices, (username, "Name (username)"), the current one first.
fn lcm_choices(people: &[careloop_app::UserView], current: Option<&str>) -> Vec<(String, String)> {
    let mut choices: Vec<(String, String)> = people
        .iter()
        .map(|u| {
            let name = u.display_name.clone().unwrap_or_else(|| u.username.clone());
            (u.username.clone(), format!("{name} ({})", u.username))
        })
        .collect();
    choices.sort_by_key(|(username, _)| Some(username.as_str()) != current);
    choices
}

pub(crate) async fn member_page(
    State(state): State<UiState>,
    authed: Authed,
    Path(id): Path<String>,
    Query(params): Query<MemberParams>,
) -> Response {
    let nav = Nav::new(&authed.0, Area::Members);
    let app = &state.web.app;
    let records = match app.member_records(authed.actor(), &id, state.now()).await {
        Ok(r) => r,
        Err(e) => return app_error_page(Some(nav), &e),
    };
    let tz = zone(&app.pack().clocks.time_zone.value);
    let today = state.now().to_zoned(tz.clone()).date();
    let m = &records.member;
    let d = &m.state.demographics;
    let (eligibility_view, determined_at) = match &m.state.determination {
        Some(sd) => (
            Some(eligibility(&sd.determination)),
            local(sd.computed_at, &tz),
        ),
        None => (None, String::new()),
    };
    let authorizations = records
        .authorizations
        .iter()
        .map(|a| AuthRow {
            id: a.id.clone(),
            service: service_label(a.state.service),
            urgency: urgency_label(a.state.kind),
            status: status_words(&a.status),
            received: a
                .state
                .received_at
                .map(|t| local(t, &tz))
                .unwrap_or_default(),
            due: a
                .state
                .due
                .as_ref()
                .map(|d| local(d.due, &tz))
                .unwrap_or_default(),
            outcome: a
                .state
                .decision
                .as_ref()
                .map(|d| {
                    let mut s = d.outcome.as_str().to_owned();
                    if let Some(r) = &d.reason {
                        s.push_str(&format!(": {r}"));
                    }
                    s
                })
                .unwrap_or_default(),
        })
        .collect();
    // The care managers of the user's own organization, for naming a Lead Care Manager; only
    // read when the user may assign one on an enrollment of its organization.
    let assigns = |e: &careloop_app::EcmEnrollmentRecord| {
        e.status != "discontinued"
            && e.state.provider_id == authed.actor().org_id
            && permits(authed.actor(), Action::AssignEcmLeadCareManager)
    };
    let lcm_people = if records.ecm_enrollments.iter().any(assigns) {
        app.lead_care_manager_choices(authed.actor(), state.now())
            .await
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let ecm = records
        .ecm_enrollments
        .iter()
        .map(|e| {
            let s = &e.state;
            let own_enrollment = s.provider_id == authed.actor().org_id;
            EcmView {
                id: e.id.clone(),
                version: e.version,
                // Affordances only: the app refuses provider work on another provider's
                // enrollment (docs/app.md, ECM enrollment) whatever the page shows.
                can_outreach: e.status != "discontinued"
                    && own_enrollment
                    && permits(authed.actor(), Action::RecordEcmOutreachAttempt),
                idem: random_token().unwrap_or_default(),
                can_work: e.status != "discontinued"
                    && own_enrollment
                    && permits(authed.actor(), Action::RecordEcmCoreServiceActivity),
                can_request_reauthorization: e.status == "enrolled"
                    && own_enrollment
                    && permits(authed.actor(), Action::SubmitAuthorization),
                idem_activity: random_token().unwrap_or_default(),
                idem_goal: random_token().unwrap_or_default(),
                idem_reauthorization: random_token().unwrap_or_default(),
                idem_assessment: random_token().unwrap_or_default(),
                assessment: assessment_view(&s.assessments, app.pack(), today),
                can_assign_lcm: assigns(e) && !lcm_people.is_empty(),
                idem_lcm: random_token().unwrap_or_default(),
                lcm_choices: lcm_choices(&lcm_people, s.lead_care_manager.as_deref()),
                channels: channels(e.plan_id.as_deref().and_then(|p| app.pack().plan(p)), true),
                goal_choices: s
                    .goals
                    .iter()
                    .map(|g| (g.goal_id.clone(), g.description.clone()))
                    .collect(),
                next_period_start: s
                    .reauthorization_due()
                    .and_then(|d| d.tomorrow().ok())
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                status: status_words(&e.status),
                provider: s.provider_id.clone(),
                lead_care_manager: s.lead_care_manager.clone().unwrap_or_default(),
                enrolled_on: s.enrolled_on.map(|d| d.to_string()).unwrap_or_default(),
                reauthorization_due: s
                    .reauthorization_due()
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                outreach: s
                    .outreach
                    .iter()
                    .map(|o| {
                        serde_json::to_value(o)
                            .map(|v| outreach_words(&v))
                            .unwrap_or_default()
                    })
                    .collect(),
                goals: s
                    .goals
                    .iter()
                    .map(|g| {
                        serde_json::to_value(g)
                            .map(|v| goal_words(&v))
                            .unwrap_or_default()
                    })
                    .collect(),
                activities: s
                    .activities
                    .iter()
                    .map(|a| {
                        serde_json::to_value(a)
                            .map(|v| activity_words(&v))
                            .unwrap_or_default()
                    })
                    .collect(),
                care_team: s
                    .care_team
                    .iter()
                    .filter_map(|c| serde_json::to_value(c).ok())
                    .map(|v| format!("{} ({})", field(&v, "person_id"), field(&v, "role")))
                    .collect::<Vec<_>>()
                    .join(", "),
            }
        })
        .collect();
    let enrollments = m
        .state
        .facts
        .enrollments
        .iter()
        .map(|e| {
            format!(
                "{} ({}), {}{}, from {}{}",
                e.plan,
                e.line_of_business,
                e.county.clone().unwrap_or_default(),
                "",
                e.start,
                e.end
                    .map(|x| format!(" through {x}"))
                    .unwrap_or_else(|| " (open)".to_owned())
            )
        })
        .collect();
    render(
        StatusCode::OK,
        &MemberPage {
            nav: Some(nav),
            csrf: authed.0.csrf.clone(),
            core_services: CoreService::ALL
                .iter()
                .map(|c| {
                    let v = serde_json::to_value(c)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default();
                    (v.clone(), capitalize_words(&v))
                })
                .collect(),
            today: state.now().to_zoned(tz.clone()).date().to_string(),
            done: match params.done.as_deref() {
                Some("outreach") => Some("Outreach attempt recorded."),
                Some("activity") => Some("Core-service activity recorded."),
                Some("goal") => Some("Care plan goal recorded."),
                Some("assessment") => Some("Comprehensive assessment recorded."),
                Some("lead-care-manager") => Some("Lead care manager named."),
                Some("reauthorization") => Some(
                    "Re-authorization request sent to the plan; it is listed under Authorizations.",
                ),
                _ => None,
            },
            id: m.id.clone(),
            name: full_name(d),
            cin: m.state.cin.clone().unwrap_or_default(),
            birth_date: m
                .state
                .facts
                .birth_date
                .map(|b| b.to_string())
                .unwrap_or_default(),
            sex: d.sex.as_deref().unwrap_or_default().to_owned(),
            language: d
                .preferred_language
                .as_deref()
                .unwrap_or_default()
                .to_owned(),
            phone: d.phone.as_deref().unwrap_or_default().to_owned(),
            address: d.address_lines.join(", "),
            plan: plan_name(app.pack(), m.plan_id.as_deref()),
            county: m.county.clone().unwrap_or_default(),
            status: m.state.status.label().to_owned(),
            enrollments,
            eligibility: eligibility_view,
            determined_at,
            authorizations,
            ecm,
            cs_use: crate::cs_use::use_lines(
                &m.id,
                m.plan_id.as_deref(),
                &records.authorizations,
                state.now().to_zoned(tz.clone()).date(),
                app.pack(),
            ),
        },
    )
}

/// A field of a stored sub-record as text (strings as is, other values as JSON).
fn field(v: &serde_json::Value, name: &str) -> String {
    match v.get(name) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// A kebab-case value of a stored sub-record in words ("non-clinical" → "non clinical").
fn words(v: &serde_json::Value, name: &str) -> String {
    field(v, name).replace('-', " ")
}

fn outreach_words(v: &serde_json::Value) -> String {
    let reached = if v.get("reached").and_then(serde_json::Value::as_bool) == Some(true) {
        "reached"
    } else {
        "not reached"
    };
    format!(
        "{}: {} ({}, {} staff) — {}",
        field(v, "date"),
        words(v, "channel"),
        words(v, "mode"),
        words(v, "staff"),
        reached
    )
}

fn goal_words(v: &serde_json::Value) -> String {
    format!(
        "{}: {} — {} (revised {})",
        v.get("goal_id")
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default(),
        field(v, "description"),
        words(v, "status"),
        field(v, "revised_on")
    )
}

fn activity_words(v: &serde_json::Value) -> String {
    format!(
        "{}: {} — {}",
        field(v, "date"),
        words(v, "service"),
        field(v, "description")
    )
}

/// "health-promotion" → "Health promotion".
fn capitalize_words(kebab: &str) -> String {
    let words = kebab.replace('-', " ");
    let mut c = words.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
