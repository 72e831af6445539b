//! The provider directory (issue #14 item 12): providers by county and service with the capacity
//! they last recorded (badges with words; a statement past the pack's window shows as stale),
//! for every signed-in user; and, for a provider's admin or care manager, the form that records
//! their own organization's capacity per service and county (picked from lists).

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use careloop_app::access::permits;
use careloop_app::{Action, DirectoryQuery, OrgKind};
use careloop_domain::capacity::{
    Capacity, CapacityStatus, known_counties, parse_service, service_id, services,
};
use careloop_domain::workflow::Program;
use jiff::civil::Date;
use serde::Deserialize;

use crate::UiState;
use crate::error::app_error_page;
use crate::format::zone;
use crate::layout::{Area, Nav, render};
use crate::pages::command::{command, invalid};
use crate::pages::given;
use crate::pages::plan_info::{
    CapacityLine, ProviderLine, capacity_line, provider_line, service_words,
};
use crate::session::random_token;
use crate::web::Authed;

#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct DirectoryParams {
    county: Option<String>,
    service: Option<String>,
    done: Option<String>,
}

/// A `<select>` option.
pub(crate) struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

fn opts(items: impl IntoIterator<Item = (String, String)>, current: &str) -> Vec<Opt> {
    items
        .into_iter()
        .map(|(value, label)| Opt {
            selected: value == current,
            value,
            label,
        })
        .collect()
}

/// The provider's own recording form and what it recorded last.
pub(crate) struct OwnCapacity {
    pub idem: String,
    pub services: Vec<Opt>,
    pub counties: Vec<Opt>,
    pub statuses: Vec<Opt>,
    pub today: String,
    pub current: Vec<CapacityLine>,
}

#[derive(Template)]
#[template(path = "directory.html")]
pub(crate) struct DirectoryPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub done: bool,
    pub counties: Vec<Opt>,
    pub services: Vec<Opt>,
    pub providers: Vec<ProviderLine>,
    pub own: Option<OwnCapacity>,
}

pub(crate) async fn directory(
    State(state): State<UiState>,
    authed: Authed,
    Query(p): Query<DirectoryParams>,
) -> Response {
    let nav = Nav::new(&authed.0, Area::Directory);
    let app = &state.web.app;
    let actor = authed.actor();
    let now = state.now();
    let county = given(&p.county).unwrap_or_default();
    let service_text = given(&p.service).unwrap_or_default();
    let query = DirectoryQuery {
        county: given(&p.county),
        service: parse_service(&service_text),
    };
    let entries = match app.provider_directory(actor, &query, now).await {
        Ok(entries) => entries,
        Err(e) => return app_error_page(Some(nav), &e),
    };
    let known: Vec<String> = known_counties(app.pack())
        .into_iter()
        .map(str::to_owned)
        .collect();
    let mut own = None;
    if actor.org_kind.is_provider() && permits(actor, Action::RecordProviderCapacity) {
        // What the organization serves, as the directory lists it (no filter).
        let all = app
            .provider_directory(actor, &DirectoryQuery::default(), now)
            .await
            .unwrap_or_default();
        let served = all
            .iter()
            .find(|e| e.org_id == actor.org_id)
            .map(|e| e.counties.clone())
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| known.clone());
        let current = match app.provider_capacity(actor, &actor.org_id, now).await {
            Ok(record) => {
                let today = today(&state);
                record
                    .entries
                    .iter()
                    .map(|c| {
                        capacity_line(&careloop_app::CapacityView {
                            freshness: careloop_domain::capacity::freshness(
                                app.pack(),
                                c.as_of,
                                today,
                            ),
                            service: c.service,
                            county: c.county.clone(),
                            status: c.status,
                            as_of: c.as_of,
                            note: c.note.clone(),
                        })
                    })
                    .collect()
            }
            Err(e) => return app_error_page(Some(nav), &e),
        };
        let offered = services().into_iter().filter(|s| match s {
            Program::Ecm => actor.org_kind == OrgKind::EcmProvider,
            Program::Cs(_) => actor.org_kind == OrgKind::CsProvider,
        });
        own = Some(OwnCapacity {
            idem: random_token().unwrap_or_default(),
            services: opts(
                offered.map(|s| (service_id(s).to_owned(), service_words(s))),
                "",
            ),
            counties: opts(served.into_iter().map(|c| (c.clone(), c)), ""),
            statuses: opts(
                CapacityStatus::ALL
                    .iter()
                    .map(|s| (s.as_str().to_owned(), s.label().to_owned())),
                "",
            ),
            today: today(&state).to_string(),
            current,
        });
    }
    let mut counties = vec![(String::new(), "Every county".to_owned())];
    counties.extend(known.into_iter().map(|c| (c.clone(), c)));
    let mut service_opts = vec![(String::new(), "Every service".to_owned())];
    service_opts.extend(
        services()
            .into_iter()
            .map(|s| (service_id(s).to_owned(), service_words(s))),
    );
    render(
        StatusCode::OK,
        &DirectoryPage {
            nav: Some(nav),
            csrf: authed.0.csrf.clone(),
            done: p.done.is_some(),
            counties: opts(counties, &county),
            services: opts(service_opts, &service_text),
            providers: entries.into_iter().map(provider_line).collect(),
            own,
        },
    )
}

fn today(state: &UiState) -> Date {
    state
        .now()
        .to_zoned(zone(&state.web.app.pack().clocks.time_zone.value))
        .date()
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct CapacityForm {
    csrf: String,
    idem: String,
    service: String,
    county: String,
    status: String,
    as_of: String,
    note: String,
}

/// Records the user's own organization's capacity (`record_capacity`; the organization is the
/// user's, never a form field).
pub(crate) async fn record_capacity(
    State(state): State<UiState>,
    authed: Authed,
    Form(f): Form<CapacityForm>,
) -> Response {
    command(&authed, Area::Directory, &f.csrf, &f.idem, async |key| {
        let service =
            parse_service(&f.service).ok_or_else(|| invalid("service", "choose a service"))?;
        let status = CapacityStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == f.status)
            .ok_or_else(|| invalid("status", "choose accepting, waitlist or full"))?;
        let as_of = f
            .as_of
            .parse::<Date>()
            .map_err(|_| invalid("as_of", "give the date as YYYY-MM-DD"))?;
        let input = Capacity {
            service,
            county: f.county.clone(),
            status,
            as_of,
            note: given(&Some(f.note.clone())),
        };
        let actor = authed.actor();
        state
            .web
            .app
            .record_capacity(actor, &actor.org_id, input, None, key, state.now())
            .await?;
        Ok(Redirect::to("/ui/directory?done=recorded#h-own").into_response())
    })
    .await
}
