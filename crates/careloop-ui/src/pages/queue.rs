//! The authorization work queue (issue #4, UM reviewer): open requests by due time from the
//! app's queue use case, each classified by the app (on track / at risk under 24 h / overdue),
//! with a live countdown. Plan and county filter in the use case's query; service, urgency and
//! status narrow the listed page here (display filters, not access rules).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use careloop_app::authorization::{AuthorizationQueueItem, AuthorizationQueueQuery};
use careloop_domain::CsId;
use careloop_domain::clock::ClockKind;
use serde::Deserialize;

use crate::UiState;
use crate::error::app_error_page;
use crate::format::{
    local, queue_status, service_key, service_label, status_words, time_left, urgency_label, zone,
};
use crate::layout::{Area, Nav, render};
use crate::pages::given;
use crate::web::Authed;

/// Queue items read per use-case call, and at most this many calls per page view.
const PAGE: u32 = 500;
const MAX_PAGES: usize = 20;
/// Rows shown.
const SHOWN: usize = 300;

#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct Filters {
    plan: Option<String>,
    county: Option<String>,
    service: Option<String>,
    urgency: Option<String>,
    status: Option<String>,
}

pub(crate) struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

fn choices(items: Vec<(String, String)>, current: &Option<String>) -> Vec<Choice> {
    items
        .into_iter()
        .map(|(value, label)| Choice {
            selected: current.as_deref() == Some(value.as_str()),
            value,
            label,
        })
        .collect()
}

pub(crate) struct Row {
    pub id: String,
    pub member_id: String,
    pub service: String,
    pub urgency: &'static str,
    pub status: String,
    pub received: String,
    pub due: String,
    pub due_rfc3339: String,
    pub left: String,
    pub class: &'static str,
    pub badge: &'static str,
}

#[derive(Template)]
#[template(path = "queue.html")]
pub(crate) struct QueuePage {
    pub nav: Option<Nav>,
    pub plans: Vec<Choice>,
    pub county: String,
    pub services: Vec<Choice>,
    pub urgencies: Vec<Choice>,
    pub statuses: Vec<Choice>,
    pub rows: Vec<Row>,
    pub overdue: usize,
    pub at_risk: usize,
    pub on_track: usize,
    pub truncated: bool,
    pub now: String,
}

fn keep(item: &AuthorizationQueueItem, f: &Filters) -> bool {
    let state = &item.record.state;
    let service_ok = given(&f.service)
        .is_none_or(|s| state.service.map(service_key).as_deref() == Some(s.as_str()));
    let urgency_ok =
        given(&f.urgency).is_none_or(|u| state.kind.map(ClockKind::as_str) == Some(u.as_str()));
    let status_ok = given(&f.status).is_none_or(|s| item.record.status == s);
    service_ok && urgency_ok && status_ok
}

pub(crate) async fn queue(
    State(state): State<UiState>,
    authed: Authed,
    Query(f): Query<Filters>,
) -> Response {
    let nav = Nav::new(&authed.0, Area::Queue);
    let now = state.now();
    let app = &state.web.app;
    let tz = zone(&app.pack().clocks.time_zone.value);
    let mut items = Vec::new();
    let mut after = None;
    let mut truncated = false;
    for _ in 0..MAX_PAGES {
        let page = match app
            .authorization_queue(
                authed.actor(),
                AuthorizationQueueQuery {
                    at_risk_only: false,
                    plan_id: given(&f.plan),
                    county: given(&f.county),
                    limit: PAGE,
                    after,
                },
                now,
            )
            .await
        {
            Ok(page) => page,
            Err(e) => return app_error_page(Some(nav), &e),
        };
        items.extend(page.items.into_iter().filter(|i| keep(i, &f)));
        after = page.next;
        if after.is_none() {
            break;
        }
        if items.len() >= SHOWN {
            truncated = true;
            break;
        }
    }
    if items.len() > SHOWN {
        truncated = true;
        items.truncate(SHOWN);
    }
    let mut counts = (0, 0, 0);
    let rows = items
        .iter()
        .map(|i| {
            let (class, badge) = queue_status(i.entry.status);
            match class {
                "overdue" => counts.0 += 1,
                "at-risk" => counts.1 += 1,
                _ => counts.2 += 1,
            }
            let s = &i.record.state;
            Row {
                id: i.record.id.clone(),
                member_id: i.record.member_id.clone(),
                service: service_label(s.service),
                urgency: urgency_label(s.kind),
                status: status_words(&i.record.status),
                received: s.received_at.map(|t| local(t, &tz)).unwrap_or_default(),
                due: local(i.entry.due, &tz),
                due_rfc3339: i.entry.due.to_string(),
                left: time_left(i.entry.minutes_left),
                class,
                badge,
            }
        })
        .collect();
    let plans = app
        .pack()
        .plans
        .iter()
        .map(|p| (p.id.clone(), p.name.clone()))
        .collect();
    let mut services = vec![
        ("ecm-initial".to_owned(), "ECM, initial".to_owned()),
        (
            "ecm-reauthorization".to_owned(),
            "ECM, re-authorization".to_owned(),
        ),
    ];
    services.extend(CsId::ALL.iter().map(|cs| {
        (
            format!("cs-{}", cs.as_str()),
            format!("CS: {}", cs.as_str().replace('-', " ")),
        )
    }));
    let urgencies = ClockKind::ALL
        .iter()
        .map(|k| (k.as_str().to_owned(), urgency_label(Some(*k)).to_owned()))
        .collect();
    let statuses = vec![
        ("received".to_owned(), "Received".to_owned()),
        (
            "pended-for-information".to_owned(),
            "Pended for information".to_owned(),
        ),
    ];
    render(
        StatusCode::OK,
        &QueuePage {
            nav: Some(nav),
            plans: choices(plans, &f.plan),
            county: given(&f.county).unwrap_or_default(),
            services: choices(services, &f.service),
            urgencies: choices(urgencies, &f.urgency),
            statuses: choices(statuses, &f.status),
            rows,
            overdue: counts.0,
            at_risk: counts.1,
            on_track: counts.2,
            truncated,
            now: local(now, &tz),
        },
    )
}
