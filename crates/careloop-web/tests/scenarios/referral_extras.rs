//! api2: referral extras (authorization decision, services started, notices, notice agreement)
//! and the referral work queue over HTTP; the authorization queue's at-risk/overdue flags.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;

/// The queue items for referral `id` as `token` sees them.
async fn queued(api: &Api, token: &str, query: &str, id: &str) -> Vec<Value> {
    let a = api
        .get(&format!("/api/v1/work-queues/referrals{query}"), token)
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    a.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["record"]["id"] == id)
        .cloned()
        .collect()
}

/// One queue item for referral `id`, asserting who acts next.
async fn next_step(api: &Api, token: &str, id: &str, party: &str, step: &str) -> Value {
    let items = queued(api, token, "", id).await;
    assert_eq!(items.len(), 1, "{token} should see {id} on its queue");
    let item = items.into_iter().next().unwrap();
    assert_eq!(
        (item["waiting_on"].as_str(), item["next_step"].as_str()),
        (Some(party), Some(step)),
        "{item}"
    );
    item
}

/// A referral from a referring entity (CBO), reviewed, assigned to B and accepted; its URL.
async fn accepted_referral(api: &Api) -> (String, String) {
    let a = api.post("/api/v1/referrals", "t-ref", referral()).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    let id = a.body["id"].as_str().unwrap().to_owned();
    let url = a.header("location").to_owned();
    for (step, token, body) in [
        ("eligibility-review", "t-coord", json!({ "eligible": true })),
        (
            "assignment",
            "t-coord",
            json!({ "provider_org_id": "org-ecm-b" }),
        ),
        ("acceptance", "t-prov-b", json!({})),
    ] {
        let a = api.post(&format!("{url}/{step}"), token, body).await;
        assert_eq!(a.status, StatusCode::OK, "{step}: {}", a.text);
    }
    (id, url)
}

fn fax_to_referrer() -> Value {
    json!({
        "recipient": "referrer", "purpose": "authorized", "channel": "fax",
        "content": "authorization notice template 4"
    })
}

/// create → review → assign → accept → authorization → services started → notices (a fax to
/// the referrer does not meet the electronic rule until both sides agree) → close with reason;
/// the referral queue shows who acts next at each step.
pub async fn referral_closed_loop_over_http_with_the_work_queue(store: AnyStore) {
    let api = Api::with_world(store).await;
    let a = api.post("/api/v1/referrals", "t-ref", referral()).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    let id = a.body["id"].as_str().unwrap().to_owned();
    let url = a.header("location").to_owned();
    next_step(&api, "t-coord", &id, "plan", "eligibility-review").await;
    // A referring entity has no queue.
    api.get("/api/v1/work-queues/referrals", "t-ref")
        .await
        .problem(403);

    let a = api
        .call(
            "POST",
            &format!("{url}/eligibility-review"),
            Some("t-coord"),
            &[("if-match", "\"1\"")],
            Some(&json!({ "eligible": true })),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    next_step(&api, "t-coord", &id, "plan", "assignment").await;
    let a = api
        .post(
            &format!("{url}/assignment"),
            "t-coord",
            json!({ "provider_org_id": "org-ecm-b" }),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    // Now it waits on provider B: on B's queue, on the plan's "waiting on provider" view only.
    next_step(&api, "t-prov-b", &id, "provider", "accept-or-decline").await;
    assert!(
        queued(&api, "t-coord", "?waiting_on=plan", &id)
            .await
            .is_empty()
    );
    assert_eq!(
        queued(&api, "t-coord", "?waiting_on=provider", &id)
            .await
            .len(),
        1
    );
    assert!(queued(&api, "t-prov-c", "", &id).await.is_empty());

    api.set_now("2026-11-02T18:00:00Z");
    let a = api
        .call(
            "POST",
            &format!("{url}/acceptance"),
            Some("t-prov-b"),
            &[],
            None,
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    next_step(&api, "t-coord", &id, "plan", "authorization").await;

    // The plan records the authorization decision on the referred service: it names the ECM
    // request provider B submitted and the plan approved (issue #12: a real, approved request
    // of this plan about this member and program).
    api.set_now("2026-11-03T17:00:00Z");
    let auth_id = approved_request(&api, "t-prov-b", "mem-2").await;
    let a = api
        .call(
            "POST",
            &format!("{url}/authorization"),
            Some("t-reviewer"),
            &[("if-match", "\"4\"")],
            Some(&json!({ "authorized": true, "authorization_id": auth_id })),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["status"], "authorized");
    assert_eq!(a.body["state"]["authorization_id"], auth_id.as_str());
    assert_eq!(a.header("etag"), "\"5\"");
    // Three hours later provider B is on the hook to start services.
    api.set_now("2026-11-03T20:00:00Z");
    let item = next_step(&api, "t-prov-b", &id, "provider", "start-services").await;
    assert_eq!(item["age_hours"], 3);
    assert_eq!(item["since"], "2026-11-03T17:00:00Z");

    let a = api
        .post(
            &format!("{url}/services-started"),
            "t-prov-b",
            json!({ "started_on": "2026-11-03" }),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["status"], "services-started");
    assert_eq!(a.body["state"]["services_started_on"], "2026-11-03");

    // Notices: the member by mail, the referrer by fax (not electronic).
    let a = api
        .post(
            &format!("{url}/notices"),
            "t-coord",
            json!({
                "recipient": "member", "purpose": "authorized", "channel": "mail",
                "content": "authorization notice template 3"
            }),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let a = api
        .post(&format!("{url}/notices"), "t-coord", fax_to_referrer())
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["version"], 8);
    let notices = a.body["state"]["notices"].as_array().unwrap();
    assert_eq!(notices.len(), 2);
    assert_eq!(
        notices[1]["actor"], "u-coord",
        "the sender is the signed-in user"
    );
    let events = careloop_store::Store::events_for(api.app.store(), "referral", &id)
        .await
        .unwrap();
    assert_eq!(
        events.last().unwrap().body["events"][0]["meets_electronic_rule"],
        json!(false)
    );
    let item = next_step(&api, "t-coord", &id, "plan", "close-loop").await;
    let duty = |item: &Value| {
        item["notice_duties"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["recipient"] == "referrer" && d["purpose"] == "authorized")
            .cloned()
            .unwrap()
    };
    let fax_duty = duty(&item);
    assert_eq!(fax_duty["satisfied"], false, "{fax_duty}");
    assert!(fax_duty["detail"].as_str().unwrap().contains("fax"));
    let owed = item["notices_owed"].as_u64().unwrap();
    assert!(owed >= 1);

    // Both sides agree to fax; a fax sent after that meets the rule.
    let a = api
        .post(
            &format!("{url}/notice-agreement"),
            "t-coord",
            json!({ "channel": "fax", "documentation": "signed agreement form 12" }),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["state"]["notice_agreement"]["channel"], "fax");
    let a = api
        .post(&format!("{url}/notices"), "t-prov-b", fax_to_referrer())
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let item = next_step(&api, "t-coord", &id, "plan", "close-loop").await;
    assert_eq!(duty(&item)["satisfied"], true);
    assert_eq!(item["notices_owed"].as_u64().unwrap(), owed - 1);

    // Close the loop with its reason; it leaves the queue.
    let a = api
        .post(
            &format!("{url}/closure"),
            "t-coord",
            json!({ "reason": "services-received" }),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["status"], "closed");
    assert_eq!(a.body["version"], 11);
    assert!(queued(&api, "t-coord", "", &id).await.is_empty());
    let read = api.get(&url, "t-ref").await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    assert_eq!(read.body, a.body);
}

/// Another organization: 404 on what it may not see, 403 on what its roles may not do; bad
/// input is a 4xx naming the field; nothing changes.
pub async fn referral_extras_refuse_other_organizations_and_bad_input(store: AnyStore) {
    let api = Api::with_world(store).await;
    let (id, url) = accepted_referral(&api).await;
    let auth = format!("{url}/authorization");
    let started = format!("{url}/services-started");
    let notices = format!("{url}/notices");
    let agreement = format!("{url}/notice-agreement");

    // Roles: providers do not decide authorizations; the referrer sends no notices.
    api.post(&auth, "t-prov-b", json!({ "authorized": true }))
        .await
        .problem(403);
    api.post(&notices, "t-ref", fax_to_referrer())
        .await
        .problem(403);
    api.post(
        &agreement,
        "t-ref",
        json!({ "channel": "fax", "documentation": "x" }),
    )
    .await
    .problem(403);
    // Provider C cannot see the referral: 404, exactly as a missing one.
    let c = api
        .post(&started, "t-prov-c", json!({ "started_on": "2026-11-05" }))
        .await;
    c.problem(404);
    let missing = api
        .post(
            "/api/v1/referrals/no-such-id/services-started",
            "t-prov-c",
            json!({ "started_on": "2026-11-05" }),
        )
        .await;
    assert_eq!(missing.problem(404)["title"], c.body["title"]);
    api.post(&notices, "t-prov-c", fax_to_referrer())
        .await
        .problem(404);
    // The plan does not start services (the assigned provider does).
    api.post(&started, "t-coord", json!({ "started_on": "2026-11-05" }))
        .await
        .problem(403);
    // The denied attempts are audited.
    let log = api
        .get(
            &format!("/api/v1/audit-log?record_id={id}&limit=500"),
            "t-plan-admin",
        )
        .await;
    assert_eq!(log.status, StatusCode::OK, "{}", log.text);
    let denied: Vec<&Value> = log.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["actor"] == "u-cm-c")
        .collect();
    assert!(
        denied
            .iter()
            .all(|l| l["action"].as_str().unwrap().ends_with("-denied")),
        "{denied:?}"
    );
    assert!(denied.len() >= 2, "{}", log.text);

    // Bad input, per route.
    let a = api
        .post(&auth, "t-reviewer", json!({ "authorized": false }))
        .await;
    assert!(a.problem(422)["field"].is_string(), "{}", a.text);
    let a = api
        .post(&auth, "t-reviewer", json!({ "authorized": "yes" }))
        .await;
    assert_eq!(a.problem(422)["field"], "authorized");
    let a = api
        .post(
            &auth,
            "t-reviewer",
            json!({ "authorized": true, "authorization_id": "a", "approved": true }),
        )
        .await;
    assert_eq!(a.problem(422)["field"], "approved");
    let a = api
        .post(&started, "t-prov-b", json!({ "started_on": "soon" }))
        .await;
    assert_eq!(a.problem(422)["field"], "started_on");
    let mut bad = fax_to_referrer();
    bad["channel"] = json!("pigeon");
    let a = api.post(&notices, "t-coord", bad).await;
    assert_eq!(a.problem(422)["field"], "channel");
    let mut bad = fax_to_referrer();
    bad["sent_at"] = json!("yesterday");
    let a = api.post(&notices, "t-coord", bad).await;
    assert_eq!(a.problem(422)["field"], "sent_at");
    let a = api
        .post(
            &agreement,
            "t-coord",
            json!({ "channel": "fax", "documentation": 12 }),
        )
        .await;
    assert_eq!(a.problem(422)["field"], "documentation");
    // Services cannot start before the referred service is authorized: the referral's state.
    let a = api
        .post(&started, "t-prov-b", json!({ "started_on": "2026-11-05" }))
        .await;
    assert_eq!(a.problem(409)["field"], "transition", "{}", a.text);
    // Stale version.
    let a = api
        .call(
            "POST",
            &auth,
            Some("t-reviewer"),
            &[("if-match", "\"2\"")],
            Some(&json!({ "authorized": true })),
        )
        .await;
    assert_eq!(a.problem(409)["field"], "If-Match");
    // Queue parameters.
    for (query, field) in [
        ("?waiting_on=member", "waiting_on"),
        ("?limit=0", "limit"),
        ("?limit=501", "limit"),
        ("?after=garbage", "after"),
        ("?bogus=1", "query"),
    ] {
        let a = api
            .get(&format!("/api/v1/work-queues/referrals{query}"), "t-coord")
            .await;
        assert_eq!(a.problem(422)["field"], field, "{query}");
    }

    // Nothing changed through all of it.
    let after = api.get(&url, "t-coord").await;
    assert_eq!(after.body["version"], 4);
    assert_eq!(after.body["status"], "accepted-by-provider");
    assert_eq!(after.body["state"]["notices"], json!([]));
}

/// A notice retried with the same Idempotency-Key is recorded once; the key with another body
/// is 422.
pub async fn referral_extras_replay_an_idempotent_retry(store: AnyStore) {
    let api = Api::with_world(store).await;
    let (_, url) = accepted_referral(&api).await;
    let key = [("idempotency-key", "notice-1")];
    let notices = format!("{url}/notices");
    let first = api
        .call(
            "POST",
            &notices,
            Some("t-coord"),
            &key,
            Some(&fax_to_referrer()),
        )
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    api.set_now("2026-11-02T19:00:00Z");
    let again = api
        .call(
            "POST",
            &notices,
            Some("t-coord"),
            &key,
            Some(&fax_to_referrer()),
        )
        .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(again.body, first.body);
    assert_eq!(again.header("etag"), first.header("etag"));
    let mut other = fax_to_referrer();
    other["channel"] = json!("email");
    let a = api
        .call("POST", &notices, Some("t-coord"), &key, Some(&other))
        .await;
    assert_eq!(a.problem(422)["field"], "Idempotency-Key");
    let read = api.get(&url, "t-coord").await;
    assert_eq!(read.body["version"], 5);
    assert_eq!(read.body["state"]["notices"].as_array().unwrap().len(), 1);
    // The authorization decision too (naming the request the plan approved).
    let auth_id = approved_request(&api, "t-prov-b", "mem-2").await;
    let k2 = [("idempotency-key", "auth-1")];
    let body = json!({ "authorized": true, "authorization_id": auth_id });
    let r1 = api
        .call(
            "POST",
            &format!("{url}/authorization"),
            Some("t-reviewer"),
            &k2,
            Some(&body),
        )
        .await;
    let r2 = api
        .call(
            "POST",
            &format!("{url}/authorization"),
            Some("t-reviewer"),
            &k2,
            Some(&body),
        )
        .await;
    assert_eq!(
        (r1.status, r2.status),
        (StatusCode::OK, StatusCode::OK),
        "{}",
        r2.text
    );
    assert_eq!(r1.body, r2.body);
    assert_eq!(api.version(&url).await, 6);
}

/// `GET /api/v1/authorizations` classifies each open request on track / at risk / overdue.
pub async fn authorization_queue_flags_at_risk_and_overdue(store: AnyStore) {
    let api = Api::with_world(store).await;
    let url = submitted(&api).await;
    let id = url.rsplit('/').next().unwrap().to_owned();
    let entry = |body: &Value| {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["record"]["id"] == id.as_str())
            .map(|i| i["entry"].clone())
    };
    let q = api.get("/api/v1/authorizations", "t-reviewer").await;
    assert_eq!(q.status, StatusCode::OK, "{}", q.text);
    let e = entry(&q.body).unwrap();
    assert_eq!(e["status"], "on-track");
    assert_eq!(e["at_risk_hours"], 24);
    let due = ts(e["due"].as_str().unwrap());
    // Not listed when only at-risk requests are asked for.
    let q = api
        .get("/api/v1/authorizations?at_risk_only=true", "t-reviewer")
        .await;
    assert!(entry(&q.body).is_none(), "{}", q.text);

    let hours = |h: i64| {
        due.checked_add(jiff::SignedDuration::from_hours(h))
            .unwrap()
            .to_string()
    };
    api.set_now(&hours(-2));
    let q = api
        .get("/api/v1/authorizations?at_risk_only=true", "t-reviewer")
        .await;
    let e = entry(&q.body).expect("at risk is listed");
    assert_eq!(e["status"], "at-risk");
    assert_eq!(e["minutes_left"], 120);

    api.set_now(&hours(3));
    let q = api
        .get("/api/v1/authorizations?at_risk_only=true", "t-reviewer")
        .await;
    assert_eq!(q.status, StatusCode::OK, "{}", q.text);
    let e = entry(&q.body).expect("overdue is listed");
    assert_eq!(e["status"], "overdue");
    assert_eq!(e["minutes_left"], -180);
}
