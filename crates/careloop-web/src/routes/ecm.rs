//! `/api/v1/ecm-enrollments`: open (the plan assigns a member to an ECM provider), read, outreach
//! attempts, enrollment, Lead Care Manager, care team, assessments, care plan goals, core service
//! activities, re-authorizations, discontinuation, and the re-authorization work queue
//! (`GET /api/v1/ecm-enrollments/reauthorizations-due`).

use axum::Router;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::response::Response;
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
use crate::extract::{QueryString, json_response};
use crate::operation::{Op, QueryParam};
use crate::paging;
use crate::problem::Problem;
use crate::routes::resource::Resource;

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

async fn queue(
    State(st): State<AppState>,
    Extension(actor): Extension<Actor>,
    QueryString(p): QueryString<QueueParams>,
) -> Result<Response, Problem> {
    let query = EcmReauthorizationQueueQuery {
        plan_id: p.plan,
        county: p.county,
        limit: paging::limit(p.limit)?,
        after: paging::after(p.after.as_deref())?,
    };
    let page = st
        .app
        .ecm_reauthorization_queue(&actor, query, st.now())
        .await?;
    let next = page.next.as_ref().map(paging::encode_cursor);
    let items = page
        .items
        .into_iter()
        .map(|i| EcmReauthorizationDueItem {
            record: i.record,
            entry: i.entry,
        })
        .collect();
    Ok(json_response(
        StatusCode::OK,
        &EcmReauthorizationQueueResponse { items, next },
    ))
}

/// This resource's operations, one row each, for the router and the OpenAPI document. Most
/// change operation ids name ECM although their input types do not.
#[rustfmt::skip]
fn resource() -> Resource {
    Resource::new::<EcmEnrollmentRecord>(BASE, "ecm-enrollments")
        .create::<OpenEcmEnrollment>("openEcmEnrollment", "Assign a member to an ECM provider (plan care coordinator); outreach starts, the provider is granted access; the server assigns the id")
        .list::<EcmReauthorizationQueueResponse, _>("/reauthorizations-due", queue, "ecmReauthorizationsDue", "The work queue: enrollments whose re-authorization is due within the look-ahead (30 days) or overdue, soonest first", vec![
            QueryParam::new("plan", "string", "plan policy overlay id, e.g. hpsm"),
            QueryParam::new("county", "string", "county name"),
            QueryParam::limit(),
            QueryParam::time_cursor(),
        ])
        .read::<EcmAggregate>("getEcmEnrollment", "Read one ECM enrollment (audited)")
        .change_named::<RecordOutreachAttempt>("recordEcmOutreachAttempt", "outreach-attempts", "Record an outreach attempt, reached or not (the enrollment's provider)")
        .change::<EnrollEcm>("enrollment", "Enroll from a start date; blocked (422 naming the rule) by hospice, PACE, CCM, CCT or a 1915(c) waiver")
        .change_named::<AssignLeadCareManager>("assignEcmLeadCareManager", "lead-care-manager", "Name a (new) Lead Care Manager")
        .change_named::<AddCareTeamMember>("addEcmCareTeamMember", "care-team", "Add a care team member")
        .change_named::<RecordAssessment>("recordEcmAssessment", "assessments", "Record (or revise) a comprehensive assessment")
        .change_named::<RecordCarePlanGoal>("recordEcmCarePlanGoal", "care-plan-goals", "Record (or revise) a care plan goal")
        .change_named::<RecordCoreServiceActivity>("recordEcmCoreServiceActivity", "activities", "Record an activity under one of the seven ECM core services")
        .change::<ReauthorizeEcm>("reauthorizations", "The plan's re-authorization: a new authorization id and period")
        .change::<DiscontinueEcm>("discontinuation", "Stop ECM on a date with a reason from workflow.toml")
}

pub(crate) fn routes() -> Router<AppState> {
    resource().router()
}

/// The OpenAPI operations of this module.
pub(crate) fn operations(g: &mut SchemaGenerator) -> Vec<Op> {
    resource().operations(g)
}
