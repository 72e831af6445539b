//! The landing page after log-in: who you are and the work your roles can do here.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;

use crate::layout::{Area, Nav, org_kind_label, render};
use crate::web::Authed;

#[derive(Template)]
#[template(path = "home.html")]
pub(crate) struct HomePage {
    pub nav: Option<Nav>,
    pub org_kind: &'static str,
    pub has_links: bool,
    pub referrer: bool,
}

pub(crate) async fn home(authed: Authed) -> Response {
    let nav = Nav::new(&authed.0, Area::Home);
    let has_links = nav.links.len() > 1;
    let actor = authed.actor();
    render(
        StatusCode::OK,
        &HomePage {
            org_kind: org_kind_label(actor.org_kind),
            referrer: actor.org_kind == careloop_app::OrgKind::ReferringEntity,
            has_links,
            nav: Some(nav),
        },
    )
}
