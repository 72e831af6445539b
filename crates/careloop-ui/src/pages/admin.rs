//! Administration (issue #4, plan and provider admins): the organizations and users the app's
//! `list_organizations` and `list_users` use cases return, and — for a plan — the Community
//! Supports it offers in each county it serves today, with effective dates and sources, from the
//! policy pack (`careloop_domain::policy::offerings`, the same function as `careloop offerings`).
//! Editing offerings as a new policy version is not built.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use careloop_domain::policy::offerings;

use crate::UiState;
use crate::error::app_error_page;
use crate::format::zone;
use crate::web::{Area, Authed, Nav, org_kind_label, render, role_label};

pub(crate) struct OrgRow {
    pub id: String,
    pub name: String,
    pub kind: &'static str,
    pub plan: String,
    pub counties: String,
}

pub(crate) struct UserRow {
    pub username: String,
    pub name: String,
    pub roles: String,
    pub disabled: bool,
}

pub(crate) struct OfferingRow {
    pub name: String,
    pub basis: String,
    pub from: String,
    pub through: String,
    pub source: String,
    pub unconfirmed: bool,
}

pub(crate) struct CountyOfferings {
    pub county: String,
    pub rows: Vec<OfferingRow>,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "admin.html")]
pub(crate) struct AdminPage {
    pub nav: Option<Nav>,
    pub orgs: Vec<OrgRow>,
    pub users: Vec<UserRow>,
    pub plan_name: String,
    pub today: String,
    pub counties: Vec<CountyOfferings>,
}

pub(crate) async fn admin(State(state): State<UiState>, authed: Authed) -> Response {
    let nav = Nav::new(&authed.0, Area::Admin);
    let app = &state.web.app;
    let now = state.now();
    let actor = authed.actor();
    let orgs = match app.list_organizations(actor, now).await {
        Ok(o) => o,
        Err(e) => return app_error_page(Some(nav), &e),
    };
    let users = match app.list_users(actor, now).await {
        Ok(u) => u,
        Err(e) => return app_error_page(Some(nav), &e),
    };
    let today = now
        .to_zoned(zone(&app.pack().clocks.time_zone.value))
        .date();
    let own_plan = orgs
        .iter()
        .find(|o| o.id == actor.org_id)
        .and_then(|o| o.plan.clone())
        .and_then(|id| app.pack().plan(&id));
    let counties = own_plan
        .map(|plan| {
            plan.counties_on(today)
                .into_iter()
                .map(
                    |county| match offerings(app.pack(), &plan.id, county, today) {
                        Ok(list) => CountyOfferings {
                            county: county.to_owned(),
                            rows: list
                                .into_iter()
                                .map(|o| OfferingRow {
                                    name: o.name,
                                    basis: o.basis.as_str().replace('-', " "),
                                    from: o.effective_from.to_string(),
                                    through: o
                                        .effective_through
                                        .map(|d| d.to_string())
                                        .unwrap_or_else(|| "open".to_owned()),
                                    source: o.source,
                                    unconfirmed: o.unconfirmed,
                                })
                                .collect(),
                            error: None,
                        },
                        Err(e) => CountyOfferings {
                            county: county.to_owned(),
                            rows: Vec::new(),
                            error: Some(e.to_string()),
                        },
                    },
                )
                .collect()
        })
        .unwrap_or_default();
    render(
        StatusCode::OK,
        &AdminPage {
            nav: Some(nav),
            orgs: orgs
                .iter()
                .map(|o| OrgRow {
                    id: o.id.clone(),
                    name: o.name.clone(),
                    kind: org_kind_label(o.kind),
                    plan: o.plan.clone().unwrap_or_default(),
                    counties: o.counties.join(", "),
                })
                .collect(),
            users: users
                .iter()
                .map(|u| UserRow {
                    username: u.username.clone(),
                    name: u.display_name.clone().unwrap_or_default(),
                    roles: u
                        .roles
                        .iter()
                        .map(|r| role_label(*r))
                        .collect::<Vec<_>>()
                        .join(", "),
                    disabled: u.disabled,
                })
                .collect(),
            plan_name: own_plan.map(|p| p.name.clone()).unwrap_or_default(),
            today: today.to_string(),
            counties,
        },
    )
}
