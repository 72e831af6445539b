//! Referrals (read-only slice of issue #4): open referrals by closed-loop status with who acts
//! next, how long they have waited and the closed-loop notices still owed — all from the app's
//! `referral_queue` use case — and a referral page (`get_referral`) with its notices.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use careloop_app::Action;
use careloop_app::access::permits;
use careloop_app::referral::{ReferralParty, ReferralQueueCursor, ReferralQueueQuery};
use careloop_app::{EcmAggregate, ReferralAggregate};
use careloop_domain::workflow::Program;
use serde::Deserialize;

use crate::UiState;
use crate::error::app_error_page;
use crate::format::{local, plan_name, status_words, zone};
use crate::layout::{Area, Nav, render};
use crate::pages::command::invalid;
use crate::pages::given;
use crate::pages::plan_info::{ChannelLine, channels};
use crate::web::Authed;

/// Referrals listed per page view (the use case's maximum is 1,000).
const LIMIT: u32 = 300;

#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct ReferralParams {
    waiting_on: Option<String>,
    /// The next-page cursor (`ReferralQueueCursor::encode`).
    after: Option<String>,
}

pub(crate) struct ReferralRow {
    pub id: String,
    pub member_id: String,
    pub program: String,
    pub status: String,
    pub waiting_on: &'static str,
    pub next_step: String,
    pub since: String,
    pub age: String,
    pub owed: Vec<String>,
}

#[derive(Template)]
#[template(path = "referrals.html")]
pub(crate) struct ReferralsPage {
    pub nav: Option<Nav>,
    pub waiting_on: String,
    pub rows: Vec<ReferralRow>,
    pub by_status: Vec<(String, usize)>,
    /// The next page's cursor, when more follow (the link keeps `waiting_on`).
    pub next: Option<String>,
}

pub(crate) fn program_words(p: Option<Program>) -> String {
    match p {
        Some(Program::Ecm) => "ECM".to_owned(),
        Some(Program::Cs(cs)) => format!("CS: {}", cs.as_str().replace('-', " ")),
        None => String::new(),
    }
}

fn party(p: ReferralParty) -> &'static str {
    match p {
        ReferralParty::Plan => "plan",
        ReferralParty::Provider => "provider",
    }
}

fn kebab<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(|s| s.replace('-', " ")))
        .unwrap_or_default()
}

fn age_words(hours: i64) -> String {
    if hours >= 48 {
        format!("{} days", hours / 24)
    } else {
        format!("{hours} h")
    }
}

pub(crate) async fn referrals(
    State(state): State<UiState>,
    authed: Authed,
    Query(p): Query<ReferralParams>,
) -> Response {
    let nav = Nav::new(&authed.0, Area::Referrals);
    let app = &state.web.app;
    let tz = zone(&app.pack().clocks.time_zone.value);
    let waiting_on = match p.waiting_on.as_deref() {
        Some("plan") => Some(ReferralParty::Plan),
        Some("provider") => Some(ReferralParty::Provider),
        _ => None,
    };
    let after = match given(&p.after) {
        Some(text) => match ReferralQueueCursor::decode(&text) {
            Some(c) => Some(c),
            None => {
                let e = invalid("after", "not a next-page link of this list");
                return app_error_page(Some(nav), &e);
            }
        },
        None => None,
    };
    let query = ReferralQueueQuery {
        waiting_on,
        limit: LIMIT,
        after,
    };
    let page = match app.referral_queue(authed.actor(), query, state.now()).await {
        Ok(page) => page,
        Err(e) => return app_error_page(Some(nav), &e),
    };
    let mut by_status: Vec<(String, usize)> = Vec::new();
    for item in &page.items {
        let s = status_words(&item.record.status);
        match by_status.iter_mut().find(|(k, _)| *k == s) {
            Some((_, n)) => *n += 1,
            None => by_status.push((s, 1)),
        }
    }
    let rows = page
        .items
        .iter()
        .map(|i| ReferralRow {
            id: i.record.id.clone(),
            member_id: i.record.member_id.clone(),
            program: program_words(i.record.state.program),
            status: status_words(&i.record.status),
            waiting_on: party(i.waiting_on),
            next_step: kebab(&i.next_step),
            since: local(i.since, &tz),
            age: age_words(i.age_hours),
            owed: i
                .notice_duties
                .iter()
                .filter(|d| !d.satisfied)
                .map(|d| format!("{} to the {}", kebab(&d.purpose), d.recipient.as_str()))
                .collect(),
        })
        .collect();
    render(
        StatusCode::OK,
        &ReferralsPage {
            nav: Some(nav),
            next: page.next.as_ref().map(ReferralQueueCursor::encode),
            waiting_on: p.waiting_on.unwrap_or_default(),
            rows,
            by_status,
        },
    )
}

#[derive(Template)]
#[template(path = "referral.html")]
pub(crate) struct ReferralPage {
    pub nav: Option<Nav>,
    pub done: Option<&'static str>,
    pub csrf: String,
    pub idem: String,
    pub version: i64,
    /// The app's next step on the referral (`referral_next_step`), when the user may take it.
    pub step: String,
    /// On the assignment step: the providers serving the referral's county for its program
    /// (`provider_directory`), to choose from (issue #16 item 3).
    pub providers: Vec<crate::pages::plan_info::ProviderLine>,
    /// On the authorization step: the member's authorization requests (value: id; label:
    /// service, status, received), from `member_records` (issue #16 item 3).
    pub auth_requests: Vec<(String, String)>,
    pub step_words: String,
    pub waiting_on: String,
    pub closure_reasons: Vec<(String, String)>,
    pub today: String,
    pub id: String,
    pub member_id: String,
    pub program: String,
    pub claimed_pof: String,
    pub status: String,
    pub source: String,
    pub received: String,
    pub plan: String,
    pub county: String,
    pub provider: String,
    pub declined_by: String,
    pub authorization_id: String,
    pub not_authorized_reason: String,
    pub services_started_on: String,
    pub closure: String,
    pub notices: Vec<String>,
    /// The assigned provider accepted and the plan has not recorded its authorization yet: the
    /// provider's care manager may submit the authorization request for the referred member.
    pub can_request_authorization: bool,
    /// How the plan takes the request (its overlay's channels for ECM or Community Supports),
    /// shown with the authorization request form (issue #14 item 11).
    pub channels: Vec<ChannelLine>,
    /// An authorized ECM referral: the plan's care coordinator may open the ECM enrollment.
    pub can_open_enrollment: bool,
    /// The ECM enrollment opened from this referral, when it exists.
    pub enrollment_id: String,
    /// The referral's events: (when, what, who).
    pub timeline: Vec<(String, String, String)>,
    /// The request or enrollment just created (from the redirect after the form).
    pub created_auth: String,
    pub created_ecm: String,
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct ReferralPageParams {
    done: Option<String>,
    auth: Option<String>,
    ecm: Option<String>,
}

pub(crate) async fn referral_page(
    State(state): State<UiState>,
    authed: Authed,
    Path(id): Path<String>,
    Query(params): Query<ReferralPageParams>,
) -> Response {
    let nav = Nav::new(&authed.0, Area::Referrals);
    let app = &state.web.app;
    let tz = zone(&app.pack().clocks.time_zone.value);
    let r = match app
        .get::<ReferralAggregate>(authed.actor(), &id, state.now())
        .await
    {
        Ok(r) => r,
        Err(e) => return app_error_page(Some(nav), &e),
    };
    let s = &r.state;
    // The step the app says comes next, offered only to a user whose role may take it.
    let (step, step_words, waiting_on) = match careloop_app::referral::referral_next_step(&r.status)
    {
        Some((party_next, next)) => {
            let step = kebab(&next).replace(' ', "-");
            let action = match step.as_str() {
                "eligibility-review" => Some(Action::ReviewReferralEligibility),
                "assignment" => Some(Action::AssignReferral),
                "accept-or-decline" => Some(Action::RespondToReferral),
                "authorization" => Some(Action::AuthorizeReferral),
                "start-services" => Some(Action::StartReferralServices),
                "close-loop" => Some(Action::CloseReferral),
                _ => None,
            };
            let allowed = action.is_some_and(|a| permits(authed.actor(), a));
            let words = step.replace('-', " ");
            (
                if allowed { step } else { String::new() },
                words,
                party(party_next).to_owned(),
            )
        }
        None => (String::new(), String::new(), String::new()),
    };
    let notices = s
        .notices
        .iter()
        .map(|n| {
            format!(
                "{}: {} to the {} by {} — {}",
                local(n.sent_at, &tz),
                kebab(&n.purpose),
                n.recipient.as_str(),
                n.channel.as_str(),
                n.content
            )
        })
        .collect();
    // The enrollment the plan opens from this referral has the id `ecm-{referral id}`
    // (referral_steps::open_ecm_enrollment); once it exists the page links it instead of
    // offering the form again.
    let mut can_open_enrollment = matches!(r.status.as_str(), "authorized" | "services-started")
        && s.program == Some(Program::Ecm)
        && permits(authed.actor(), Action::OpenEcmEnrollment);
    let mut enrollment_id = String::new();
    if can_open_enrollment {
        let ecm_id = format!("ecm-{}", r.id);
        match app
            .get::<EcmAggregate>(authed.actor(), &ecm_id, state.now())
            .await
        {
            Ok(e) => {
                can_open_enrollment = false;
                enrollment_id = e.id;
            }
            Err(careloop_app::AppError::NotFound { .. }) => {}
            Err(e) => return app_error_page(Some(nav), &e),
        }
    }
    let timeline = match app
        .referral_timeline(authed.actor(), &r.id, state.now())
        .await
    {
        Ok(t) => t
            .into_iter()
            .map(|e| (local(e.at, &tz), status_words(&e.event_type), e.actor))
            .collect(),
        Err(e) => return app_error_page(Some(nav), &e),
    };
    let providers = match s.program {
        Some(program) if step == "assignment" => {
            let county = r.county.as_deref().unwrap_or_default();
            crate::pages::plan_info::providers(app, authed.actor(), county, program, state.now())
                .await
        }
        _ => Vec::new(),
    };
    let auth_requests = if step == "authorization" {
        app.member_records(authed.actor(), &r.member_id, state.now())
            .await
            .map(|m| {
                m.authorizations
                    .iter()
                    .map(|a| {
                        let received = a.state.received_at.map(|t| local(t, &tz));
                        let label = format!(
                            "{} — {} — received {}",
                            crate::format::service_label(a.state.service),
                            status_words(&a.status),
                            received.unwrap_or_default()
                        );
                        (a.id.clone(), label)
                    })
                    .collect()
            })
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    render(
        StatusCode::OK,
        &ReferralPage {
            nav: Some(nav),
            done: match params.done.as_deref() {
                Some("created") => Some("Referral received. The plan reviews eligibility next."),
                Some("step") => Some("Recorded."),
                Some("requested") => {
                    Some("Authorization request submitted to the plan for the referred member.")
                }
                Some("enrollment") => Some("ECM enrollment opened with the assigned provider."),
                _ => None,
            },
            csrf: authed.0.csrf.clone(),
            idem: crate::session::random_token().unwrap_or_default(),
            version: r.version,
            step,
            providers,
            auth_requests,
            step_words,
            waiting_on,
            closure_reasons: app
                .pack()
                .workflow
                .closure_reasons
                .iter()
                .map(|c| (c.value.clone(), c.value.replace('-', " ")))
                .collect(),
            today: state.now().to_zoned(tz.clone()).date().to_string(),
            id: r.id.clone(),
            member_id: r.member_id.clone(),
            program: program_words(s.program),
            claimed_pof: s.claimed_pof.clone().unwrap_or_default(),
            status: status_words(&r.status),
            source: s
                .referrer
                .as_ref()
                .map(|x| {
                    let mut t = kebab(&x.source);
                    if let Some(name) = &x.name {
                        t.push_str(&format!(" — {name}"));
                    }
                    t
                })
                .unwrap_or_default(),
            received: s.received_at.map(|t| local(t, &tz)).unwrap_or_default(),
            plan: plan_name(app.pack(), r.plan_id.as_deref()),
            county: r.county.clone().unwrap_or_default(),
            provider: s.provider_id.clone().unwrap_or_default(),
            declined_by: s.declined_by.join(", "),
            authorization_id: s.authorization_id.clone().unwrap_or_default(),
            not_authorized_reason: s.not_authorized_reason.clone().unwrap_or_default(),
            services_started_on: s
                .services_started_on
                .map(|d| d.to_string())
                .unwrap_or_default(),
            closure: s
                .closure
                .as_ref()
                .map(|c| {
                    format!(
                        "{} on {} ({})",
                        c.reason.replace('-', " "),
                        local(c.closed_at, &tz),
                        c.citation.source
                    )
                })
                .unwrap_or_default(),
            notices,
            can_request_authorization: r.status == "accepted-by-provider"
                && permits(authed.actor(), Action::SubmitAuthorization),
            channels: channels(
                r.plan_id.as_deref().and_then(|p| app.pack().plan(p)),
                s.program == Some(Program::Ecm),
            ),
            can_open_enrollment,
            enrollment_id,
            timeline,
            created_auth: params.auth.clone().unwrap_or_default(),
            created_ecm: params.ecm.clone().unwrap_or_default(),
        },
    )
}
