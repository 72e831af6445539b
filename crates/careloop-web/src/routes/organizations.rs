//! `/api/v1/organizations`: the organizations a user may see (a plan admin: all of them, a plan
//! must see the providers it contracts with; a provider admin: its own). Audited.

use axum::Router;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use careloop_app::{Actor, Organization};
use schemars::JsonSchema;
use schemars::generate::SchemaGenerator;
use serde::Serialize;

use crate::AppState;
use crate::extract::json_response;
use crate::operation::Op;
use crate::problem::Problem;

/// The organizations visible to the caller, in id order.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct OrganizationList {
    pub items: Vec<Organization>,
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/organizations", get(list))
}

async fn list(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> Result<Response, Problem> {
    let items = st.app.list_organizations(&actor, st.now()).await?;
    Ok(json_response(StatusCode::OK, &OrganizationList { items }))
}

/// The OpenAPI operations of this module.
pub(crate) fn operations(g: &mut SchemaGenerator) -> Vec<Op> {
    vec![Op::get(
        "listOrganizations",
        "/api/v1/organizations",
        "Organizations (admins): a plan admin sees all, a provider admin its own (audited)",
        "identity",
        g.subschema_for::<OrganizationList>(),
    )]
}
