//! The organizations, members and relationships the HTTP scenarios refer to (issue #12: every
//! reference a command names is resolved, so a scenario sets them up first). Set up through the
//! App directly (as `careloop bootstrap` and the plan's own calls would), not over HTTP, so the
//! request metrics and the HTTP flows under test are the scenario's own. Synthetic data only.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use careloop_app::NewOrganization;
use careloop_app::checked;
use careloop_app::ecm::OpenEcmEnrollment;
use careloop_app::member::RegisterMember;

use super::*;

/// The other plan of the token table (`t-plan2`): Alameda Alliance, in Alameda county.
pub const OTHER_PLAN: &str = "org-plan-other";

/// When the fixtures are written: before every scenario's clock (2026-11-02T17:00Z).
const SET_UP_AT: &str = "2026-11-01T00:00:00Z";

fn coordinator() -> Actor {
    Actor::new(
        "u-coord",
        PLAN,
        OrgKind::Plan,
        vec![Role::PlanCareCoordinator],
    )
    .unwrap()
}

/// The organizations the token table names: the hpsm plan (PLAN, San Mateo), the other plan
/// (OTHER_PLAN, Alameda), ECM providers org-ecm-a/b/c and the referring entity org-ref-1 (San
/// Mateo).
pub async fn world(api: &Api) {
    let orgs = [
        (PLAN, OrgKind::Plan, Some("hpsm"), "San Mateo"),
        (
            OTHER_PLAN,
            OrgKind::Plan,
            Some("alameda-alliance"),
            "Alameda",
        ),
        ("org-ecm-a", OrgKind::EcmProvider, None, "San Mateo"),
        ("org-ecm-b", OrgKind::EcmProvider, None, "San Mateo"),
        ("org-ecm-c", OrgKind::EcmProvider, None, "San Mateo"),
        ("org-ref-1", OrgKind::ReferringEntity, None, "San Mateo"),
    ];
    for (id, kind, plan, county) in orgs {
        api.app
            .bootstrap_organization(
                NewOrganization {
                    id: id.into(),
                    name: format!("Synthetic {id}"),
                    kind,
                    plan: plan.map(Into::into),
                    counties: vec![county.into()],
                },
                ts(SET_UP_AT),
            )
            .await
            .unwrap();
    }
}

/// The lead care managers the ECM scenarios name: users of org-ecm-a (an enrollment's lead
/// care manager is a user of its provider). After `world`.
pub async fn lcm_users(api: &Api) {
    for username in ["lcm-1", "lcm-2", "lcm-3", "lcm-9"] {
        let user = careloop_app::NewUser {
            username: username.into(),
            display_name: None,
            org_id: "org-ecm-a".into(),
            roles: vec![careloop_app::Role::ProviderCareManager],
            password: "synthetic-lcm-pass".into(),
        };
        api.app.add_user(user, ts(SET_UP_AT)).await.unwrap();
    }
}

/// Registers `member_id` as a member of PLAN (hpsm, San Mateo), by its care coordinator, with
/// the POF 1a example facts.
pub async fn plan_member(api: &Api, member_id: &str) {
    let input = RegisterMember {
        plan: Some("hpsm".into()),
        county: "San Mateo".into(),
        demographics: Default::default(),
        cin: None,
        facts: serde_json::from_value(example_facts("pof-1a-adult", None)).unwrap(),
    };
    api.app
        .create(&coordinator(), member_id, input, None, ts(SET_UP_AT))
        .await
        .unwrap();
}

/// The plan gives its member `member_id` to the ECM provider `provider_org` by opening an ECM
/// enrollment (`give-<member>-<provider>`): what lets the provider see the member and request
/// its authorization.
pub async fn give_member(api: &Api, member_id: &str, provider_org: &str) {
    let input = OpenEcmEnrollment {
        member_id: checked("member_id", member_id).unwrap(),
        provider_org_id: checked("provider_org_id", provider_org).unwrap(),
        plan_id: None,
        county: None,
    };
    api.app
        .create(
            &coordinator(),
            &format!("give-{member_id}-{provider_org}"),
            input,
            None,
            ts(SET_UP_AT),
        )
        .await
        .unwrap();
}

impl Api {
    /// An API over `store` with the `world` organizations and the members the default bodies
    /// name: mem-1 (`submission`), given to provider A, and mem-2 (`referral`).
    pub async fn with_world(store: AnyStore) -> Self {
        let api = Api::new(store);
        world(&api).await;
        plan_member(&api, "mem-1").await;
        plan_member(&api, "mem-2").await;
        give_member(&api, "mem-1", "org-ecm-a").await;
        api
    }
}

/// The ECM provider behind `token` (which must see the member) submits an ECM authorization
/// request for `member_id` over the API and the plan's reviewer approves it from the day of
/// the scenario's clock (California date); its id (what a referral's authorization step names).
pub async fn approved_request(api: &Api, token: &str, member_id: &str) -> String {
    let mut body = submission();
    body["member_id"] = json!(member_id);
    let a = api.post("/api/v1/authorizations", token, body).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    let id = a.body["id"].as_str().unwrap().to_owned();
    let now = *api.now.lock().unwrap();
    let today = now
        .to_zoned(jiff::tz::TimeZone::get("America/Los_Angeles").unwrap())
        .date();
    let a = api
        .post(
            &format!("/api/v1/authorizations/{id}/decision"),
            "t-reviewer",
            json!({ "decision": { "decision": "approve", "start": today.to_string() } }),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["status"], "approved");
    id
}

/// Provider A (which must see the member) requests the ECM `service` for `member_id` as `id`
/// and the plan's reviewer approves it from the scenario clock's California date: the approved
/// request an ECM enrollment (initial) or re-authorization names (issue #12). Through the App,
/// so the request keeps the id the scenario's bodies name.
pub async fn approved_ecm(
    api: &Api,
    id: &str,
    member_id: &str,
    service: careloop_domain::workflow::authorization::Service,
) {
    use careloop_app::authorization::{DecideAuthorization, SubmitAuthorization};
    use careloop_domain::workflow::authorization::{DecisionInput, Requested};
    let provider = Actor::new(
        "u-cm-a",
        "org-ecm-a",
        OrgKind::EcmProvider,
        vec![Role::ProviderCareManager],
    )
    .unwrap();
    let reviewer = Actor::new("u-rev", PLAN, OrgKind::Plan, vec![Role::PlanUmReviewer]).unwrap();
    let now = *api.now.lock().unwrap();
    let request = SubmitAuthorization {
        member_id: checked("member_id", member_id).unwrap(),
        plan_org_id: checked("plan_org_id", PLAN).unwrap(),
        plan: None,
        county: None,
        service,
        kind: careloop_domain::clock::ClockKind::NonUrgentPreService,
        requested: Requested::default(),
    };
    api.app
        .create(&provider, id, request, None, now)
        .await
        .unwrap();
    let today = now
        .to_zoned(jiff::tz::TimeZone::get("America/Los_Angeles").unwrap())
        .date();
    let approve = DecideAuthorization {
        cs_limit_exception: None,
        decision: DecisionInput::Approve {
            start: today,
            through: None,
            units: None,
        },
        notice_of_action: None,
    };
    api.app
        .change(&reviewer, id, approve, None, now)
        .await
        .unwrap();
}
