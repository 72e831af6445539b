//! End-to-end workflows over HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;

/// submit → pend → extend → decide (deny with notice) → appeal → resolve (overturn).
pub async fn authorization_flow_over_http(store: AnyStore) {
    let api = Api::with_world(store).await;
    let a = api
        .post("/api/v1/authorizations", "t-prov-a", submission())
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    let id = a.body["id"].as_str().unwrap().to_owned();
    assert_eq!(id.len(), 36, "a server-generated UUID");
    let url = format!("/api/v1/authorizations/{id}");
    assert_eq!(a.header("location"), url);
    assert_eq!(a.header("etag"), "\"1\"");
    assert_eq!(a.body["status"], "received");
    assert_eq!(a.body["owners"]["owner_org_id"], PLAN);

    api.set_now("2026-11-03T17:00:00Z");
    let a = api
        .call(
            "POST",
            &format!("{url}/pend"),
            Some("t-reviewer"),
            &[("if-match", "\"1\"")],
            Some(&json!({ "information_needed": "care plan" })),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["status"], "pended-for-information");
    assert_eq!(a.header("etag"), "\"2\"");

    let a = api
        .post(
            &format!("{url}/extend"),
            "t-reviewer",
            json!({ "reason": "awaiting records from the PCP" }),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["version"], 3);

    api.set_now("2026-11-04T17:00:00Z");
    let decide = json!({
        "decision": { "decision": "deny", "reason": "POF 1a criteria not documented" },
        "notice_of_action": {
            "recipient": "member", "purpose": "notice-of-action", "channel": "mail",
            "content": "NOA template 12", "sent_at": "2026-11-04T17:00:00Z", "actor": "u-reviewer"
        }
    });
    let a = api
        .call(
            "POST",
            &format!("{url}/decision"),
            Some("t-reviewer"),
            &[("if-match", "\"3\"")],
            Some(&decide),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["status"], "denied");

    api.set_now("2026-11-10T17:00:00Z");
    let a = api
        .post(
            &format!("{url}/appeals"),
            "t-coord",
            json!({ "appeal_id": "appeal-1" }),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["version"], 5);

    api.set_now("2026-11-20T17:00:00Z");
    let a = api
        .post(
            &format!("{url}/appeals/resolution"),
            "t-reviewer",
            json!({ "resolution": { "outcome": "overturned", "start": "2026-12-01" } }),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["status"], "approved");
    assert_eq!(a.header("etag"), "\"6\"");

    // The submitting provider reads it back (the plan gave it the member: ECM enrollment).
    let read = api.get(&url, "t-prov-a").await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    assert_eq!(read.body, a.body);
}

/// submit → pend → information received (clock restarts) → notice to the provider → withdrawn
/// by the provider; a withdrawn request cannot be decided, and it leaves the work queue.
pub async fn authorization_information_and_withdrawal_over_http(store: AnyStore) {
    let api = Api::with_world(store).await;
    let url = submitted(&api).await;
    let id = url.rsplit('/').next().unwrap().to_owned();
    let before = api.get(&url, "t-reviewer").await.body["state"]["due"].clone();

    api.set_now("2026-11-03T17:00:00Z");
    let a = api
        .post(
            &format!("{url}/pend"),
            "t-reviewer",
            json!({ "information_needed": "care plan" }),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);

    api.set_now("2026-11-05T18:00:00Z");
    let a = api
        .post(
            &format!("{url}/information-received"),
            "t-prov-a",
            json!({}),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["status"], "received");
    assert_eq!(a.body["state"]["info_received_at"], "2026-11-05T18:00:00Z");
    // The state clock restarts from the date the information arrived; the federal clock does
    // not, and the earlier of the two is the due time (docs/clocks.md).
    let due = &a.body["state"]["due"];
    assert_ne!(due["explanation"], before["explanation"], "{due}");
    assert!(due["due"].as_str().unwrap() <= before["due"].as_str().unwrap());

    let notice = json!({
        "notice": {
            "recipient": "practitioner", "purpose": "other", "channel": "portal",
            "content": "information received; decision pending", "sent_at": "2026-11-05T18:05:00Z",
            "actor": "u-reviewer"
        }
    });
    let a = api
        .post(&format!("{url}/notices"), "t-reviewer", notice.clone())
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    // A provider may not record the plan's notices.
    let refused = api
        .post(&format!("{url}/notices"), "t-prov-a", notice)
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text);

    // Another provider cannot withdraw it (it cannot see it).
    let other = api
        .post(
            &format!("{url}/withdrawal"),
            "t-prov-b",
            json!({ "reason": "duplicate" }),
        )
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND, "{}", other.text);
    let version = api.version(&url).await;

    let a = api
        .post(
            &format!("{url}/withdrawal"),
            "t-prov-a",
            json!({ "reason": "member moved out of county" }),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["status"], "withdrawn");
    assert_eq!(a.body["version"], version + 1);

    // A withdrawn request is closed: deciding it is an illegal transition naming the problem.
    let decide = api
        .post(
            &format!("{url}/decision"),
            "t-reviewer",
            json!({ "decision": { "decision": "approve", "start": "2026-12-01" } }),
        )
        .await;
    assert_eq!(decide.status.as_u16(), 409, "{}", decide.text);
    assert_eq!(decide.body["field"], "transition", "{}", decide.text);
    assert_eq!(
        decide.body["type"],
        "urn:careloop:problem:invalid-transition"
    );
    assert_eq!(api.version(&url).await, version + 1, "nothing changed");
    let queue = api.get("/api/v1/authorizations", "t-reviewer").await;
    assert_eq!(queue.status, StatusCode::OK, "{}", queue.text);
    assert!(
        queue.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["record"]["id"] != id.as_str()),
        "a withdrawn request is off the work queue"
    );
}

/// create → eligibility review → assign → accept → close.
pub async fn referral_flow_over_http(store: AnyStore) {
    let api = Api::with_world(store).await;
    let a = api.post("/api/v1/referrals", "t-ref", referral()).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    let url = a.header("location").to_owned();
    assert!(url.starts_with("/api/v1/referrals/"));
    assert_eq!(a.body["owners"]["referrer_org_id"], "org-ref-1");

    let steps = [
        (
            "eligibility-review",
            "t-coord",
            json!({ "eligible": true }),
            "eligibility-reviewed",
        ),
        (
            "assignment",
            "t-coord",
            json!({ "provider_org_id": "org-ecm-b" }),
            "assigned",
        ),
    ];
    for (step, token, body, _) in steps {
        let a = api.post(&format!("{url}/{step}"), token, body).await;
        assert_eq!(a.status, StatusCode::OK, "{step}: {}", a.text);
    }
    // Acceptance takes no fields: an empty body is fine.
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
    assert_eq!(a.body["status"], "accepted-by-provider");
    let a = api
        .post(
            &format!("{url}/closure"),
            "t-coord",
            json!({ "reason": "member-declined" }),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["status"], "closed");
    assert_eq!(a.body["version"], 5);
    // The referrer still sees its own referral.
    assert_eq!(api.get(&url, "t-ref").await.status, StatusCode::OK);
}
