//! End-to-end workflows over HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;

/// submit → pend → extend → decide (deny with notice) → appeal → resolve (overturn).
pub async fn authorization_flow_over_http(store: AnyStore) {
    let api = Api::new(store);
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

    // The submitting provider reads it back (it was granted access).
    let read = api.get(&url, "t-prov-a").await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    assert_eq!(read.body, a.body);
}

/// create → eligibility review → assign → accept → close.
pub async fn referral_flow_over_http(store: AnyStore) {
    let api = Api::new(store);
    let a = api.post("/api/v1/referrals", "t-ref", referral()).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    let url = a.header("location").to_owned();
    assert!(url.starts_with("/api/v1/referrals/"));
    assert_eq!(a.body["owners"]["referrer_org_id"], "org-ref-1");

    let steps = [
        (
            "eligibility-review",
            "t-coord",
            json!({ "eligible": true, "determination_id": "det-1" }),
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
