//! HTTP scenarios driven in-process through the router (tower `oneshot`), generic over the
//! store engine: api_sqlite.rs runs them on SQLite, api_postgres.rs on PostgreSQL when
//! CARELOOP_TEST_POSTGRES_URL is set. Synthetic data only.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use careloop_app::{Actor, App, AppError, OrgKind, Role};
use careloop_domain::PolicyPack;
use careloop_store::AnyStore;
use careloop_web::auth::AppTokens;
use careloop_web::{AppState, Authenticator, BoxFuture, router};
use jiff::Timestamp;
use serde_json::{Value, json};
use tower::ServiceExt;

mod capacity;
mod ecm;
mod flows;
mod identity;
mod limits;
mod members;
mod referral_extras;
mod rules;
mod world;

pub use capacity::*;
pub use ecm::*;
pub use flows::*;
pub use identity::*;
pub use limits::*;
pub use members::*;
pub use referral_extras::*;
pub use rules::*;
pub use world::*;

pub const PLAN: &str = "org-plan-hpsm";

/// Test double: a fixed table of tokens.
pub struct Tokens(HashMap<&'static str, Actor>);

/// The fixed table first; a `cl_…` token made by `App::create_token` goes to the real
/// [`AppTokens`] (api2: users created over the API sign in with their own tokens).
pub struct TableThenApp {
    table: Tokens,
    app: AppTokens<AnyStore>,
}

impl Authenticator for TableThenApp {
    fn bearer(&self, token: &str, now: Timestamp) -> BoxFuture<'_, Result<Actor, AppError>> {
        if token.starts_with(careloop_app::identity::TOKEN_PREFIX) {
            self.app.bearer(token, now)
        } else {
            self.table.bearer(token, now)
        }
    }
}

impl Authenticator for Tokens {
    fn bearer(&self, token: &str, _now: Timestamp) -> BoxFuture<'_, Result<Actor, AppError>> {
        let found = self.0.get(token).cloned();
        Box::pin(async move {
            found.ok_or(AppError::Forbidden {
                action: "authenticate",
            })
        })
    }
}

fn actor(user: &str, org: &str, kind: OrgKind, role: Role) -> Actor {
    Actor::new(user, org, kind, vec![role]).unwrap()
}

pub fn tokens() -> Tokens {
    let mut t = HashMap::new();
    t.insert(
        "t-reviewer",
        actor("u-reviewer", PLAN, OrgKind::Plan, Role::PlanUmReviewer),
    );
    t.insert(
        "t-coord",
        actor("u-coord", PLAN, OrgKind::Plan, Role::PlanCareCoordinator),
    );
    for org in ["a", "b", "c"] {
        let name: &'static str = Box::leak(format!("t-prov-{org}").into_boxed_str());
        t.insert(
            name,
            actor(
                &format!("u-cm-{org}"),
                &format!("org-ecm-{org}"),
                OrgKind::EcmProvider,
                Role::ProviderCareManager,
            ),
        );
    }
    t.insert(
        "t-ref",
        actor(
            "u-ref",
            "org-ref-1",
            OrgKind::ReferringEntity,
            Role::Referrer,
        ),
    );
    // api2: admins.
    t.insert(
        "t-plan-admin",
        actor("u-plan-admin", PLAN, OrgKind::Plan, Role::PlanAdmin),
    );
    for org in ["a", "b"] {
        let name: &'static str = Box::leak(format!("t-prov-admin-{org}").into_boxed_str());
        t.insert(
            name,
            actor(
                &format!("u-admin-{org}"),
                &format!("org-ecm-{org}"),
                OrgKind::EcmProvider,
                Role::ProviderAdmin,
            ),
        );
    }
    // Another plan's care coordinator (members / ECM access checks).
    t.insert(
        "t-plan2",
        actor(
            "u-coord-2",
            "org-plan-other",
            OrgKind::Plan,
            Role::PlanCareCoordinator,
        ),
    );
    Tokens(t)
}

pub struct Api {
    router: Router,
    pub app: Arc<App<AnyStore>>,
    now: Arc<Mutex<Timestamp>>,
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap())
            .unwrap_or("")
    }

    /// Asserts a problem+json answer with this status, returning it.
    pub fn problem(&self, status: u16) -> &Value {
        assert_eq!(self.status.as_u16(), status, "{}", self.text);
        assert_eq!(self.header("content-type"), "application/problem+json");
        assert_eq!(self.body["status"], status);
        assert!(
            self.body["type"]
                .as_str()
                .unwrap()
                .starts_with("urn:careloop:problem:")
        );
        assert!(self.body["title"].is_string() && self.body["detail"].is_string());
        &self.body
    }
}

pub fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

impl Api {
    pub fn new(store: AnyStore) -> Self {
        let app = Arc::new(App::new(store, PolicyPack::embedded().unwrap()));
        let now = Arc::new(Mutex::new(ts("2026-11-02T17:00:00Z")));
        let clock_now = now.clone();
        let auth = TableThenApp {
            table: tokens(),
            app: AppTokens(app.clone()),
        };
        let state = AppState::new(app.clone(), Arc::new(auth))
            .with_clock(Arc::new(move || *clock_now.lock().unwrap()));
        Api {
            router: router(state),
            app,
            now,
        }
    }

    /// The router (to serve it on a real socket).
    pub fn router(&self) -> Router {
        self.router.clone()
    }

    pub fn set_now(&self, t: &str) {
        *self.now.lock().unwrap() = ts(t);
    }

    pub async fn send(&self, request: Request<Body>) -> Answer {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Answer {
            status,
            headers,
            body,
            text,
        }
    }

    /// A request with a bearer token, extra headers and an optional JSON body.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Answer {
        let mut b = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            b = b.header("authorization", format!("Bearer {t}"));
        }
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let body = match body {
            Some(v) => {
                b = b.header("content-type", "application/json");
                Body::from(serde_json::to_vec(v).unwrap())
            }
            None => Body::empty(),
        };
        self.send(b.body(body).unwrap()).await
    }

    pub async fn get(&self, path: &str, token: &str) -> Answer {
        self.call("GET", path, Some(token), &[], None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Answer {
        self.call("POST", path, Some(token), &[], Some(&body)).await
    }

    /// The record's current version, read as the plan reviewer.
    pub async fn version(&self, path: &str) -> i64 {
        let a = self.get(path, "t-reviewer").await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        a.body["version"].as_i64().unwrap()
    }
}

pub fn submission() -> Value {
    json!({
        "member_id": "mem-1",
        "plan_org_id": PLAN,
        "plan": "hpsm",
        "county": "San Mateo",
        "service": "ecm-initial",
        "kind": "non-urgent-pre-service"
    })
}

pub fn referral() -> Value {
    json!({
        "member_id": "mem-2",
        "plan_org_id": PLAN,
        "plan_id": "hpsm",
        "county": "San Mateo",
        "referrer": { "source": "cbo", "id": "org-ref-1", "name": "Synthetic CBO" },
        "program": "ecm",
        "claimed_pof": "1a"
    })
}

/// Submits a request as provider A; its URL.
pub async fn submitted(api: &Api) -> String {
    let a = api
        .post("/api/v1/authorizations", "t-prov-a", submission())
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    a.header("location").to_owned()
}

#[macro_export]
macro_rules! api_scenarios {
    ($runner:ident) => {
        $runner!(
            authorization_flow_over_http,
            referral_flow_over_http,
            authorization_information_and_withdrawal_over_http,
            missing_or_bad_token_is_401,
            other_organization_gets_404_and_403,
            bad_input_is_a_named_4xx_and_changes_nothing,
            idempotent_retry_replays_and_mismatch_is_422,
            stale_if_match_is_409,
            text_and_id_limits_are_refused_at_the_edge,
            // api2
            users_created_over_the_api_sign_in_and_can_be_disabled,
            user_routes_refuse_other_organizations_and_bad_input,
            tokens_are_listed_created_and_revoked_over_the_api,
            concurrent_user_create_retries_replay_over_http,
            organizations_are_listed_per_admin,
            audit_log_shows_reads_and_denied_attempts_to_plan_admins_only,
            referral_closed_loop_over_http_with_the_work_queue,
            referral_extras_refuse_other_organizations_and_bad_input,
            referral_extras_replay_an_idempotent_retry,
            authorization_queue_flags_at_risk_and_overdue,
            member_flow_over_http,
            member_access_is_enforced_and_audited,
            member_bad_input_is_named_and_changes_nothing,
            ecm_flow_over_http,
            ecm_enrollment_blocked_by_hospice,
            ecm_access_is_enforced_and_audited,
            ecm_bad_input_is_named_and_changes_nothing,
            ecm_idempotent_change_retry,
            provider_capacity_is_recorded_by_the_provider_and_listed,
            // Last: it closes the store (shared by the PostgreSQL run).
            ops_endpoints_answer,
        );
    };
}
