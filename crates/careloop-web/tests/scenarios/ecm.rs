//! ECM enrollments over HTTP: open → outreach → enroll → LCM → care team → assessment → goals →
//! activities → re-authorization queue → reauthorize → discontinue; enrollment blocked by a
//! hospice exclusion (422 naming the rule); access from another provider / another plan (404 /
//! 403, audited); bad input per route leaves the record unchanged; Idempotency-Key retry.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use careloop_domain::workflow::authorization::Service;

pub const ECM: &str = "/api/v1/ecm-enrollments";
pub const QUEUE: &str = "/api/v1/ecm-enrollments/reauthorizations-due";

const CORE_SERVICES: [&str; 7] = [
    "outreach-and-engagement",
    "comprehensive-assessment-and-care-management-plan",
    "enhanced-coordination-of-care",
    "health-promotion",
    "comprehensive-transitional-care",
    "member-and-family-supports",
    "coordination-of-and-referral-to-community-and-social-support-services",
];

/// Registers a member (hospice present when `hospice`) and opens an enrollment for provider A,
/// as the plan care coordinator; the enrollment URL and the member id.
pub async fn opened(api: &Api, hospice: bool) -> (String, String) {
    let facts = example_facts("pof-1a-adult", hospice.then_some("hospice"));
    let member = registered(api, facts).await;
    let a = api
        .post(
            ECM,
            "t-coord",
            json!({ "member_id": member, "provider_org_id": "org-ecm-a",
                    "plan_id": "hpsm", "county": "San Mateo" }),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    (a.header("location").to_owned(), member)
}

fn outreach(date: &str, reached: bool) -> Value {
    json!({ "date": date, "channel": "phone", "mode": "telephonic",
            "staff": "non-clinical", "reached": reached })
}

fn enrollment(start: &str) -> Value {
    json!({ "start": start, "authorization_id": "ecm-auth-1", "lead_care_manager": "lcm-1" })
}

/// A valid body for every change route (route suffix, body).
fn valid_changes() -> Vec<(&'static str, Value)> {
    vec![
        ("outreach-attempts", outreach("2026-11-03", true)),
        ("enrollment", enrollment("2026-11-16")),
        ("lead-care-manager", json!({ "person_id": "lcm-9" })),
        ("care-team", json!({ "person_id": "p-9", "role": "pcp" })),
        (
            "assessments",
            json!({ "assessment_id": "a-9", "started": "2026-11-03" }),
        ),
        (
            "care-plan-goals",
            json!({ "goal_id": "g-9", "description": "x", "status": "open", "revised_on": "2026-11-03" }),
        ),
        (
            "activities",
            json!({ "service": "health-promotion", "date": "2026-11-03", "description": "x" }),
        ),
        (
            "reauthorizations",
            json!({ "start": "2027-11-16", "authorization_id": "a-9" }),
        ),
        (
            "discontinuation",
            json!({ "on": "2026-11-03", "reason": "member-declined" }),
        ),
    ]
}

/// POSTs as `token` at `now` (UTC 17:00 that day) and expects 200; the record.
async fn step(api: &Api, url: &str, route: &str, token: &str, day: &str, body: Value) -> Value {
    api.set_now(&format!("{day}T17:00:00Z"));
    let a = api.post(&format!("{url}/{route}"), token, body).await;
    assert_eq!(a.status, StatusCode::OK, "{route}: {}", a.text);
    assert_eq!(a.header("etag"), format!("\"{}\"", a.body["version"]));
    a.body
}

pub async fn ecm_flow_over_http(store: AnyStore) {
    let api = Api::new(store);
    world(&api).await;
    lcm_users(&api).await;
    let member = registered(&api, example_facts("pof-1a-adult", None)).await;
    let open = json!({ "member_id": member, "provider_org_id": "org-ecm-a",
                       "plan_id": "hpsm", "county": "San Mateo" });
    let key = [("idempotency-key", "open-1")];
    let a = api
        .call("POST", ECM, Some("t-coord"), &key, Some(&open))
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    let id = a.body["id"].as_str().unwrap().to_owned();
    assert_eq!(id.len(), 36, "a server-generated UUID");
    let url = format!("{ECM}/{id}");
    assert_eq!(a.header("location"), url);
    assert_eq!(a.header("etag"), "\"1\"");
    assert_eq!(a.body["status"], "outreach");
    assert_eq!(a.body["member_id"], member.as_str());
    assert_eq!(a.body["state"]["provider_id"], "org-ecm-a");
    // Retry: the same record; nothing new.
    let again = api
        .call("POST", ECM, Some("t-coord"), &key, Some(&open))
        .await;
    assert_eq!((again.status, &again.body), (StatusCode::CREATED, &a.body));
    // The provider was granted access.
    assert_eq!(api.get(&url, "t-prov-a").await.status, StatusCode::OK);

    step(
        &api,
        &url,
        "outreach-attempts",
        "t-prov-a",
        "2026-11-03",
        outreach("2026-11-03", false),
    )
    .await;
    let rec = step(
        &api,
        &url,
        "outreach-attempts",
        "t-prov-a",
        "2026-11-05",
        json!({ "date": "2026-11-05", "channel": "in-person", "mode": "in-person",
                "staff": "clinical", "reached": true }),
    )
    .await;
    assert_eq!(rec["state"]["outreach"].as_array().unwrap().len(), 2);

    api.set_now("2026-11-06T17:00:00Z");
    approved_ecm(&api, "ecm-auth-1", &member, Service::EcmInitial).await;
    let a = api
        .call(
            "POST",
            &format!("{url}/enrollment"),
            Some("t-prov-a"),
            &[("if-match", "\"3\"")],
            Some(&enrollment("2026-11-16")),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(
        (a.body["version"].as_i64(), a.body["status"].as_str()),
        (Some(4), Some("enrolled"))
    );
    assert_eq!(a.body["due_at"], "2027-11-15T08:00:00Z");
    let rules = a.body["state"]["exclusion_check"]["rules_checked"].to_string();
    assert!(rules.contains("exclusion.hospice"), "{rules}");

    step(
        &api,
        &url,
        "lead-care-manager",
        "t-prov-a",
        "2026-11-17",
        json!({ "person_id": "lcm-2" }),
    )
    .await;
    step(
        &api,
        &url,
        "care-team",
        "t-prov-a",
        "2026-11-17",
        json!({ "person_id": "pcp-1", "role": "pcp" }),
    )
    .await;
    step(
        &api,
        &url,
        "assessments",
        "t-prov-a",
        "2026-11-20",
        json!({ "assessment_id": "asmt-1", "started": "2026-11-17", "completed": "2026-11-20" }),
    )
    .await;
    for status in ["open", "met"] {
        step(
            &api,
            &url,
            "care-plan-goals",
            "t-prov-a",
            "2026-11-21",
            json!({ "goal_id": "goal-1", "description": "housing application submitted",
                    "status": status, "revised_on": "2026-11-21" }),
        )
        .await;
    }
    let mut rec = Value::Null;
    for service in CORE_SERVICES {
        rec = step(&api, &url, "activities", "t-prov-a", "2026-11-23",
            json!({ "service": service, "date": "2026-11-23", "description": "synthetic activity" })).await;
    }
    assert_eq!(rec["version"], 4 + 1 + 1 + 1 + 2 + 7);
    assert_eq!(rec["state"]["lead_care_manager"], "lcm-2");
    assert_eq!(rec["state"]["care_team"].as_array().unwrap().len(), 1);
    assert_eq!(rec["state"]["assessments"].as_array().unwrap().len(), 1);
    assert_eq!(rec["state"]["goals"].as_array().unwrap().len(), 1);
    assert_eq!(rec["state"]["goals"][0]["status"], "met");
    assert_eq!(rec["state"]["activities"].as_array().unwrap().len(), 7);

    // The re-authorization queue: not yet due in November 2026, due within 30 days in 2027.
    let q = api.get(QUEUE, "t-reviewer").await;
    assert_eq!(q.status, StatusCode::OK, "{}", q.text);
    assert!(q.body["items"].as_array().unwrap().is_empty(), "{}", q.text);
    api.set_now("2027-11-01T17:00:00Z");
    for token in ["t-reviewer", "t-prov-a"] {
        let q = api.get(&format!("{QUEUE}?limit=10&plan=hpsm"), token).await;
        assert_eq!(q.status, StatusCode::OK, "{}", q.text);
        let items = q.body["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{token}: {}", q.text);
        assert_eq!(items[0]["record"]["id"], id.as_str());
        assert!(items[0]["entry"].is_object());
    }
    for (token, path) in [
        ("t-prov-c", QUEUE.to_owned()),
        ("t-plan2", QUEUE.to_owned()),
        ("t-reviewer", format!("{QUEUE}?county=Elsewhere")),
    ] {
        let q = api.get(&path, token).await;
        assert_eq!(q.status, StatusCode::OK, "{}", q.text);
        assert!(
            q.body["items"].as_array().unwrap().is_empty(),
            "{token}: {}",
            q.text
        );
    }
    // Paging: a limit of 1 with one item, then the cursor.
    let q = api.get(&format!("{QUEUE}?limit=1"), "t-reviewer").await;
    if let Some(next) = q.body["next"].as_str() {
        let q2 = api
            .get(&format!("{QUEUE}?limit=1&after={next}"), "t-reviewer")
            .await;
        assert_eq!(q2.status, StatusCode::OK, "{}", q2.text);
        assert!(q2.body["items"].as_array().unwrap().is_empty());
    }

    // Re-authorization is the plan's: the provider may not.
    approved_ecm(&api, "ecm-auth-2", &member, Service::EcmReauthorization).await;
    let reauth = json!({ "start": "2027-11-16", "authorization_id": "ecm-auth-2" });
    api.post(
        &format!("{url}/reauthorizations"),
        "t-prov-a",
        reauth.clone(),
    )
    .await
    .problem(403);
    let rec = step(
        &api,
        &url,
        "reauthorizations",
        "t-reviewer",
        "2027-11-01",
        reauth,
    )
    .await;
    assert_eq!(
        rec["state"]["authorization_ids"],
        json!(["ecm-auth-1", "ecm-auth-2"])
    );
    assert_eq!(rec["due_at"], "2028-05-15T07:00:00Z");
    let q = api.get(QUEUE, "t-reviewer").await;
    assert!(q.body["items"].as_array().unwrap().is_empty(), "{}", q.text);

    // Discontinue: an unknown reason is named; a known one stops ECM.
    api.set_now("2028-01-10T17:00:00Z");
    let a = api
        .post(
            &format!("{url}/discontinuation"),
            "t-prov-a",
            json!({ "on": "2028-01-10", "reason": "moved-away" }),
        )
        .await;
    assert_eq!(
        a.problem(422)["field"],
        "discontinuation reason",
        "{}",
        a.text
    );
    let rec = step(
        &api,
        &url,
        "discontinuation",
        "t-prov-a",
        "2028-01-10",
        json!({ "on": "2028-01-10", "reason": "member-declined", "note": "prefers to stop" }),
    )
    .await;
    assert_eq!(rec["status"], "discontinued");
    assert_eq!(rec["due_at"], Value::Null);

    // One audit line per change, by the acting users.
    let actions: Vec<String> = audit_of(&api, "ecm-enrollment", &id)
        .await
        .into_iter()
        .map(|l| l.action)
        .collect();
    for want in [
        "open-ecm-enrollment",
        "record-outreach-attempt",
        "enroll-ecm",
        "assign-lead-care-manager",
        "add-care-team-member",
        "record-assessment",
        "record-care-plan-goal",
        "record-core-service-activity",
        "reauthorize-ecm",
        "discontinue-ecm",
        "read",
        "list",
        "reauthorize-ecm-forbidden",
    ] {
        assert!(actions.iter().any(|a| a == want), "{want} in {actions:?}");
    }
    assert_eq!(
        actions
            .iter()
            .filter(|a| *a == "record-core-service-activity")
            .count(),
        7
    );
}

/// A member in hospice on the start date cannot be enrolled: 422 naming the rule; nothing stored.
pub async fn ecm_enrollment_blocked_by_hospice(store: AnyStore) {
    let api = Api::new(store);
    world(&api).await;
    lcm_users(&api).await;
    let (url, member) = opened(&api, true).await;
    approved_ecm(&api, "ecm-auth-1", &member, Service::EcmInitial).await;
    let a = api
        .post(
            &format!("{url}/enrollment"),
            "t-prov-a",
            enrollment("2026-11-16"),
        )
        .await;
    let p = a.problem(422);
    assert_eq!(p["field"], "determination");
    let detail = p["detail"].as_str().unwrap();
    assert!(detail.contains("exclusion.hospice"), "{detail}");
    assert!(!detail.contains("exclusion.pace"), "{detail}");
    let rec = api.get(&url, "t-prov-a").await;
    assert_eq!(
        (rec.body["version"].as_i64(), rec.body["status"].as_str()),
        (Some(1), Some("outreach"))
    );
}

/// Another provider and another plan: 404 on GET, 403/404 on every POST, each attempt audited
/// (in the caller's log without the member id, in the owning plan's log with it); the record is
/// unchanged.
pub async fn ecm_access_is_enforced_and_audited(store: AnyStore) {
    let api = Api::new(store);
    world(&api).await;
    lcm_users(&api).await;
    let (url, member) = opened(&api, false).await;
    let id = url.rsplit('/').next().unwrap().to_owned();
    let posts = valid_changes();
    for (token, user, org) in [
        ("t-prov-c", "u-cm-c", "org-ecm-c"),
        ("t-plan2", "u-coord-2", OTHER_PLAN),
    ] {
        api.get(&url, token).await.problem(404);
        for (route, body) in &posts {
            let a = api
                .post(&format!("{url}/{route}"), token, body.clone())
                .await;
            assert!(
                [403, 404].contains(&a.status.as_u16()),
                "{token} {route}: {}",
                a.text
            );
            a.problem(a.status.as_u16());
        }
        // Issue #12: one line per attempt in the caller's log (no member id), one in the owning
        // plan's log (with it).
        let lines: Vec<_> = audit_of(&api, "ecm-enrollment", &id)
            .await
            .into_iter()
            .filter(|l| l.actor == user)
            .collect();
        let denied: Vec<String> = lines
            .iter()
            .filter(|l| l.org_id == org && l.member_id.is_none())
            .map(|l| l.action.clone())
            .collect();
        let owner: Vec<String> = lines
            .iter()
            .filter(|l| l.org_id == PLAN && l.member_id.as_deref() == Some(member.as_str()))
            .map(|l| l.action.clone())
            .collect();
        assert_eq!(denied.len(), 1 + posts.len(), "{user}: {lines:?}");
        assert_eq!(owner, denied, "{user}: {lines:?}");
        assert_eq!(lines.len(), 2 * (1 + posts.len()), "{user}: {lines:?}");
        assert!(
            denied
                .iter()
                .all(|a| a.ends_with("-denied") || a.ends_with("-forbidden")),
            "{denied:?}"
        );
    }
    // Only plan care coordinators open enrollments; referrers do not read them.
    let a = api
        .post(
            ECM,
            "t-prov-a",
            json!({ "member_id": "m", "provider_org_id": "org-ecm-a" }),
        )
        .await;
    a.problem(403);
    api.get(&url, "t-ref").await.problem(403);
    api.get(QUEUE, "t-ref").await.problem(403);
    let rec = api.get(&url, "t-reviewer").await;
    assert_eq!(
        (rec.body["version"].as_i64(), rec.body["status"].as_str()),
        (Some(1), Some("outreach"))
    );
}

pub async fn ecm_bad_input_is_named_and_changes_nothing(store: AnyStore) {
    let api = Api::new(store);
    world(&api).await;
    lcm_users(&api).await;
    let (url, member) = opened(&api, false).await;
    let raw = |path: String, body: &'static str| {
        let api = &api;
        async move {
            api.send(
                Request::builder()
                    .method("POST")
                    .uri(path)
                    .header("authorization", "Bearer t-prov-a")
                    .header("content-type", "application/json")
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await
        }
    };
    let routes = [
        "outreach-attempts",
        "enrollment",
        "lead-care-manager",
        "care-team",
        "assessments",
        "care-plan-goals",
        "activities",
        "reauthorizations",
        "discontinuation",
    ];
    // Malformed JSON, an unknown field, an unknown id: on every route.
    let a = raw(ECM.to_owned(), "{\n [").await;
    assert!(
        a.problem(400)["detail"]
            .as_str()
            .unwrap()
            .contains("line 2"),
        "{}",
        a.text
    );
    for route in routes {
        let a = raw(format!("{url}/{route}"), "{\n [").await;
        assert!(
            a.problem(400)["detail"]
                .as_str()
                .unwrap()
                .contains("line 2"),
            "{route}: {}",
            a.text
        );
        let a = raw(format!("{url}/{route}"), r#"{"bogus": 1}"#).await;
        assert_eq!(a.problem(422)["field"], "bogus", "{route}: {}", a.text);
    }
    for (route, body) in valid_changes() {
        // Re-authorization is the plan's.
        let token = if route == "reauthorizations" {
            "t-reviewer"
        } else {
            "t-prov-a"
        };
        let a = api
            .post(&format!("{ECM}/no-such-enrollment/{route}"), token, body)
            .await;
        a.problem(404);
    }
    api.get(&format!("{ECM}/no-such-enrollment"), "t-prov-a")
        .await
        .problem(404);
    // The body must not carry the id.
    let a = api
        .post(
            ECM,
            "t-coord",
            json!({ "enrollment_id": "mine", "member_id": member, "provider_org_id": "org-ecm-a" }),
        )
        .await;
    assert_eq!(a.problem(422)["field"], "enrollment_id");
    // Empty provider.
    let a = api
        .post(
            ECM,
            "t-coord",
            json!({ "member_id": member, "provider_org_id": " " }),
        )
        .await;
    assert_eq!(a.problem(422)["field"], "provider_org_id");
    // Unknown plan.
    let a = api.post(ECM, "t-coord",
        json!({ "member_id": member, "provider_org_id": "org-ecm-a", "plan_id": "no-such-plan" })).await;
    assert_eq!(a.problem(422)["field"].as_str(), Some("plan"), "{}", a.text);
    // Invalid codes.
    let a = api
        .post(
            &format!("{url}/outreach-attempts"),
            "t-prov-a",
            json!({ "date": "2026-11-03", "channel": "carrier-pigeon", "mode": "telephonic",
                "staff": "clinical", "reached": true }),
        )
        .await;
    assert_eq!(a.problem(422)["field"], "channel");
    let a = api
        .post(
            &format!("{url}/activities"),
            "t-prov-a",
            json!({ "service": "dental", "date": "2026-11-03", "description": "x" }),
        )
        .await;
    assert_eq!(a.problem(422)["field"], "service");
    let a = api
        .post(
            &format!("{url}/enrollment"),
            "t-prov-a",
            json!({ "start": "2026-02-30", "authorization_id": "a", "lead_care_manager": "l" }),
        )
        .await;
    assert_eq!(a.problem(422)["field"], "start");
    // Illegal transition before enrollment: re-authorize.
    let a = api
        .post(
            &format!("{url}/reauthorizations"),
            "t-reviewer",
            json!({ "start": "2027-11-16", "authorization_id": "a-2" }),
        )
        .await;
    assert_eq!(a.problem(409)["field"], "transition", "{}", a.text);

    // Enroll, then the illegal second enrollment and dates out of order.
    api.set_now("2026-11-06T17:00:00Z");
    approved_ecm(&api, "ecm-auth-1", &member, Service::EcmInitial).await;
    let a = api
        .post(
            &format!("{url}/enrollment"),
            "t-prov-a",
            enrollment("2026-11-16"),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let before = api.get(&url, "t-reviewer").await.body;
    let v = before["version"].as_i64().unwrap();
    let a = api
        .post(
            &format!("{url}/enrollment"),
            "t-prov-a",
            enrollment("2026-11-20"),
        )
        .await;
    assert_eq!(a.problem(409)["field"], "transition", "{}", a.text);
    let a = api
        .post(
            &format!("{url}/assessments"),
            "t-prov-a",
            json!({ "assessment_id": "a-1", "started": "2026-11-05", "completed": "2026-11-04" }),
        )
        .await;
    assert_eq!(
        a.problem(422)["field"],
        "assessment.completed",
        "{}",
        a.text
    );
    let a = api
        .post(
            &format!("{url}/discontinuation"),
            "t-prov-a",
            json!({ "on": "2026-11-01", "reason": "member-declined" }),
        )
        .await;
    assert_eq!(a.problem(422)["field"], "on", "{}", a.text);
    // A stale version.
    let a = api
        .call(
            "POST",
            &format!("{url}/lead-care-manager"),
            Some("t-prov-a"),
            &[("if-match", "\"1\"")],
            Some(&json!({ "person_id": "lcm-3" })),
        )
        .await;
    assert_eq!(a.problem(409)["field"], "If-Match");
    // Bad queue parameters.
    api.get(&format!("{QUEUE}?limit=0"), "t-reviewer")
        .await
        .problem(422);
    let a = api
        .get(&format!("{QUEUE}?after=garbage"), "t-reviewer")
        .await;
    assert_eq!(a.problem(422)["field"], "after");
    let a = api.get(&format!("{QUEUE}?bogus=1"), "t-reviewer").await;
    assert_eq!(a.problem(422)["field"], "query");

    let after = api.get(&url, "t-reviewer").await.body;
    assert_eq!(after, before);
    assert_eq!(after["version"], v);
}

/// An Idempotency-Key retry of a change replays the answer and writes one version.
pub async fn ecm_idempotent_change_retry(store: AnyStore) {
    let api = Api::new(store);
    world(&api).await;
    lcm_users(&api).await;
    let (url, _) = opened(&api, false).await;
    let key = [("idempotency-key", "outreach-1")];
    let body = outreach("2026-11-02", false);
    let path = format!("{url}/outreach-attempts");
    let r1 = api
        .call("POST", &path, Some("t-prov-a"), &key, Some(&body))
        .await;
    api.set_now("2026-11-02T18:00:00Z");
    let r2 = api
        .call("POST", &path, Some("t-prov-a"), &key, Some(&body))
        .await;
    assert_eq!(
        (r1.status, r2.status),
        (StatusCode::OK, StatusCode::OK),
        "{}",
        r2.text
    );
    assert_eq!(r1.body, r2.body);
    assert_eq!(api.version(&url).await, 2);
    let r3 = api
        .call(
            "POST",
            &path,
            Some("t-prov-a"),
            &key,
            Some(&outreach("2026-11-02", true)),
        )
        .await;
    assert_eq!(r3.problem(422)["field"], "Idempotency-Key");
    assert_eq!(api.version(&url).await, 2);
}
