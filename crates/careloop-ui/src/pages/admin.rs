//! Administration (issue #4, plan and provider admins): the organizations and users the app's
//! `list_organizations` and `list_users` use cases return, and — for a plan — the Community
//! Supports it offers in each county it serves today, with effective dates and sources, from the
//! policy pack (`careloop_domain::policy::offerings`, the same function as `careloop offerings`).
//! Editing offerings as a new policy version is not built. Admins add users to their own
//! organization (`create_user`: username, name, one role that fits the organization, initial
//! password) and disable or re-enable them (`set_user_disabled`); the app checks the role and
//! the organization, hashes the password (Argon2id) and audits. The API tokens of the
//! organization's users (issue #12: `list_tokens`, paged by id like the users) are listed with their expiry and status, each
//! by a prefix of its id (the SHA-256 of the token, never the secret), and an active one can be
//! revoked (`revoke_token`): it stops working at once.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use careloop_app::identity::NewUser;
use careloop_app::{IdentityListQuery, IdentityPage, Role, TokenStatus};
use careloop_domain::policy::offerings;
use serde::Deserialize;

use crate::UiState;
use crate::error::app_error_page;
use crate::format::{local, zone};
use crate::layout::{Area, Nav, org_kind_label, render, role_label};
use crate::pages::command::{command, invalid};
use crate::pages::given;
use crate::session::random_token;
use crate::web::{Authed, path_segment};

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

pub(crate) struct TokenRow {
    /// The token's id: the SHA-256 hex of the token (not the secret).
    pub id: String,
    /// The first 12 hex digits of the id, as shown.
    pub short_id: String,
    pub username: String,
    pub name: String,
    pub created: String,
    pub expires: String,
    pub status: &'static str,
    pub active: bool,
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
    /// The last organization id shown, when more follow (the next-page link).
    pub orgs_next: Option<String>,
    pub users: Vec<UserRow>,
    /// The last username shown, when more follow.
    pub users_next: Option<String>,
    /// API tokens of the organization's users (admins), one page in id order.
    pub tokens: Vec<TokenRow>,
    /// The last token id shown, when more follow.
    pub tokens_next: Option<String>,
    pub plan_name: String,
    pub today: String,
    pub counties: Vec<CountyOfferings>,
    pub csrf: String,
    pub idem: String,
    /// The user may manage users (the app's `ManageUsers`).
    pub can_manage: bool,
    /// Roles that fit the user's organization: (kebab value, label).
    pub role_choices: Vec<(String, &'static str)>,
    pub done: Option<&'static str>,
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct AdminParams {
    done: Option<String>,
    /// Next-page cursors of the organization and user lists (the last id shown).
    orgs_after: Option<String>,
    users_after: Option<String>,
    tokens_after: Option<String>,
}

/// Organizations or users listed per page view.
const PAGE: u32 = 100;

pub(crate) async fn admin(
    State(state): State<UiState>,
    authed: Authed,
    Query(params): Query<AdminParams>,
) -> Response {
    let nav = Nav::new(&authed.0, Area::Admin);
    let app = &state.web.app;
    let now = state.now();
    let actor = authed.actor();
    let page = |after: &Option<String>| IdentityListQuery {
        limit: PAGE,
        after: given(after),
    };
    let orgs = match app
        .list_organizations(actor, page(&params.orgs_after), now)
        .await
    {
        Ok(o) => o,
        Err(e) => return app_error_page(Some(nav), &e),
    };
    let users = match app.list_users(actor, page(&params.users_after), now).await {
        Ok(u) => u,
        Err(e) => return app_error_page(Some(nav), &e),
    };
    // The own organization's plan, whatever page of the list it falls on.
    let own = match app.own_organization(actor).await {
        Ok(o) => o,
        Err(e) => return app_error_page(Some(nav), &e),
    };
    let tz = zone(&app.pack().clocks.time_zone.value);
    let today = now.to_zoned(tz.clone()).date();
    let can_manage = careloop_app::access::permits(actor, careloop_app::Action::ManageUsers);
    let tokens = if can_manage {
        match app
            .list_tokens(actor, None, page(&params.tokens_after), now)
            .await
        {
            Ok(t) => t,
            Err(e) => return app_error_page(Some(nav), &e),
        }
    } else {
        IdentityPage {
            items: Vec::new(),
            next: None,
        }
    };
    let own_plan = own.and_then(|o| o.plan).and_then(|id| app.pack().plan(&id));
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
            orgs_next: orgs.next.clone(),
            users_next: users.next.clone(),
            tokens_next: tokens.next.clone(),
            orgs: orgs
                .items
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
                .items
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
            tokens: tokens
                .items
                .iter()
                .map(|t| TokenRow {
                    id: t.id.clone(),
                    short_id: t.id.chars().take(12).collect(),
                    username: t.username.clone(),
                    name: t.name.clone(),
                    created: local(t.created_at, &tz),
                    expires: t
                        .expires_at
                        .map_or_else(|| "never".to_owned(), |e| local(e, &tz)),
                    status: match t.status {
                        TokenStatus::Active => "active",
                        TokenStatus::Expired => "expired",
                        TokenStatus::Revoked => "revoked",
                    },
                    active: t.status == TokenStatus::Active,
                })
                .collect(),
            plan_name: own_plan.map(|p| p.name.clone()).unwrap_or_default(),
            today: today.to_string(),
            counties,
            csrf: authed.0.csrf.clone(),
            idem: random_token().unwrap_or_default(),
            can_manage,
            role_choices: [
                Role::PlanUmReviewer,
                Role::PlanCareCoordinator,
                Role::PlanAdmin,
                Role::ProviderCareManager,
                Role::ProviderAdmin,
                Role::Referrer,
            ]
            .into_iter()
            .filter(|r| r.fits(actor.org_kind))
            .map(|r| (role_value(r), role_label(r)))
            .collect(),
            done: match params.done.as_deref() {
                Some("added") => Some("User added."),
                Some("disabled") => {
                    Some("User disabled: they can no longer sign in or use their tokens.")
                }
                Some("enabled") => Some("User enabled. Their old API tokens stay revoked."),
                Some("revoked") => Some("Token revoked: it no longer works."),
                _ => None,
            },
        },
    )
}

fn role_value(r: Role) -> String {
    serde_json::to_value(r)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct AddUserForm {
    csrf: String,
    idem: String,
    username: String,
    display_name: String,
    role: String,
    password: String,
}

/// Adds a user to the admin's own organization (`create_user`).
pub(crate) async fn add_user(
    State(state): State<UiState>,
    authed: Authed,
    Form(f): Form<AddUserForm>,
) -> Response {
    command(&authed, Area::Admin, &f.csrf, &f.idem, async |key| {
        let role = serde_json::from_value::<Role>(serde_json::Value::String(f.role.clone()))
            .map_err(|_| invalid("roles", "choose a role"))?;
        let actor = authed.actor();
        let input = NewUser {
            username: f.username.trim().to_owned(),
            display_name: given(&Some(f.display_name.clone())),
            org_id: actor.org_id.clone(),
            roles: vec![role],
            password: f.password.clone(),
        };
        state
            .web
            .app
            .create_user(actor, input, key, state.now())
            .await?;
        Ok(Redirect::to("/ui/admin?done=added#h-users").into_response())
    })
    .await
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct DisableForm {
    csrf: String,
    /// "yes" disables, anything else enables.
    disabled: String,
}

/// Disables or re-enables a user of the admin's own organization (`set_user_disabled`).
pub(crate) async fn set_disabled(
    State(state): State<UiState>,
    authed: Authed,
    Path(username): Path<String>,
    Form(f): Form<DisableForm>,
) -> Response {
    // `set_user_disabled` takes no idempotency key.
    command(&authed, Area::Admin, &f.csrf, "", async |_| {
        let disabled = f.disabled == "yes";
        let u = state
            .web
            .app
            .set_user_disabled(authed.actor(), &username, disabled, state.now())
            .await?;
        Ok(Redirect::to(&format!(
            "/ui/admin?done={}#user-{}",
            if u.disabled { "disabled" } else { "enabled" },
            path_segment(&u.username)
        ))
        .into_response())
    })
    .await
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct RevokeTokenForm {
    csrf: String,
}

/// Revokes an API token of a user of the admin's organization (`revoke_token`).
pub(crate) async fn revoke_token(
    State(state): State<UiState>,
    authed: Authed,
    Path(id): Path<String>,
    Form(f): Form<RevokeTokenForm>,
) -> Response {
    // `revoke_token` takes no idempotency key.
    command(&authed, Area::Admin, &f.csrf, "", async |_| {
        state
            .web
            .app
            .revoke_token(authed.actor(), &id, state.now())
            .await?;
        Ok(Redirect::to("/ui/admin?done=revoked#h-tokens").into_response())
    })
    .await
}
