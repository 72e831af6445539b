//! `/api/v1/audit-log`: the audit log for plan admins (their organization's users' lines and the
//! lines about members of records their plan owns); reading it is itself audited.

use axum::Router;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use careloop_app::{Actor, AuditQuery};
use careloop_store::AuditRecord;
use jiff::Timestamp;
use schemars::JsonSchema;
use schemars::generate::SchemaGenerator;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::extract::{QueryString, json_response};
use crate::operation::{Op, QueryParam};
use crate::paging;
use crate::problem::Problem;

/// The audit log's query string.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuditParams {
    #[serde(default)]
    member_id: Option<String>,
    #[serde(default)]
    record_kind: Option<String>,
    #[serde(default)]
    record_id: Option<String>,
    #[serde(default)]
    actor: Option<String>,
    #[serde(default, deserialize_with = "crate::extract::whole_i64")]
    after_seq: Option<i64>,
    #[serde(default, deserialize_with = "crate::extract::whole_u32")]
    limit: Option<u32>,
}

/// One audit line: who did what to which record, when.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct AuditLine {
    /// Position in the log; pass the last one as `after_seq` for the next page.
    pub seq: i64,
    /// The user who acted.
    pub actor: String,
    /// The organization of the user who acted (absent on lines written before it was kept).
    pub actor_org_id: Option<String>,
    /// Whose log the line is in: the acting organization, or the organization owning the
    /// record an attempt was refused on.
    pub org_id: String,
    /// e.g. `read`, `read-denied`, `assign-referral`.
    pub action: String,
    pub record_kind: String,
    pub record_id: String,
    pub member_id: Option<String>,
    pub at: Timestamp,
}

impl From<AuditRecord> for AuditLine {
    fn from(r: AuditRecord) -> Self {
        AuditLine {
            seq: r.seq,
            actor: r.actor,
            actor_org_id: r.actor_org_id,
            org_id: r.org_id,
            action: r.action,
            record_kind: r.record_kind,
            record_id: r.record_id,
            member_id: r.member_id,
            at: r.at,
        }
    }
}

/// One page of audit lines in log order.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct AuditLogResponse {
    pub items: Vec<AuditLine>,
    /// Pass as `after_seq` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_after_seq: Option<i64>,
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/audit-log", get(audit_log))
}

fn filter(field: &'static str, value: Option<String>) -> Result<Option<String>, Problem> {
    match value {
        Some(v) if v.trim().is_empty() || v.chars().count() > 200 => {
            Err(Problem::invalid(field, "must be 1 to 200 characters"))
        }
        v => Ok(v),
    }
}

async fn audit_log(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
    QueryString(p): QueryString<AuditParams>,
) -> Result<Response, Problem> {
    let limit = paging::limit(p.limit)?;
    let after_seq = p.after_seq.unwrap_or(0);
    if after_seq < 0 {
        return Err(Problem::invalid("after_seq", "must not be negative"));
    }
    let query = AuditQuery {
        actor: filter("actor", p.actor)?,
        member_id: filter("member_id", p.member_id)?,
        record_kind: filter("record_kind", p.record_kind)?,
        record_id: filter("record_id", p.record_id)?,
        after_seq,
        limit,
    };
    let page = st.app.audit_log(&actor, query, st.now()).await?;
    Ok(json_response(
        StatusCode::OK,
        &AuditLogResponse {
            items: page.items.into_iter().map(AuditLine::from).collect(),
            next_after_seq: page.next_after_seq,
        },
    ))
}

/// The OpenAPI operations of this module.
pub(crate) fn operations(g: &mut SchemaGenerator) -> Vec<Op> {
    vec![
        Op::get(
            "auditLog",
            "/api/v1/audit-log",
            "The audit log (plan admins): reads, changes and denied attempts, in log order; reading it is audited",
            "audit",
            g.subschema_for::<AuditLogResponse>(),
        )
        .query(vec![
            QueryParam::filter("member_id", "only lines about this member"),
            QueryParam::filter("record_kind", "e.g. referral, authorization"),
            QueryParam::filter("record_id", "only lines about this record"),
            QueryParam::filter("actor", "only lines written by this user"),
            QueryParam::with_schema(
                "after_seq",
                serde_json::json!({ "type": "integer", "minimum": 0, "maximum": i64::MAX, "default": 0 }),
                "the `next_after_seq` of the previous page (default 0)",
            ),
            QueryParam::limit(),
        ]),
    ]
}
