//! Authentication, access, bad input, idempotency, concurrency and ops over HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use careloop_store::{AuditFilter, Store};

pub async fn missing_or_bad_token_is_401(store: AnyStore) {
    let api = Api::new(store);
    let a = api
        .call("GET", "/api/v1/authorizations", None, &[], None)
        .await;
    a.problem(401);
    assert!(a.header("www-authenticate").starts_with("Bearer"));
    let a = api
        .call(
            "POST",
            "/api/v1/referrals",
            Some("t-nobody"),
            &[],
            Some(&referral()),
        )
        .await;
    a.problem(401);
    assert!(a.header("www-authenticate").contains("invalid_token"));
    let a = api
        .call(
            "GET",
            "/api/v1/authorizations",
            None,
            &[("authorization", "Basic dTpw")],
            None,
        )
        .await;
    a.problem(401);
}

pub async fn other_organization_gets_404_and_403(store: AnyStore) {
    let api = Api::with_world(store).await;
    let url = submitted(&api).await;
    // Provider C has no access to the member: as if the record did not exist.
    api.get(&url, "t-prov-c").await.problem(404);
    let missing = api
        .get("/api/v1/authorizations/no-such-id", "t-prov-c")
        .await;
    assert_eq!(
        missing.body["title"],
        api.get(&url, "t-prov-c").await.body["title"]
    );
    // Writing: a provider may not pend (403); nothing changed.
    api.post(
        &format!("{url}/pend"),
        "t-prov-c",
        json!({ "information_needed": "x" }),
    )
    .await
    .problem(403);
    assert_eq!(api.version(&url).await, 1);
    // Both attempts are in the audit log, under provider C's user.
    let id = url.rsplit('/').next().unwrap();
    let seen = audit_actions(&api, "u-cm-c", id).await;
    assert!(seen.contains(&"read-denied".to_owned()), "{seen:?}");
    assert!(
        seen.contains(&"pend-authorization-forbidden".to_owned()),
        "{seen:?}"
    );

    // A referral assigned to B: C cannot see or answer it.
    let r = api.post("/api/v1/referrals", "t-coord", referral()).await;
    let rurl = r.header("location").to_owned();
    api.post(
        &format!("{rurl}/eligibility-review"),
        "t-coord",
        json!({ "eligible": true }),
    )
    .await;
    api.post(
        &format!("{rurl}/assignment"),
        "t-coord",
        json!({ "provider_org_id": "org-ecm-b" }),
    )
    .await;
    api.get(&rurl, "t-prov-c").await.problem(404);
    let a = api
        .call(
            "POST",
            &format!("{rurl}/acceptance"),
            Some("t-prov-c"),
            &[],
            None,
        )
        .await;
    assert!([403, 404].contains(&a.status.as_u16()), "{}", a.text);
    assert_eq!(api.version(&rurl).await, 3);
    let rid = rurl.rsplit('/').next().unwrap();
    let seen = audit_actions(&api, "u-cm-c", rid).await;
    assert!(seen.contains(&"read-denied".to_owned()), "{seen:?}");
    assert!(
        seen.iter()
            .any(|a| a.starts_with("respond-to-referral-") && a != "respond-to-referral"),
        "the refused acceptance is audited: {seen:?}"
    );
}

/// The audit-log actions `actor` left on `record_id`.
pub async fn audit_actions(api: &Api, actor: &str, record_id: &str) -> Vec<String> {
    let filter = AuditFilter {
        actor: Some(actor.to_owned()),
        record_id: Some(record_id.to_owned()),
        limit: 100,
        ..AuditFilter::default()
    };
    let lines = api.app.store().audit(&filter).await.unwrap();
    lines.into_iter().map(|l| l.action).collect()
}

pub async fn bad_input_is_a_named_4xx_and_changes_nothing(store: AnyStore) {
    let api = Api::with_world(store).await;
    let url = submitted(&api).await;
    let pend = format!("{url}/pend");
    let send_raw = |path: String, body: &'static str, ct: &'static str| {
        let api = &api;
        async move {
            api.send(
                Request::builder()
                    .method("POST")
                    .uri(path)
                    .header("authorization", "Bearer t-reviewer")
                    .header("content-type", ct)
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await
        }
    };

    // Malformed JSON: 400 naming line and column.
    let a = send_raw(
        pend.clone(),
        "{\n  \"information_needed\": ",
        "application/json",
    )
    .await;
    let p = a.problem(400);
    assert!(
        p["detail"].as_str().unwrap().contains("line 2"),
        "{}",
        a.text
    );
    // Unknown field: 422 naming it.
    let a = send_raw(
        pend.clone(),
        r#"{"information_needed": "x", "bogus": 1}"#,
        "application/json",
    )
    .await;
    assert_eq!(a.problem(422)["field"], "bogus");
    // Wrong type, nested: the path.
    let a = api
        .post(
            &format!("{url}/decision"),
            "t-reviewer",
            json!({ "decision": { "decision": "deny", "reason": 7 } }),
        )
        .await;
    // An internally tagged enum is buffered by serde: the path stops at the enum.
    assert_eq!(a.problem(422)["field"], "decision");
    let mut bad = referral();
    bad["program"] = json!("dental");
    let a = api.post("/api/v1/referrals", "t-ref", bad).await;
    assert_eq!(a.problem(422)["field"], "program");
    // Invalid code.
    let mut bad = submission();
    bad["service"] = json!("not-a-service");
    let a = api.post("/api/v1/authorizations", "t-prov-a", bad).await;
    assert_eq!(a.problem(422)["field"], "service");
    // The body must not carry the id.
    let mut bad = submission();
    bad["request_id"] = json!("mine");
    let a = api.post("/api/v1/authorizations", "t-prov-a", bad).await;
    assert_eq!(a.problem(422)["field"], "request_id");
    // Not JSON at all: 415.
    send_raw(pend.clone(), "information_needed=x", "text/plain")
        .await
        .problem(415);
    // Unknown id.
    api.post(
        "/api/v1/authorizations/nope/pend",
        "t-reviewer",
        json!({ "information_needed": "x" }),
    )
    .await
    .problem(404);
    // Dates out of order: pending before the request was received.
    api.set_now("2026-11-01T17:00:00Z");
    let a = api
        .post(&pend, "t-reviewer", json!({ "information_needed": "x" }))
        .await;
    assert!(a.problem(422)["field"].is_string(), "{}", a.text);
    api.set_now("2026-11-02T18:00:00Z");
    // Empty required field.
    let a = api
        .post(&pend, "t-reviewer", json!({ "information_needed": " " }))
        .await;
    assert_eq!(a.problem(422)["field"], "information_needed");
    // Illegal transition: resolving an appeal never filed.
    let a = api
        .post(
            &format!("{url}/appeals/resolution"),
            "t-reviewer",
            json!({ "resolution": { "outcome": "upheld", "reason": "x" } }),
        )
        .await;
    assert_eq!(a.problem(409)["field"], "transition", "{}", a.text);
    // Bad query parameter.
    api.get("/api/v1/authorizations?limit=0", "t-reviewer")
        .await
        .problem(422);
    api.get("/api/v1/authorizations?after=garbage", "t-reviewer")
        .await
        .problem(422);
    // Unknown route, wrong method.
    api.get("/api/v1/nothing-here", "t-reviewer")
        .await
        .problem(404);
    let a = api
        .call("DELETE", &url, Some("t-reviewer"), &[], None)
        .await;
    a.problem(405);
    // Too large: 413.
    let big = format!(
        "{{\"information_needed\": \"{}\"}}",
        "x".repeat(careloop_web::BODY_LIMIT_BYTES + 10)
    );
    let a = api
        .send(
            Request::builder()
                .method("POST")
                .uri(pend.clone())
                .header("authorization", "Bearer t-reviewer")
                .header("content-type", "application/json")
                .body(Body::from(big))
                .unwrap(),
        )
        .await;
    a.problem(413);

    // Nothing changed through all of it.
    let after = api.get(&url, "t-reviewer").await;
    assert_eq!(after.body["version"], 1);
    assert_eq!(after.body["status"], "received");
}

pub async fn idempotent_retry_replays_and_mismatch_is_422(store: AnyStore) {
    let api = Api::with_world(store).await;
    plan_member(&api, "mem-9").await;
    let key = [("idempotency-key", "create-ref-1")];
    let first = api
        .call(
            "POST",
            "/api/v1/referrals",
            Some("t-ref"),
            &key,
            Some(&referral()),
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    api.set_now("2026-11-02T18:00:00Z");
    let again = api
        .call(
            "POST",
            "/api/v1/referrals",
            Some("t-ref"),
            &key,
            Some(&referral()),
        )
        .await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(again.body, first.body, "the same record, same body");
    assert_eq!(again.header("location"), first.header("location"));
    let url = first.header("location").to_owned();
    assert_eq!(api.version(&url).await, 1);
    // Another user with the same key gets its own record.
    let other = api
        .call(
            "POST",
            "/api/v1/referrals",
            Some("t-coord"),
            &key,
            Some(&referral()),
        )
        .await;
    assert_eq!(other.status, StatusCode::CREATED);
    assert_ne!(other.body["id"], first.body["id"]);
    // Same key, another body: 422.
    let mut changed = referral();
    changed["member_id"] = json!("mem-9");
    let a = api
        .call(
            "POST",
            "/api/v1/referrals",
            Some("t-ref"),
            &key,
            Some(&changed),
        )
        .await;
    assert_eq!(a.problem(422)["field"], "Idempotency-Key");
    // A change retried: same answer, one new version only.
    let review = json!({ "eligible": true });
    let k2 = [("idempotency-key", "review-1")];
    let r1 = api
        .call(
            "POST",
            &format!("{url}/eligibility-review"),
            Some("t-coord"),
            &k2,
            Some(&review),
        )
        .await;
    let r2 = api
        .call(
            "POST",
            &format!("{url}/eligibility-review"),
            Some("t-coord"),
            &k2,
            Some(&review),
        )
        .await;
    assert_eq!(
        (r1.status, r2.status),
        (StatusCode::OK, StatusCode::OK),
        "{}",
        r2.text
    );
    assert_eq!(r1.body, r2.body);
    assert_eq!(api.version(&url).await, 2);
    let events = careloop_store::Store::events_for(
        api.app.store(),
        "referral",
        first.body["id"].as_str().unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(events.len(), 2);
}

pub async fn stale_if_match_is_409(store: AnyStore) {
    let api = Api::with_world(store).await;
    let url = submitted(&api).await;
    let a = api
        .call(
            "POST",
            &format!("{url}/extend"),
            Some("t-reviewer"),
            &[("if-match", "\"7\"")],
            Some(&json!({ "reason": "more time" })),
        )
        .await;
    a.problem(409);
    let a = api
        .call(
            "POST",
            &format!("{url}/extend"),
            Some("t-reviewer"),
            &[("if-match", "seven")],
            Some(&json!({ "reason": "more time" })),
        )
        .await;
    assert_eq!(a.problem(400)["field"], "If-Match");
    let a = api
        .call(
            "POST",
            &format!("{url}/extend"),
            Some("t-reviewer"),
            &[("if-match", "\"1\"")],
            Some(&json!({ "reason": "more time", "expected_version": 2 })),
        )
        .await;
    assert_eq!(a.problem(409)["field"], "expected_version");
    assert_eq!(api.version(&url).await, 1);
    let get = api.get(&url, "t-reviewer").await;
    assert_eq!(get.header("etag"), "\"1\"");
}

pub async fn ops_endpoints_answer(store: AnyStore) {
    let api = Api::with_world(store).await;
    let h = api.call("GET", "/healthz", None, &[], None).await;
    assert_eq!(
        (h.status, h.body["status"].as_str()),
        (StatusCode::OK, Some("ok"))
    );
    let r = api.call("GET", "/readyz", None, &[], None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(!r.header("x-request-id").is_empty());
    submitted(&api).await;
    // The queue lists it for the plan.
    let q = api
        .get(
            "/api/v1/authorizations?at_risk_only=false&limit=10",
            "t-reviewer",
        )
        .await;
    assert_eq!(q.status, StatusCode::OK, "{}", q.text);
    assert_eq!(q.body["items"].as_array().unwrap().len(), 1);
    let m = api.call("GET", "/metrics", None, &[], None).await;
    assert_eq!(m.status, StatusCode::OK);
    assert!(m.header("content-type").starts_with("text/plain"));
    assert!(
        m.text.contains(
            "careloop_http_requests_total{method=\"POST\",route=\"/api/v1/authorizations\",status=\"201\"} 1"
        ),
        "{}",
        m.text
    );
    assert!(m.text.contains(
        "careloop_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"+Inf\"} 1"
    ));
    assert!(
        m.text.contains("careloop_http_requests_in_flight 1"),
        "only /metrics itself"
    );
    // Closed store: not ready.
    match api.app.store() {
        AnyStore::Sqlite(s) => s.close().await,
        AnyStore::Postgres(s) => s.close().await,
    }
    api.call("GET", "/readyz", None, &[], None)
        .await
        .problem(503);
}
