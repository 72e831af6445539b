//! `/api/v1/organizations`: the organizations a user may see (a plan admin: all of them, a plan
//! must see the providers it contracts with; a provider admin: its own). Audited.

use axum::Router;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use careloop_app::{Actor, IdentityListQuery, Organization};
use schemars::JsonSchema;
use schemars::generate::SchemaGenerator;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::extract::{QueryString, json_response};
use crate::operation::{Op, QueryParam};
use crate::paging::{self, MAX_LIMIT};
use crate::problem::Problem;

/// The query string of an identity list (organizations, users): keyset by id.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct IdentityListParams {
    #[serde(default, deserialize_with = "crate::extract::whole_u32")]
    limit: Option<u32>,
    #[serde(default)]
    after: Option<String>,
}

impl IdentityListParams {
    /// The app's page request (`limit` defaults to the largest page: these lists were unpaged).
    pub(crate) fn query(self) -> Result<IdentityListQuery, Problem> {
        Ok(IdentityListQuery {
            limit: paging::limit_or(self.limit, MAX_LIMIT)?,
            after: self.after,
        })
    }
}

/// The query parameters of an identity list, in the OpenAPI document.
pub(crate) fn identity_list_params() -> Vec<QueryParam> {
    vec![QueryParam::whole_list_limit(), QueryParam::id_cursor()]
}

/// The organizations visible to the caller, in id order.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct OrganizationList {
    pub items: Vec<Organization>,
    /// Pass as `after` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/organizations", get(list))
}

async fn list(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
    QueryString(p): QueryString<IdentityListParams>,
) -> Result<Response, Problem> {
    let page = st
        .app
        .list_organizations(&actor, p.query()?, st.now())
        .await?;
    let (items, next) = (page.items, page.next);
    Ok(json_response(
        StatusCode::OK,
        &OrganizationList { items, next },
    ))
}

/// The OpenAPI operations of this module.
pub(crate) fn operations(g: &mut SchemaGenerator) -> Vec<Op> {
    vec![
        Op::get(
            "listOrganizations",
            "/api/v1/organizations",
            "Organizations (admins): a plan admin sees all, a provider admin its own (audited)",
            "identity",
            g.subschema_for::<OrganizationList>(),
        )
        .query(identity_list_params()),
    ]
}
