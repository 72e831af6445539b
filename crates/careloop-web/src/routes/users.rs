//! `/api/v1/users`: an admin lists, creates, disables and re-enables the users of their own
//! organization. The password in a create body is hashed once and never stored, echoed or
//! logged (the body type's `Debug` redacts it; the request log never carries bodies).

use std::fmt;

use axum::Router;
use axum::extract::{Extension, Path, State};
use axum::http::header::LOCATION;
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use careloop_app::{Actor, NewUser, Role, UserView};
use schemars::JsonSchema;
use schemars::generate::SchemaGenerator;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::extract::{ApiJson, IdempotencyKey, QueryString, json_response};
use crate::operation::Op;
use crate::problem::Problem;
use crate::routes::organizations::{IdentityListParams, identity_list_params};

const BASE: &str = "/api/v1/users";

/// A new user of the caller's organization. The answer never carries the password.
#[derive(Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserBody {
    /// 1..=100 characters, no spaces; the user's id.
    #[schemars(extend("minLength" = 1, "maxLength" = 100, "pattern" = careloop_app::identity::IDENTITY_ID_PATTERN))]
    pub username: String,
    #[serde(default)]
    #[schemars(with = "Option<careloop_domain::text::Line>")]
    pub display_name: Option<String>,
    /// The caller's own organization (the default); another organization is 403.
    #[serde(default)]
    #[schemars(extend("minLength" = 1, "maxLength" = 100, "pattern" = careloop_app::identity::IDENTITY_ID_PATTERN))]
    pub org_id: Option<String>,
    /// At least one; each must fit the organization kind.
    #[schemars(extend("minItems" = 1))]
    pub roles: Vec<Role>,
    /// 12..=1024 characters; hashed with Argon2id, never stored or shown.
    #[schemars(extend("writeOnly" = true, "minLength" = 12, "maxLength" = 1024))]
    pub password: String,
}

impl fmt::Debug for CreateUserBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreateUserBody")
            .field("username", &self.username)
            .field("org_id", &self.org_id)
            .field("roles", &self.roles)
            .field("password", &"<redacted>")
            .finish_non_exhaustive()
    }
}

/// No fields: an empty body (or `{}`).
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoFields {}

/// The users of the caller's organization, in username order.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct UserList {
    pub items: Vec<UserView>,
    /// Pass as `after` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/users", get(list).post(create))
        .route("/users/{username}/disable", post(disable))
        .route("/users/{username}/enable", post(enable))
}

async fn list(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
    QueryString(p): QueryString<IdentityListParams>,
) -> Result<Response, Problem> {
    let page = st.app.list_users(&actor, p.query()?, st.now()).await?;
    let (items, next) = (page.items, page.next);
    Ok(json_response(StatusCode::OK, &UserList { items, next }))
}

async fn create(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(body): ApiJson<CreateUserBody>,
) -> Result<Response, Problem> {
    let input = NewUser {
        username: body.username,
        display_name: body.display_name,
        org_id: body.org_id.unwrap_or_else(|| actor.org_id.clone()),
        roles: body.roles,
        password: body.password,
    };
    let user = st
        .app
        .create_user(&actor, input, key.as_deref(), st.now())
        .await?;
    let mut response = json_response(StatusCode::CREATED, &user);
    if let Ok(v) = HeaderValue::from_str(&format!("{BASE}/{}", user.username)) {
        response.headers_mut().insert(LOCATION, v);
    }
    Ok(response)
}

async fn set_disabled(
    st: &AppState,
    actor: &Actor,
    username: &str,
    disabled: bool,
) -> Result<Response, Problem> {
    let user = st
        .app
        .set_user_disabled(actor, username, disabled, st.now())
        .await?;
    Ok(json_response(StatusCode::OK, &user))
}

async fn disable(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(username): Path<String>,
    ApiJson(NoFields {}): ApiJson<NoFields>,
) -> Result<Response, Problem> {
    set_disabled(&st, &actor, &username, true).await
}

async fn enable(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(username): Path<String>,
    ApiJson(NoFields {}): ApiJson<NoFields>,
) -> Result<Response, Problem> {
    set_disabled(&st, &actor, &username, false).await
}

/// The OpenAPI operations of this module.
pub(crate) fn operations(g: &mut SchemaGenerator) -> Vec<Op> {
    let user = g.subschema_for::<UserView>();
    let no_fields = g.subschema_for::<NoFields>();
    vec![
        Op::get(
            "listUsers",
            BASE,
            "The users of the caller's organization (admins; audited)",
            "identity",
            g.subschema_for::<UserList>(),
        )
        .query(identity_list_params()),
        Op::post(
            "createUser",
            BASE,
            "Create a user of the caller's organization (plan or provider admin); the password is never echoed",
            "identity",
            g.subschema_for::<CreateUserBody>(),
            user.clone(),
        )
        .created(),
        Op::post(
            "disableUser",
            "/api/v1/users/{username}/disable",
            "Disable a user of the caller's organization: no sign-in, tokens refused (repeating it answers the same)",
            "identity",
            no_fields.clone(),
            user.clone(),
        ),
        Op::post(
            "enableUser",
            "/api/v1/users/{username}/enable",
            "Re-enable a disabled user of the caller's organization (repeating it answers the same)",
            "identity",
            no_fields,
            user,
        ),
    ]
}
