//! `/api/v1/organizations`: the organizations a user may see (a plan admin: all of them, a plan
//! must see the providers it contracts with; a provider admin: its own), and a provider's
//! capacity per service and county (issue #14 item 12): read by any signed-in user, recorded by
//! the provider itself (the path's id must be the caller's own organization; another is 404).
//! `/api/v1/directory`: the provider directory. Audited.

use axum::Router;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::response::Response;
use careloop_app::{
    Actor, DirectoryEntry, DirectoryQuery, IdentityListQuery, Organization, ProviderCapacity,
};
use careloop_domain::capacity::{Capacity, parse_service, service_id, services};
use careloop_domain::codes::county_names;
use schemars::JsonSchema;
use schemars::generate::SchemaGenerator;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::AppState;
use crate::extract::{ApiJson, IdempotencyKey, IfMatch, QueryString, RecordId, json_response};
use crate::operation::{Op, QueryParam};
use crate::paging::{self, MAX_LIMIT};
use crate::problem::Problem;
use crate::routes::resource::Resource;

const BASE: &str = "/api/v1/organizations";
const DIRECTORY: &str = "/api/v1/directory";

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

/// The provider directory: providers by name, with their latest capacity.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ProviderDirectory {
    pub items: Vec<DirectoryEntry>,
}

/// The directory's query string.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DirectoryParams {
    #[serde(default)]
    county: Option<String>,
    #[serde(default)]
    service: Option<String>,
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

async fn capacity(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
    RecordId(id): RecordId,
) -> Result<Response, Problem> {
    let record = st.app.provider_capacity(&actor, &id, st.now()).await?;
    Ok(json_response(StatusCode::OK, &record))
}

async fn record_capacity(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
    RecordId(id): RecordId,
    IfMatch(expected): IfMatch,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(body): ApiJson<Capacity>,
) -> Result<Response, Problem> {
    let record = st
        .app
        .record_capacity(&actor, &id, body, expected, key.as_deref(), st.now())
        .await?;
    Ok(json_response(StatusCode::OK, &record))
}

async fn directory(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
    QueryString(p): QueryString<DirectoryParams>,
) -> Result<Response, Problem> {
    let service = match p.service.as_deref() {
        None => None,
        Some(text) => Some(parse_service(text).ok_or_else(|| {
            Problem::invalid(
                "service",
                format!("{text:?} is not \"ecm\" or a Community Support id"),
            )
        })?),
    };
    let query = DirectoryQuery {
        county: p.county,
        service,
    };
    let items = st.app.provider_directory(&actor, &query, st.now()).await?;
    Ok(json_response(StatusCode::OK, &ProviderDirectory { items }))
}

/// The `county` query parameter: a county of the policy pack (`codes::County`).
fn county_param() -> QueryParam {
    let about = "a county of the policy pack: only providers serving it";
    let names = county_names();
    if names.is_empty() {
        return QueryParam::filter("county", about);
    }
    QueryParam::with_schema("county", json!({ "type": "string", "enum": names }), about)
}

/// The `service` query parameter: `ecm` or a Community Support id.
fn service_param() -> QueryParam {
    let ids: Vec<&str> = services().into_iter().map(service_id).collect();
    QueryParam::with_schema(
        "service",
        json!({ "type": "string", "enum": ids }),
        "`ecm` or a Community Support id: only providers of that service",
    )
}

/// This module's operations, one row each, for the router and the OpenAPI document.
#[rustfmt::skip]
fn resources() -> [Resource; 2] {
    [
        Resource::new::<Organization>(BASE, "identity")
            .list::<OrganizationList, _>("", list, "listOrganizations", "Organizations (admins): a plan admin sees all, a provider admin its own (audited)", identity_list_params())
            .read_about::<ProviderCapacity, _>("capacity", capacity, "getProviderCapacity", "A provider's latest capacity per service and county (any signed-in user; audited)")
            .post_about::<Capacity, ProviderCapacity, _>("capacity", record_capacity, "recordProviderCapacity", "The provider records its own capacity for a service in a county (accepting / waitlist / full, as of a date); another organization's id is 404"),
        Resource::new::<DirectoryEntry>(DIRECTORY, "directory")
            .list::<ProviderDirectory, _>("", directory, "listProviderDirectory", "Providers serving a county for a service, with their latest capacity (stale past the pack's window); any signed-in user (audited)", vec![
                county_param(),
                service_param(),
            ]),
    ]
}

pub(crate) fn routes() -> Router<AppState> {
    resources()
        .into_iter()
        .fold(Router::new(), |r, res| r.merge(res.router()))
}

/// The OpenAPI operations of this module.
pub(crate) fn operations(g: &mut SchemaGenerator) -> Vec<Op> {
    resources()
        .into_iter()
        .flat_map(|res| res.operations(g))
        .collect()
}
