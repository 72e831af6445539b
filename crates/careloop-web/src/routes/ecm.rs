//! `/api/v1/ecm-enrollments`: open (the plan assigns a member to an ECM provider), read, outreach
//! attempts, enrollment, Lead Care Manager, care team, assessments, care plan goals, core service
//! activities, re-authorizations, discontinuation, and the re-authorization work queue
//! (`GET /api/v1/ecm-enrollments/reauthorizations-due`).

use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use careloop_app::ecm::{
    AddCareTeamMember, AssignLeadCareManager, DiscontinueEcm, EcmReauthorizationQueueQuery,
    EnrollEcm, OpenEcmEnrollment, ReauthorizeEcm, RecordAssessment, RecordCarePlanGoal,
    RecordCoreServiceActivity, RecordOutreachAttempt,
};
use careloop_app::{Actor, EcmAggregate, EcmEnrollmentRecord};
use careloop_domain::workflow::queue::ReauthorizationDue;
use schemars::JsonSchema;
use schemars::generate::SchemaGenerator;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::extract::{ApiJson, IdempotencyKey, json_response};
use crate::operation::{Op, QueryParam};
use crate::paging::{self, decode_cursor, encode_cursor};
use crate::problem::Problem;
use crate::routes::change::ChangeRoute;
use crate::routes::record::{created, read};

const BASE: &str = "/api/v1/ecm-enrollments";

/// The re-authorization queue's query string.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct QueueParams {
    #[serde(default)]
    plan: Option<String>,
    #[serde(default)]
    county: Option<String>,
    #[serde(default, deserialize_with = "crate::extract::whole_u32")]
    limit: Option<u32>,
    #[serde(default)]
    after: Option<String>,
}

/// One enrollment whose re-authorization is due within the look-ahead (or overdue).
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct EcmReauthorizationDueItem {
    pub record: EcmEnrollmentRecord,
    pub entry: ReauthorizationDue,
}

/// One page of the re-authorization queue.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct EcmReauthorizationQueueResponse {
    pub items: Vec<EcmReauthorizationDueItem>,
    /// Pass as `after` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

pub(crate) fn routes() -> Router<AppState> {
    let routes = Router::new()
        .route("/ecm-enrollments", post(open))
        .route("/ecm-enrollments/reauthorizations-due", get(queue))
        .route("/ecm-enrollments/{id}", get(read::<EcmAggregate>));
    ChangeRoute::route_all(routes, &changes())
}

async fn open(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(body): ApiJson<OpenEcmEnrollment>,
) -> Result<Response, Problem> {
    created(&st, &actor, key, body, BASE).await
}

async fn queue(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
    params: Result<Query<QueueParams>, QueryRejection>,
) -> Result<Response, Problem> {
    let Query(p) = params.map_err(|e| Problem::invalid("query", e.body_text()))?;
    let limit = paging::limit(p.limit)?;
    let query = EcmReauthorizationQueueQuery {
        plan_id: p.plan,
        county: p.county,
        limit,
        after: p.after.as_deref().map(decode_cursor).transpose()?,
    };
    let page = st
        .app
        .ecm_reauthorization_queue(&actor, query, st.now())
        .await?;
    Ok(json_response(
        StatusCode::OK,
        &EcmReauthorizationQueueResponse {
            items: page
                .items
                .into_iter()
                .map(|i| EcmReauthorizationDueItem {
                    record: i.record,
                    entry: i.entry,
                })
                .collect(),
            next: page.next.as_ref().map(encode_cursor),
        },
    ))
}

/// The changes on a record of this resource, one line each (`routes::change`).
fn changes() -> [ChangeRoute; 9] {
    [
        ChangeRoute::post::<RecordOutreachAttempt>(
            "recordEcmOutreachAttempt",
            "/api/v1/ecm-enrollments/{id}/outreach-attempts",
            "Record an outreach attempt, reached or not (the enrollment's provider)",
        ),
        ChangeRoute::post::<EnrollEcm>(
            "enrollEcm",
            "/api/v1/ecm-enrollments/{id}/enrollment",
            "Enroll from a start date; blocked (422 naming the rule) by hospice, PACE, CCM, CCT or a 1915(c) waiver",
        ),
        ChangeRoute::post::<AssignLeadCareManager>(
            "assignEcmLeadCareManager",
            "/api/v1/ecm-enrollments/{id}/lead-care-manager",
            "Name a (new) Lead Care Manager",
        ),
        ChangeRoute::post::<AddCareTeamMember>(
            "addEcmCareTeamMember",
            "/api/v1/ecm-enrollments/{id}/care-team",
            "Add a care team member",
        ),
        ChangeRoute::post::<RecordAssessment>(
            "recordEcmAssessment",
            "/api/v1/ecm-enrollments/{id}/assessments",
            "Record (or revise) a comprehensive assessment",
        ),
        ChangeRoute::post::<RecordCarePlanGoal>(
            "recordEcmCarePlanGoal",
            "/api/v1/ecm-enrollments/{id}/care-plan-goals",
            "Record (or revise) a care plan goal",
        ),
        ChangeRoute::post::<RecordCoreServiceActivity>(
            "recordEcmCoreServiceActivity",
            "/api/v1/ecm-enrollments/{id}/activities",
            "Record an activity under one of the seven ECM core services",
        ),
        ChangeRoute::post::<ReauthorizeEcm>(
            "reauthorizeEcm",
            "/api/v1/ecm-enrollments/{id}/reauthorizations",
            "The plan's re-authorization: a new authorization id and period",
        ),
        ChangeRoute::post::<DiscontinueEcm>(
            "discontinueEcm",
            "/api/v1/ecm-enrollments/{id}/discontinuation",
            "Stop ECM on a date with a reason from workflow.toml",
        ),
    ]
}

/// The OpenAPI operations of this module.
pub(crate) fn operations(g: &mut SchemaGenerator) -> Vec<Op> {
    let record = g.subschema_for::<EcmEnrollmentRecord>();
    let tag = "ecm-enrollments";
    let mut ops = vec![
        Op::post(
            "openEcmEnrollment",
            BASE,
            "Assign a member to an ECM provider (plan care coordinator); outreach starts, the provider is granted access; the server assigns the id",
            tag,
            g.subschema_for::<OpenEcmEnrollment>(),
            record.clone(),
        )
        .created(),
        Op::get(
            "ecmReauthorizationsDue",
            "/api/v1/ecm-enrollments/reauthorizations-due",
            "The work queue: enrollments whose re-authorization is due within the look-ahead (30 days) or overdue, soonest first",
            tag,
            g.subschema_for::<EcmReauthorizationQueueResponse>(),
        )
        .query(vec![
            QueryParam::new("plan", "string", "plan policy overlay id, e.g. hpsm"),
            QueryParam::new("county", "string", "county name"),
            QueryParam::limit(),
            QueryParam::time_cursor(),
        ]),
        Op::get(
            "getEcmEnrollment",
            "/api/v1/ecm-enrollments/{id}",
            "Read one ECM enrollment (audited)",
            tag,
            record.clone(),
        ),
    ];
    ops.extend(ChangeRoute::operations(&changes(), g, tag, &record));
    ops
}
