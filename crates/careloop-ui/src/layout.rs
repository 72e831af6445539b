//! What every page is drawn with: the header navigation by role and the rendering of a template
//! into a response. A leaf under the pages, the error pages and the HTTP plumbing ([`crate::web`]),
//! so none of them imports another in a loop.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use careloop_app::access::permits;
use careloop_app::{Action, OrgKind, Role};

use crate::session::Session;

/// One navigation link.
pub(crate) struct NavLink {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// The page header: who is signed in, the links their roles may use, the log-out form's token.
pub(crate) struct Nav {
    pub username: String,
    pub org_id: String,
    pub roles: String,
    pub csrf: String,
    pub links: Vec<NavLink>,
}

/// Which area a page belongs to, for `aria-current`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Area {
    Home,
    Queue,
    Referrals,
    Members,
    Audit,
    Dashboard,
    Reauthorizations,
    Intake,
    Directory,
    Admin,
}

pub(crate) fn role_label(role: Role) -> &'static str {
    match role {
        Role::PlanUmReviewer => "UM reviewer",
        Role::PlanCareCoordinator => "Care coordinator",
        Role::PlanAdmin => "Plan admin",
        Role::ProviderCareManager => "Care manager",
        Role::ProviderAdmin => "Provider admin",
        Role::Referrer => "Referrer",
    }
}

/// The navigation: (href, label, area, the use cases the user's roles must permit), in menu
/// order. The queue and members labels are a provider's own words for a provider (`Nav::new`).
#[rustfmt::skip]
const MENU: [(&str, &str, Area, &[Action]); 10] = [
    ("/ui/", "Home", Area::Home, &[]),
    ("/ui/authorizations", "Authorization queue", Area::Queue, &[Action::ViewAuthorizationQueue]),
    ("/ui/referrals", "Referrals", Area::Referrals, &[Action::ViewReferralQueue]),
    ("/ui/referrals/new", "New referral", Area::Intake, &[Action::CreateReferral]),
    ("/ui/directory", "Provider directory", Area::Directory, &[Action::ReadProviderDirectory]),
    ("/ui/members", "Members", Area::Members, &[Action::ListMembers]),
    ("/ui/ecm/reauthorizations", "Re-authorizations", Area::Reauthorizations, &[Action::ViewEcmReauthorizationQueue]),
    ("/ui/dashboard", "Dashboard", Area::Dashboard, &[Action::ViewAuthorizationQueue]),
    ("/ui/audit", "Audit log", Area::Audit, &[Action::ReadAuditLog]),
    ("/ui/admin", "Administration", Area::Admin, &[Action::ListOrganizations, Action::ManageUsers]),
];

impl Nav {
    /// Links follow the app's role rules (`access::permits`): a link is shown only when the
    /// user's roles permit the use case behind it.
    pub(crate) fn new(session: &Session, area: Area) -> Nav {
        let actor = &session.actor;
        let provider = actor.org_kind.is_provider();
        let queue = if provider {
            "Our authorization requests"
        } else {
            "Authorization queue"
        };
        let members = if provider { "My members" } else { "Members" };
        let links = MENU
            .iter()
            .filter(|(_, _, _, needs)| needs.iter().all(|a| permits(actor, *a)))
            .map(|&(href, label, link_area, _)| NavLink {
                href,
                label: match link_area {
                    Area::Queue => queue,
                    Area::Members => members,
                    _ => label,
                },
                current: area == link_area,
            })
            .collect();
        Nav {
            username: actor.user_id.clone(),
            org_id: actor.org_id.clone(),
            roles: actor
                .roles
                .iter()
                .map(|r| role_label(*r))
                .collect::<Vec<_>>()
                .join(", "),
            csrf: session.csrf.clone(),
            links,
        }
    }
}

pub(crate) fn org_kind_label(kind: OrgKind) -> &'static str {
    match kind {
        OrgKind::Plan => "health plan",
        OrgKind::EcmProvider => "ECM provider",
        OrgKind::CsProvider => "Community Supports provider",
        OrgKind::ReferringEntity => "referring entity",
    }
}

/// Renders a template as an HTML response with `status`.
pub(crate) fn render<T: Template>(status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "a UI template failed to render");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the page could not be rendered",
            )
                .into_response()
        }
    }
}
