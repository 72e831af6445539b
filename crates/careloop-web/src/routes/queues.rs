//! `/api/v1/work-queues`: the referral work queue — open referrals, who must act next (plan or
//! provider), since when, and the closed-loop notices still owed. (The authorization queue is
//! `GET /api/v1/authorizations`; the ECM re-authorization queue is under
//! `/api/v1/ecm-enrollments`.)

use axum::Router;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use careloop_app::Actor;
use careloop_app::referral::{
    ReferralParty, ReferralQueueCursor, ReferralQueueItem, ReferralQueueQuery,
};
use schemars::JsonSchema;
use schemars::generate::SchemaGenerator;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::extract::{QueryString, json_response};
use crate::operation::{Op, QueryParam};
use crate::paging;
use crate::problem::Problem;

/// The referral queue's query string.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReferralQueueParams {
    #[serde(default)]
    waiting_on: Option<String>,
    #[serde(default, deserialize_with = "crate::extract::whole_u32")]
    limit: Option<u32>,
    #[serde(default)]
    after: Option<String>,
}

/// One page of the referral queue, oldest waiting first.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ReferralQueueResponse {
    pub items: Vec<ReferralQueueItem>,
    /// Pass as `after` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/work-queues/referrals", get(referral_queue))
}

/// `after` is `<since>~<id>` as returned in `next` ([`ReferralQueueCursor::encode`]).
fn encode_cursor(c: &ReferralQueueCursor) -> String {
    c.encode()
}

fn decode_cursor(s: &str) -> Result<ReferralQueueCursor, Problem> {
    ReferralQueueCursor::decode(s)
        .ok_or_else(|| Problem::invalid("after", "not a cursor returned as `next` by this queue"))
}

fn party(value: Option<&str>) -> Result<Option<ReferralParty>, Problem> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some("plan") => Ok(Some(ReferralParty::Plan)),
        Some("provider") => Ok(Some(ReferralParty::Provider)),
        Some(_) => Err(Problem::invalid("waiting_on", "expected plan or provider")),
    }
}

async fn referral_queue(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
    QueryString(p): QueryString<ReferralQueueParams>,
) -> Result<Response, Problem> {
    let limit = paging::limit(p.limit)?;
    let query = ReferralQueueQuery {
        waiting_on: party(p.waiting_on.as_deref())?,
        limit,
        after: p.after.as_deref().map(decode_cursor).transpose()?,
    };
    let page = st.app.referral_queue(&actor, query, st.now()).await?;
    let items = page.items;
    Ok(json_response(
        StatusCode::OK,
        &ReferralQueueResponse {
            items,
            next: page.next.as_ref().map(encode_cursor),
        },
    ))
}

/// The OpenAPI operations of this module.
pub(crate) fn operations(g: &mut SchemaGenerator) -> Vec<Op> {
    vec![
        Op::get(
            "referralQueue",
            "/api/v1/work-queues/referrals",
            "The referral work queue: open referrals, who acts next (plan or provider), age and notices owed; a provider sees those waiting on it",
            "work-queues",
            g.subschema_for::<ReferralQueueResponse>(),
        )
        .query(vec![
            QueryParam::with_schema(
                "waiting_on",
                serde_json::json!({ "type": "string", "enum": ["plan", "provider"] }),
                "plan or provider (plan staff; a provider always sees those waiting on it)",
            ),
            QueryParam::limit(),
            QueryParam::time_cursor(),
        ]),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let c = ReferralQueueCursor {
            since: "2026-11-02T17:00:00Z".parse().unwrap_or_default(),
            id: "a~b".into(),
        };
        assert_eq!(decode_cursor(&encode_cursor(&c)).ok(), Some(c));
        for bad in ["", "x~y", "2026-11-02T17:00:00Z~", "no-tilde"] {
            assert!(decode_cursor(bad).is_err(), "{bad}");
        }
        assert!(party(Some("member")).is_err());
        assert_eq!(party(Some("plan")).ok(), Some(Some(ReferralParty::Plan)));
    }
}
