//! `/api/v1/tokens` (issue #12): a user lists, creates and revokes its own API tokens; a plan or
//! provider admin those of its organization's users. A token is listed by its id, the SHA-256
//! hex of the secret (never the secret); the secret is in the create answer only, once. A
//! revoked token is refused at once.
//!
//! Token creation is not replayed under an Idempotency-Key: the secret is never stored, so a
//! retry creates another token (the first, if it was never received, can be listed and revoked).

use std::fmt;

use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Path, Query, State};
use axum::http::header::LOCATION;
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use careloop_app::{Actor, IdentityListQuery, TokenView};
use schemars::JsonSchema;
use schemars::generate::SchemaGenerator;
use serde::{Deserialize, Serialize};

use super::users::NoFields;
use crate::AppState;
use crate::extract::{ApiJson, IdempotencyKey, json_response};
use crate::operation::{Op, QueryParam};
use crate::paging::{self, MAX_LIMIT};
use crate::problem::Problem;

const BASE: &str = "/api/v1/tokens";

/// A new API token.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTokenBody {
    /// What the token is for, 1..=200 characters, e.g. "intake-portal".
    #[schemars(extend("minLength" = 1, "maxLength" = 200, "pattern" = careloop_domain::text::LINE_PATTERN))]
    pub name: String,
    /// Whose token: the caller (the default), or — for a plan or provider admin — a user of
    /// the caller's organization.
    #[serde(default)]
    #[schemars(extend("minLength" = 1, "maxLength" = 100, "pattern" = careloop_app::identity::IDENTITY_ID_PATTERN))]
    pub username: Option<String>,
    /// Lifetime in days, 1..=366 (default 90).
    #[serde(default)]
    #[schemars(range(min = 1, max = 366))]
    pub expires_in_days: Option<i64>,
}

/// A created token: `token` is the secret, shown only in this answer.
#[derive(Clone, Serialize, JsonSchema)]
pub struct CreatedToken {
    /// `cl_` + 64 hex digits; send it as `Authorization: Bearer …`. Not shown again.
    pub token: String,
    pub info: TokenView,
}

impl fmt::Debug for CreatedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreatedToken")
            .field("token", &"<redacted>")
            .field("info", &self.info)
            .finish()
    }
}

/// Tokens the caller may see, in id order.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct TokenList {
    pub items: Vec<TokenView>,
    /// Pass as `after` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// The list's query string: `username` and the identity lists' paging (`limit`, `after`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListParams {
    #[serde(default)]
    username: Option<String>,
    #[serde(default, deserialize_with = "crate::extract::whole_u32")]
    limit: Option<u32>,
    #[serde(default)]
    after: Option<String>,
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/tokens", get(list).post(create))
        .route("/tokens/{token_id}", get(one))
        .route("/tokens/{token_id}/revocation", post(revoke))
}

async fn list(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Response, Problem> {
    let Query(p) = params.map_err(|e| Problem::invalid("query", e.body_text()))?;
    if let Some(u) = &p.username
        && (u.trim().is_empty() || u.chars().count() > 100)
    {
        return Err(Problem::invalid("username", "must be 1 to 100 characters"));
    }
    let query = IdentityListQuery {
        limit: paging::limit_or(p.limit, MAX_LIMIT)?,
        after: p.after,
    };
    let page = st
        .app
        .list_tokens(&actor, p.username.as_deref(), query, st.now())
        .await?;
    let (items, next) = (page.items, page.next);
    Ok(json_response(StatusCode::OK, &TokenList { items, next }))
}

async fn one(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let view = st.app.token(&actor, &id, st.now()).await?;
    Ok(json_response(StatusCode::OK, &view))
}

async fn create(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
    // Accepted (every POST takes one) but not replayed: see the module documentation.
    IdempotencyKey(_key): IdempotencyKey,
    ApiJson(body): ApiJson<CreateTokenBody>,
) -> Result<Response, Problem> {
    let username = body.username.unwrap_or_else(|| actor.user_id.clone());
    let now = st.now();
    let created = st
        .app
        .issue_token(&actor, &username, &body.name, body.expires_in_days, now)
        .await?;
    let answer = CreatedToken {
        token: created.token,
        info: created.info.view(now),
    };
    let mut response = json_response(StatusCode::CREATED, &answer);
    if let Ok(v) = HeaderValue::from_str(&format!("{BASE}/{}", answer.info.id)) {
        response.headers_mut().insert(LOCATION, v);
    }
    Ok(response)
}

async fn revoke(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    ApiJson(NoFields {}): ApiJson<NoFields>,
) -> Result<Response, Problem> {
    let view = st.app.revoke_token(&actor, &id, st.now()).await?;
    Ok(json_response(StatusCode::OK, &view))
}

/// The OpenAPI operations of this module.
pub(crate) fn operations(g: &mut SchemaGenerator) -> Vec<Op> {
    let view = g.subschema_for::<TokenView>();
    vec![
        Op::get(
            "listTokens",
            BASE,
            "API tokens the caller may see, paged in id order: its own; an admin's organization's (by id = SHA-256 hex, never the secret; audited)",
            "identity",
            g.subschema_for::<TokenList>(),
        )
        .query(vec![
            QueryParam::with_schema(
            "username",
            serde_json::json!({
                "type": "string",
                "minLength": 1,
                "maxLength": 100,
                "pattern": careloop_app::identity::IDENTITY_ID_PATTERN,
            }),
            "only this user's tokens (another user's: admins only)",
            ),
            QueryParam::whole_list_limit(),
            QueryParam::id_cursor(),
        ]),
        Op::post(
            "createToken",
            BASE,
            "Create an API token for the caller or (admins) a user of its organization; the secret is shown once; default lifetime 90 days",
            "identity",
            g.subschema_for::<CreateTokenBody>(),
            g.subschema_for::<CreatedToken>(),
        )
        .created(),
        Op::get(
            "getToken",
            "/api/v1/tokens/{token_id}",
            "One API token the caller may see (by its SHA-256 hex id)",
            "identity",
            view.clone(),
        ),
        Op::post(
            "revokeToken",
            "/api/v1/tokens/{token_id}/revocation",
            "Revoke an API token (its user, or an admin of its organization); it stops working at once (repeating it answers the same)",
            "identity",
            g.subschema_for::<NoFields>(),
            view,
        ),
    ]
}
