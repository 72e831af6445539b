//! The ECM re-authorization work queue (issue #16, ECM lead care manager and plan care
//! coordinator): enrolled members whose 6-month authorization period ends within the look-ahead
//! (`workflow.toml reauthorization_lookahead_days`) or has ended, soonest first, from the app's
//! `ecm_reauthorization_queue` use case (which scopes it to the user's organization and audits
//! each row read). Each row links to the member, where the request is sent.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use careloop_app::ecm::{EcmReauthorizationItem, EcmReauthorizationQueueQuery};

use crate::UiState;
use crate::error::app_error_page;
use crate::format::plan_name;
use crate::layout::{Area, Nav, render};
use crate::web::Authed;

/// Rows read per use-case call, and at most this many calls per page view.
const PAGE: u32 = 500;
const MAX_PAGES: usize = 4;

pub(crate) struct Row {
    pub member_id: String,
    pub enrollment_id: String,
    pub plan: String,
    pub county: String,
    pub provider: String,
    pub lead_care_manager: String,
    pub due: String,
    pub left: String,
    pub class: &'static str,
    pub badge: &'static str,
    pub citation: String,
}

#[derive(Template)]
#[template(path = "reauthorizations.html")]
pub(crate) struct ReauthorizationsPage {
    pub nav: Option<Nav>,
    pub rows: Vec<Row>,
    pub overdue: usize,
    pub lookahead_days: u32,
    pub truncated: bool,
}

fn days_words(days_left: i64) -> String {
    match days_left {
        d if d < -1 => format!("{} days overdue", -d),
        -1 => "1 day overdue".to_owned(),
        0 => "due today".to_owned(),
        1 => "1 day left".to_owned(),
        d => format!("{d} days left"),
    }
}

fn row(state: &UiState, item: EcmReauthorizationItem) -> Row {
    let pack = state.web.app.pack();
    // Overdue or not is the domain's (`reauthorizations_due`); the page adds no threshold.
    let (class, badge) = if item.entry.overdue {
        ("overdue", "Overdue")
    } else {
        ("on-track", "Due")
    };
    let s = &item.record.state;
    Row {
        member_id: item.entry.member_id,
        enrollment_id: item.entry.enrollment_id,
        plan: plan_name(pack, s.plan.as_deref()),
        county: item.record.county.clone().unwrap_or_default(),
        provider: s.provider_id.clone(),
        lead_care_manager: s
            .lead_care_manager
            .clone()
            .unwrap_or_else(|| "not named".to_owned()),
        due: item.entry.due.to_string(),
        left: days_words(item.entry.days_left),
        class,
        badge,
        citation: item.entry.citation.source,
    }
}

pub(crate) async fn reauthorizations(State(state): State<UiState>, authed: Authed) -> Response {
    let nav = Nav::new(&authed.0, Area::Reauthorizations);
    let now = state.now();
    let app = &state.web.app;
    let mut rows = Vec::new();
    let mut after = None;
    let mut truncated = false;
    for n in 0..MAX_PAGES {
        let query = EcmReauthorizationQueueQuery {
            plan_id: None,
            county: None,
            limit: PAGE,
            after,
        };
        let page = match app
            .ecm_reauthorization_queue(authed.actor(), query, now)
            .await
        {
            Ok(page) => page,
            Err(e) => return app_error_page(Some(nav), &e),
        };
        rows.extend(page.items.into_iter().map(|i| row(&state, i)));
        after = page.next;
        if after.is_none() {
            break;
        }
        truncated = n + 1 == MAX_PAGES;
    }
    let overdue = rows.iter().filter(|r| r.class == "overdue").count();
    let lookahead_days = app.pack().workflow.reauthorization_lookahead_days.value;
    let page = ReauthorizationsPage {
        nav: Some(nav),
        rows,
        overdue,
        lookahead_days,
        truncated,
    };
    render(StatusCode::OK, &page)
}
