//! Plan admin: the audit log (who read or changed which record, when) through the app's
//! `audit_log` use case, which only plan admins may call.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use careloop_app::AuditQuery;
use serde::Deserialize;

use crate::UiState;
use crate::error::app_error_page;
use crate::format::{local, zone};
use crate::layout::{Area, Nav, render};
use crate::pages::given;
use crate::web::Authed;

const PAGE: u32 = 100;

#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct AuditParams {
    member_id: Option<String>,
    user: Option<String>,
    after: Option<i64>,
}

pub(crate) struct AuditRow {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub org_id: String,
    pub action: String,
    pub record: String,
    pub member_id: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
pub(crate) struct AuditPageView {
    pub nav: Option<Nav>,
    pub member_id: String,
    pub user: String,
    pub rows: Vec<AuditRow>,
    pub next: Option<String>,
}

pub(crate) async fn audit_log(
    State(state): State<UiState>,
    authed: Authed,
    Query(p): Query<AuditParams>,
) -> Response {
    let nav = Nav::new(&authed.0, Area::Audit);
    let app = &state.web.app;
    let tz = zone(&app.pack().clocks.time_zone.value);
    let query = AuditQuery {
        actor: given(&p.user),
        member_id: given(&p.member_id),
        record_kind: None,
        record_id: None,
        after_seq: p.after.unwrap_or(0),
        limit: PAGE,
    };
    match app.audit_log(authed.actor(), query, state.now()).await {
        Ok(page) => {
            let rows = page
                .items
                .iter()
                .map(|a| AuditRow {
                    seq: a.seq,
                    at: local(a.at, &tz),
                    actor: a.actor.clone(),
                    // The user's organization (the log may hold another organization's
                    // refused attempt on this organization's records).
                    org_id: a.actor_org_id.clone().unwrap_or_else(|| a.org_id.clone()),
                    action: a.action.clone(),
                    record: format!("{} {}", a.record_kind, a.record_id),
                    member_id: a.member_id.clone().unwrap_or_default(),
                })
                .collect();
            let member_id = given(&p.member_id).unwrap_or_default();
            let user = given(&p.user).unwrap_or_default();
            let next = page.next_after_seq.map(|seq| {
                let mut q = format!("after={seq}");
                if !member_id.is_empty() {
                    q.push_str(&format!(
                        "&member_id={}",
                        crate::web::path_segment(&member_id)
                    ));
                }
                if !user.is_empty() {
                    q.push_str(&format!("&user={}", crate::web::path_segment(&user)));
                }
                q
            });
            render(
                StatusCode::OK,
                &AuditPageView {
                    nav: Some(nav),
                    member_id,
                    user,
                    rows,
                    next,
                },
            )
        }
        Err(e) => app_error_page(Some(nav), &e),
    }
}
